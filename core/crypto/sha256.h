#pragma once
// SHA-256 (FIPS 180-4) and SHA256d. The compression function has a portable
// reference and accelerated variants in files of their own (sha256_shani.cpp),
// one of which is chosen once, on first use, after a self-test against the
// reference. The choice never changes afterwards.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/uint256.h"

namespace btr::core {

// Compresses nblocks consecutive 64-byte blocks into state (8 words).
using Sha256TransformFn = void (*)(uint32_t* state, const uint8_t* blocks, size_t nblocks);

inline constexpr std::array<uint32_t, 8> kSha256Init = {
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
extern const uint32_t kSha256K[64];

void sha256_transform_portable(uint32_t* state, const uint8_t* blocks, size_t nblocks);

// The transform in use (selected once) and its name ("portable", "shani").
Sha256TransformFn sha256_transform();
const char* sha256_backend_name();
// True when `fn` reproduces the reference on fixed and pseudo-random blocks.
bool sha256_transform_self_test(Sha256TransformFn fn);

// Incremental hasher. No allocation.
class Sha256 {
 public:
  // Uses the transform selected for this CPU.
  Sha256() : transform_(sha256_transform()) { reset(); }
  // Uses `transform` for every block: lets tests and benchmarks compare the
  // accelerated backends with the portable reference through the same code.
  explicit Sha256(Sha256TransformFn transform) : transform_(transform) { reset(); }
  void reset();
  Sha256& write(std::span<const uint8_t> data);
  void finalize(std::span<uint8_t, 32> out);
  Hash256 finalize();
  // The raw state after a whole number of blocks (the "midstate").
  const std::array<uint32_t, 8>& state() const { return state_; }
  uint64_t bytes_written() const { return bytes_; }

 private:
  Sha256TransformFn transform_;
  std::array<uint32_t, 8> state_{};
  std::array<uint8_t, 64> buf_{};
  uint64_t bytes_ = 0;
};

Hash256 sha256(std::span<const uint8_t> data);
// SHA-256 applied twice: Bitcoin's block and transaction hash.
Hash256 sha256d(std::span<const uint8_t> data);
// SHA256d of the concatenation a || b (Merkle tree nodes).
Hash256 sha256d_pair(const Hash256& a, const Hash256& b);

inline uint32_t read_be32(const uint8_t* p) {
  return uint32_t{p[0]} << 24 | uint32_t{p[1]} << 16 | uint32_t{p[2]} << 8 | p[3];
}
inline void write_be32(uint8_t* p, uint32_t v) {
  p[0] = static_cast<uint8_t>(v >> 24);
  p[1] = static_cast<uint8_t>(v >> 16);
  p[2] = static_cast<uint8_t>(v >> 8);
  p[3] = static_cast<uint8_t>(v);
}

}  // namespace btr::core
