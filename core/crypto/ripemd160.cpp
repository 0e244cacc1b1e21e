#include "core/crypto/ripemd160.h"

#include <algorithm>
#include <cstring>

namespace btr::core {
namespace {

constexpr uint32_t rotl(uint32_t x, unsigned n) {
  return x << n | x >> (32 - n);
}

uint32_t read_le32(const uint8_t* p) {
  return uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
}

// The five boolean functions; round j (0..4) of the left line uses f(j), the
// right line uses f(4 - j).
uint32_t f(int j, uint32_t x, uint32_t y, uint32_t z) {
  switch (j) {
    case 0:
      return x ^ y ^ z;
    case 1:
      return (x & y) | (~x & z);
    case 2:
      return (x | ~y) ^ z;
    case 3:
      return (x & z) | (y & ~z);
    default:
      return x ^ (y | ~z);
  }
}

constexpr uint32_t kLeftK[5] = {0x00000000, 0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xa953fd4e};
constexpr uint32_t kRightK[5] = {0x50a28be6, 0x5c4dd124, 0x6d703ef3, 0x7a6d76e9, 0x00000000};

// Message word order and rotation amounts for the 80 steps of each line.
constexpr uint8_t kLeftR[80] = {0, 1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15,
                                7, 4,  13, 1,  10, 6,  15, 3,  12, 0, 9,  5,  2,  14, 11, 8,
                                3, 10, 14, 4,  9,  15, 8,  1,  2,  7, 0,  6,  13, 11, 5,  12,
                                1, 9,  11, 10, 0,  8,  12, 4,  13, 3, 7,  15, 14, 5,  6,  2,
                                4, 0,  5,  9,  7,  12, 2,  10, 14, 1, 3,  8,  11, 6,  15, 13};
constexpr uint8_t kRightR[80] = {5,  14, 7,  0, 9, 2,  11, 4,  13, 6,  15, 8,  1,  10, 3,  12,
                                 6,  11, 3,  7, 0, 13, 5,  10, 14, 15, 8,  12, 4,  9,  1,  2,
                                 15, 5,  1,  3, 7, 14, 6,  9,  11, 8,  12, 2,  10, 0,  4,  13,
                                 8,  6,  4,  1, 3, 11, 15, 0,  5,  12, 2,  13, 9,  7,  10, 14,
                                 12, 15, 10, 4, 1, 5,  8,  7,  6,  2,  13, 14, 0,  3,  9,  11};
constexpr uint8_t kLeftS[80] = {11, 14, 15, 12, 5,  8,  7,  9,  11, 13, 14, 15, 6,  7,  9,  8,
                                7,  6,  8,  13, 11, 9,  7,  15, 7,  12, 15, 9,  11, 7,  13, 12,
                                11, 13, 6,  7,  14, 9,  13, 15, 14, 8,  13, 6,  5,  12, 7,  5,
                                11, 12, 14, 15, 14, 15, 9,  8,  9,  14, 5,  6,  8,  6,  5,  12,
                                9,  15, 5,  11, 6,  8,  13, 12, 5,  12, 13, 14, 11, 8,  5,  6};
constexpr uint8_t kRightS[80] = {8,  9,  9,  11, 13, 15, 15, 5,  7,  7,  8,  11, 14, 14, 12, 6,
                                 9,  13, 15, 7,  12, 8,  9,  11, 7,  7,  12, 7,  6,  15, 13, 11,
                                 9,  7,  15, 11, 8,  6,  6,  14, 12, 13, 5,  14, 13, 13, 7,  5,
                                 15, 5,  8,  11, 14, 14, 6,  14, 6,  9,  12, 9,  12, 5,  15, 8,
                                 8,  5,  12, 9,  12, 5,  14, 6,  8,  13, 6,  5,  15, 13, 11, 11};

void compress(uint32_t* s, const uint8_t* block) {
  uint32_t x[16];
  for (int i = 0; i < 16; ++i) x[i] = read_le32(block + 4 * i);
  uint32_t al = s[0], bl = s[1], cl = s[2], dl = s[3], el = s[4];
  uint32_t ar = al, br = bl, cr = cl, dr = dl, er = el;
  for (int i = 0; i < 80; ++i) {
    const int j = i / 16;
    uint32_t t = rotl(al + f(j, bl, cl, dl) + x[kLeftR[i]] + kLeftK[j], kLeftS[i]) + el;
    al = el;
    el = dl;
    dl = rotl(cl, 10);
    cl = bl;
    bl = t;
    t = rotl(ar + f(4 - j, br, cr, dr) + x[kRightR[i]] + kRightK[j], kRightS[i]) + er;
    ar = er;
    er = dr;
    dr = rotl(cr, 10);
    cr = br;
    br = t;
  }
  const uint32_t t = s[1] + cl + dr;
  s[1] = s[2] + dl + er;
  s[2] = s[3] + el + ar;
  s[3] = s[4] + al + br;
  s[4] = s[0] + bl + cr;
  s[0] = t;
}

}  // namespace

void Ripemd160::reset() {
  state_ = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
  bytes_ = 0;
}

Ripemd160& Ripemd160::write(std::span<const uint8_t> data) {
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
    compress(state_.data(), buf_.data());
  }
  for (; n >= 64; p += 64, n -= 64) compress(state_.data(), p);
  if (n != 0) std::memcpy(buf_.data(), p, n);
  return *this;
}

std::array<uint8_t, 20> Ripemd160::finalize() {
  static constexpr uint8_t kPad[64] = {0x80};
  const uint64_t bit_len = bytes_ * 8;
  uint8_t len_le[8];
  for (int i = 0; i < 8; ++i) len_le[i] = static_cast<uint8_t>(bit_len >> (8 * i));
  const size_t used = bytes_ % 64;
  write(std::span(kPad, 1 + ((119 - used) % 64)));
  write(len_le);
  std::array<uint8_t, 20> out{};
  for (size_t i = 0; i < 20; ++i) out[i] = static_cast<uint8_t>(state_[i / 4] >> (8 * (i % 4)));
  reset();
  return out;
}

std::array<uint8_t, 20> ripemd160(std::span<const uint8_t> data) {
  return Ripemd160().write(data).finalize();
}

}  // namespace btr::core
