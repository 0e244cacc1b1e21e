#include "core/crypto/sha1.h"

#include <vector>

#include "core/crypto/sha256.h"

namespace btr::core {
namespace {

constexpr uint32_t rotl(uint32_t x, unsigned n) {
  return x << n | x >> (32 - n);
}

void compress(std::array<uint32_t, 5>& h, const uint8_t* block) {
  uint32_t w[80];
  for (int i = 0; i < 16; ++i) w[i] = read_be32(block + 4 * i);
  for (int i = 16; i < 80; ++i) w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
  for (int i = 0; i < 80; ++i) {
    uint32_t f = 0;
    uint32_t k = 0;
    if (i < 20) {
      f = (b & c) | (~b & d);
      k = 0x5a827999;
    } else if (i < 40) {
      f = b ^ c ^ d;
      k = 0x6ed9eba1;
    } else if (i < 60) {
      f = (b & c) | (b & d) | (c & d);
      k = 0x8f1bbcdc;
    } else {
      f = b ^ c ^ d;
      k = 0xca62c1d6;
    }
    const uint32_t t = rotl(a, 5) + f + e + k + w[i];
    e = d;
    d = c;
    c = rotl(b, 30);
    b = a;
    a = t;
  }
  h[0] += a;
  h[1] += b;
  h[2] += c;
  h[3] += d;
  h[4] += e;
}

}  // namespace

std::array<uint8_t, 20> sha1(std::span<const uint8_t> data) {
  std::array<uint32_t, 5> h = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0};
  // Script elements are at most 520 bytes, so padding a copy is cheap.
  std::vector<uint8_t> msg(data.begin(), data.end());
  const uint64_t bit_len = uint64_t{data.size()} * 8;
  msg.push_back(0x80);
  while (msg.size() % 64 != 56) msg.push_back(0);
  for (int i = 7; i >= 0; --i) msg.push_back(static_cast<uint8_t>(bit_len >> (8 * i)));
  for (size_t off = 0; off < msg.size(); off += 64) compress(h, msg.data() + off);
  std::array<uint8_t, 20> out{};
  for (int i = 0; i < 5; ++i) write_be32(out.data() + 4 * i, h[i]);
  return out;
}

}  // namespace btr::core
