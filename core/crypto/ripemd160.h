#pragma once
// RIPEMD-160 (Dobbertin, Bosselaers, Preneel 1996), used only inside HASH160.

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace btr::core {

// Incremental hasher. No allocation.
class Ripemd160 {
 public:
  Ripemd160() { reset(); }
  void reset();
  Ripemd160& write(std::span<const uint8_t> data);
  std::array<uint8_t, 20> finalize();

 private:
  std::array<uint32_t, 5> state_{};
  std::array<uint8_t, 64> buf_{};
  uint64_t bytes_ = 0;
};

std::array<uint8_t, 20> ripemd160(std::span<const uint8_t> data);

}  // namespace btr::core
