#include "core/crypto/sha256.h"

#include <cstring>

#include "core/crypto/sha256_backends.h"

namespace btr::core {

const uint32_t kSha256K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

namespace {

constexpr uint32_t rotr(uint32_t x, int n) {
  return x >> n | x << (32 - n);
}

void compress_one(uint32_t* s, const uint8_t* block) {
  uint32_t w[64];
  for (int i = 0; i < 16; ++i) w[i] = read_be32(block + 4 * i);
  for (int i = 16; i < 64; ++i) {
    const uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
    const uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = s[0], b = s[1], c = s[2], d = s[3], e = s[4], f = s[5], g = s[6], h = s[7];
  for (int i = 0; i < 64; ++i) {
    const uint32_t t1 =
        h + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + kSha256K[i] + w[i];
    const uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  s[0] += a;
  s[1] += b;
  s[2] += c;
  s[3] += d;
  s[4] += e;
  s[5] += f;
  s[6] += g;
  s[7] += h;
}

struct Selected {
  Sha256TransformFn fn;
  const char* name;
};

Selected select_transform() {
  for (const Sha256Backend& b : sha256_accelerated_backends()) {
    if (b.cpu_supported() && sha256_transform_self_test(b.fn)) return {b.fn, b.name};
  }
  return {sha256_transform_portable, "portable"};
}

// Chosen once, thread-safely, on first use; constant afterwards.
const Selected& selected() {
  static const Selected s = select_transform();
  return s;
}

}  // namespace

void sha256_transform_portable(uint32_t* state, const uint8_t* blocks, size_t nblocks) {
  for (size_t i = 0; i < nblocks; ++i) compress_one(state, blocks + 64 * i);
}

Sha256TransformFn sha256_transform() {
  return selected().fn;
}
const char* sha256_backend_name() {
  return selected().name;
}

bool sha256_transform_self_test(Sha256TransformFn fn) {
  // Fixed blocks plus a simple LCG stream; one, two and three blocks at once.
  uint8_t blocks[3 * 64];
  uint32_t x = 0x12345678;
  for (uint8_t& b : blocks) {
    x = x * 1664525u + 1013904223u;
    b = static_cast<uint8_t>(x >> 24);
  }
  for (size_t n = 1; n <= 3; ++n) {
    std::array<uint32_t, 8> want = kSha256Init, got = kSha256Init;
    sha256_transform_portable(want.data(), blocks, n);
    fn(got.data(), blocks, n);
    if (want != got) return false;
  }
  return true;
}

void Sha256::reset() {
  state_ = kSha256Init;
  bytes_ = 0;
}

Sha256& Sha256::write(std::span<const uint8_t> data) {
  const Sha256TransformFn transform = transform_;
  size_t used = bytes_ % 64;
  bytes_ += data.size();
  const uint8_t* p = data.data();
  size_t n = data.size();
  if (used != 0) {
    const size_t take = std::min(n, 64 - used);
    std::memcpy(buf_.data() + used, p, take);
    p += take;
    n -= take;
    if (used + take < 64) return *this;
    transform(state_.data(), buf_.data(), 1);
  }
  if (n >= 64) {
    transform(state_.data(), p, n / 64);
    p += n - n % 64;
    n %= 64;
  }
  if (n != 0) std::memcpy(buf_.data(), p, n);
  return *this;
}

void Sha256::finalize(std::span<uint8_t, 32> out) {
  static constexpr uint8_t kPad[64] = {0x80};
  const uint64_t bit_len = bytes_ * 8;
  uint8_t len_be[8];
  for (int i = 0; i < 8; ++i) len_be[i] = static_cast<uint8_t>(bit_len >> (56 - 8 * i));
  const size_t used = bytes_ % 64;
  write(std::span(kPad, 1 + ((119 - used) % 64)));
  write(len_be);
  for (size_t i = 0; i < 8; ++i) write_be32(out.data() + 4 * i, state_[i]);
  reset();
}

Hash256 Sha256::finalize() {
  Hash256 h;
  finalize(h.bytes);
  return h;
}

Hash256 sha256(std::span<const uint8_t> data) {
  return Sha256().write(data).finalize();
}

Hash256 sha256d(std::span<const uint8_t> data) {
  const Hash256 first = sha256(data);
  return sha256(first.bytes);
}

Hash256 sha256d_pair(const Hash256& a, const Hash256& b) {
  uint8_t buf[64];
  std::memcpy(buf, a.data(), 32);
  std::memcpy(buf + 32, b.data(), 32);
  return sha256d(buf);
}

}  // namespace btr::core
