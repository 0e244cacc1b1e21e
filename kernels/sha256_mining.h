#pragma once
// Compile-time SHA-256 pieces for mining kernels: the round constants as constexpr (core's table
// is an extern array, which a compiler cannot fold into immediates), the sigma functions, and the
// constants of the SECOND hash, whose padding is the same for every header:
//   W0..W7 = first hash H0..H7, W8 = 0x80000000, W9..W14 = 0, W15 = 256,
//   starting from the SHA-256 initial state.
// Header-only and free of instruction-set code, so every backend file can include it.

#include <cstdint>

namespace btr::kernels::sha {

inline constexpr uint32_t kK[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

inline constexpr uint32_t kInit[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                      0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};

constexpr uint32_t rotr(uint32_t x, int n) {
  return (x >> n) | (x << (32 - n));
}
constexpr uint32_t big_sigma0(uint32_t x) {
  return rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22);
}
constexpr uint32_t big_sigma1(uint32_t x) {
  return rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25);
}
constexpr uint32_t small_sigma0(uint32_t x) {
  return rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3);
}
constexpr uint32_t small_sigma1(uint32_t x) {
  return rotr(x, 17) ^ rotr(x, 19) ^ (x >> 10);
}
constexpr uint32_t ch(uint32_t e, uint32_t f, uint32_t g) {
  return (e & f) ^ (~e & g);
}
constexpr uint32_t maj(uint32_t a, uint32_t b, uint32_t c) {
  return (a & b) ^ (a & c) ^ (b & c);
}
constexpr uint32_t bswap32(uint32_t x) {
  return (x >> 24) | ((x >> 8) & 0xff00) | ((x << 8) & 0xff0000) | (x << 24);
}

// Second hash, round 0 from the fixed initial state: T1 = kH0T1 + W0, T2 = kH0T2, so
// a1 = W0 + kH0A and e1 = W0 + kH0E.
inline constexpr uint32_t kH0T1 =
    kInit[7] + big_sigma1(kInit[4]) + ch(kInit[4], kInit[5], kInit[6]) + kK[0];
inline constexpr uint32_t kH0A = kH0T1 + big_sigma0(kInit[0]) + maj(kInit[0], kInit[1], kInit[2]);
inline constexpr uint32_t kH0E = kH0T1 + kInit[3];

// Second hash, K[i] + W[i] for the padding rounds 8..15.
constexpr uint32_t second_kw(int i) {
  return kK[i] + (i == 8 ? 0x80000000u : i == 15 ? 256u : 0u);
}
// Second hash, the constant parts of the schedule words that see padding words:
inline constexpr uint32_t kH2W17Add = small_sigma1(256);  // w17 = s0(W2) + W1 + this
inline constexpr uint32_t kH2W22Add = 256;                // w22 = s1(w20) + W15 + s0(W7) + W6
inline constexpr uint32_t kH2W23Add = small_sigma0(0x80000000);  // w23 = s1(w21) + w16 + W7 + this
inline constexpr uint32_t kH2W24Add = 0x80000000;                // w24 = s1(w22) + w17 + this
inline constexpr uint32_t kH2W30Add = small_sigma0(256);         // w30 = s1(w28) + w23 + this
inline constexpr uint32_t kH2W31Add = 256;                       // w31 = s1(w29)+w24+s0(w16)+this
// Second hash: H7 = e after round 60 + kInit[7], so a candidate needs only rounds 0..60.

// First hash (second header block), K[i] + W[i] for the constant rounds 4..15.
constexpr uint32_t first_kw(int i) {
  return kK[i] + (i == 4 ? 0x80000000u : i == 15 ? 640u : 0u);
}
inline constexpr uint32_t kH1W20Add = 0x80000000;                // w20 = s1(w18) + this
inline constexpr uint32_t kH1W22Add = 640;                       // w22 = s1(w20) + this
inline constexpr uint32_t kH1W30Add = small_sigma0(640);         // w30 = s1(w28) + w23 + this
inline constexpr uint32_t kH1W19Add = small_sigma0(0x80000000);  // part of w19_base

}  // namespace btr::kernels::sha
