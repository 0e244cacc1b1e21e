#pragma once
// The SHA256d nonce arithmetic of the CUDA kernel, written once as __host__ __device__ functions.
// nvcc compiles them into the kernel (sha256d_kernel.cu); g++ compiles the very same code into
// the host tests (test/kernels/cuda_math_test.cpp), so CI checks the GPU's arithmetic against
// core's reference without a GPU.
//
// The functions start from ScanConstants (kernels/scan.h): rounds 0..2 and the nonce-independent
// schedule words are folded on the host once per job. Per nonce: rounds 3..63 of the header's
// second block, the midstate addition, then rounds 0..60 of the second hash; H7 is e after round
// 60 plus the initial h, which is all early rejection needs (see kernels/sha256_mining.h).
//
// Written so nvcc emits the instructions the issue asks for: rotations are __funnelshift_r (SHF),
// the byte swaps __byte_perm (PRMT), and ch/maj/sigma are plain three-input expressions that
// ptxas merges into LOP3. Everything is force-inlined and the loops have constant bounds, so after
// unrolling every array index is a constant and the arrays live in registers.

#include <cstdint>

#include "kernels/scan.h"

#if defined(__CUDACC__)
#define BTR_HD __host__ __device__ __forceinline__
#else
#define BTR_HD inline
#endif
// Only the device pass knows the pragma; host compilers would warn about it.
#if defined(__CUDA_ARCH__)
#define BTR_UNROLL _Pragma("unroll")
#else
#define BTR_UNROLL
#endif

namespace btr::kernels::cuda_math {

BTR_HD uint32_t rotr(uint32_t x, unsigned n) {
#if defined(__CUDA_ARCH__)
  return __funnelshift_r(x, x, n);
#else
  return (x >> n) | (x << ((32 - n) & 31));
#endif
}

BTR_HD uint32_t bswap(uint32_t x) {
#if defined(__CUDA_ARCH__)
  return __byte_perm(x, 0, 0x0123);
#else
  return (x >> 24) | ((x >> 8) & 0xff00u) | ((x << 8) & 0xff0000u) | (x << 24);
#endif
}

BTR_HD uint32_t big_sigma0(uint32_t x) {
  return rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22);
}
BTR_HD uint32_t big_sigma1(uint32_t x) {
  return rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25);
}
BTR_HD uint32_t small_sigma0(uint32_t x) {
  return rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3);
}
BTR_HD uint32_t small_sigma1(uint32_t x) {
  return rotr(x, 17) ^ rotr(x, 19) ^ (x >> 10);
}
BTR_HD uint32_t ch(uint32_t e, uint32_t f, uint32_t g) {
  return g ^ (e & (f ^ g));
}
BTR_HD uint32_t maj(uint32_t a, uint32_t b, uint32_t c) {
  return (a & b) | (c & (a | b));
}

// The round constants. A local constexpr table rather than sha::kK because device code may not
// reference a host namespace-scope array; with constant indices the reads fold to immediates.
BTR_HD uint32_t round_k(int i) {
  constexpr uint32_t k[64] = {
      0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
      0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
      0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
      0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
      0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
      0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
      0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
      0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
      0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
      0xc67178f2};
  return k[i];
}

BTR_HD uint32_t initial_state(int i) {
  constexpr uint32_t iv[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                              0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  return iv[i];
}

// Working variables a..h as s[0..7].
struct State {
  uint32_t s[8];
};

// An addition the GPU executes on its FMA pipe. The integer ALU pipe (SHF, LOP3, IADD3) is the
// kernel's bottleneck: the ~1,810 shift and logic instructions per nonce alone fill it at 64
// lanes per SM per clock. x * one + y with a `one` the compiler cannot see is an IMAD, which runs
// on the FMA pipe in parallel, so the round and schedule additions leave the ALU pipe. `one` is
// the block's y extent, 1 because every launch uses one-dimensional blocks (the kernel checks).
// On the host this is a plain addition: the same arithmetic, which the tests compare with core.
BTR_HD uint32_t add(uint32_t x, uint32_t y) {
#if defined(__CUDA_ARCH__)
  uint32_t one;
  asm("mov.u32 %0, %%ntid.y;" : "=r"(one));
  return x * one + y;
#else
  return x + y;
#endif
}

// One round; kw = K[i] + W[i] (a constant for the padding rounds).
BTR_HD void sha_round(State& st, uint32_t kw) {
  uint32_t* s = st.s;
  const uint32_t t1 = add(add(add(s[7], big_sigma1(s[4])), ch(s[4], s[5], s[6])), kw);
  const uint32_t t2 = add(big_sigma0(s[0]), maj(s[0], s[1], s[2]));
  s[7] = s[6];
  s[6] = s[5];
  s[5] = s[4];
  s[4] = add(s[3], t1);
  s[3] = s[2];
  s[2] = s[1];
  s[1] = s[0];
  s[0] = add(t1, t2);
}

BTR_HD uint32_t schedule_word(const uint32_t* w, int i) {
  return add(add(add(small_sigma1(w[i - 2]), w[i - 7]), small_sigma0(w[i - 15])), w[i - 16]);
}

// First hash: SHA-256 of the 80-byte header with nonce word w3 (the byte-swapped nonce), as
// eight state words H0..H7 (the hash's bytes are their big-endian encodings).
BTR_HD void first_hash(const ScanConstants& c, uint32_t w3, uint32_t out[8]) {
  uint32_t w[64];
  w[16] = c.w16;
  w[17] = c.w17;
  w[18] = c.w18_base + small_sigma0(w3);
  w[19] = c.w19_base + w3;
  w[20] = small_sigma1(w[18]) + 0x80000000u;
  w[21] = small_sigma1(w[19]);
  w[22] = small_sigma1(w[20]) + 640u;
  BTR_UNROLL
  for (int i = 23; i < 30; ++i) w[i] = small_sigma1(w[i - 2]) + w[i - 7];
  w[30] = small_sigma1(w[28]) + w[23] + 0x00a00055u;  // + s0(640)
  w[31] = small_sigma1(w[29]) + w[24] + c.w31_add;
  w[32] = small_sigma1(w[30]) + w[25] + c.w32_add;
  BTR_UNROLL
  for (int i = 33; i < 64; ++i) w[i] = schedule_word(w, i);

  // State after round 3: only a and e depend on the nonce.
  State st{{c.round3_a + w3, c.state2[0], c.state2[1], c.state2[2], c.round3_e + w3, c.state2[4],
            c.state2[5], c.state2[6]}};
  sha_round(st, round_k(4) + 0x80000000u);
  BTR_UNROLL
  for (int i = 5; i < 15; ++i) sha_round(st, round_k(i));
  sha_round(st, round_k(15) + 640u);
  BTR_UNROLL
  for (int i = 16; i < 64; ++i) sha_round(st, round_k(i) + w[i]);
  BTR_UNROLL
  for (int i = 0; i < 8; ++i) out[i] = c.midstate[i] + st.s[i];
}

// Message schedule of the second hash: W0..W7 = first hash, then the constant padding. The
// compiler folds every term that involves the zero and padding words.
BTR_HD void second_schedule(const uint32_t h1[8], uint32_t w[64], int last) {
  BTR_UNROLL
  for (int i = 0; i < 8; ++i) w[i] = h1[i];
  w[8] = 0x80000000u;
  BTR_UNROLL
  for (int i = 9; i < 15; ++i) w[i] = 0;
  w[15] = 256u;
  BTR_UNROLL
  for (int i = 16; i < 64; ++i) {
    if (i <= last) w[i] = schedule_word(w, i);
  }
}

// Second hash up to early rejection: returns H7 = IV7 + e after round 60.
BTR_HD uint32_t second_hash_h7(const uint32_t h1[8]) {
  uint32_t w[64];
  second_schedule(h1, w, 60);
  State st{{initial_state(0), initial_state(1), initial_state(2), initial_state(3),
            initial_state(4), initial_state(5), initial_state(6), initial_state(7)}};
  BTR_UNROLL
  for (int i = 0; i < 60; ++i) sha_round(st, round_k(i) + w[i]);
  // Round 60 needs only its new e = d + T1.
  const uint32_t* s = st.s;
  const uint32_t t1 = s[7] + big_sigma1(s[4]) + ch(s[4], s[5], s[6]) + round_k(60) + w[60];
  return initial_state(7) + s[3] + t1;
}

// The whole second hash (tests only: checks second_hash_h7's shortcut against all 64 rounds).
BTR_HD void second_hash_full(const uint32_t h1[8], uint32_t out[8]) {
  uint32_t w[64];
  second_schedule(h1, w, 63);
  State st{{initial_state(0), initial_state(1), initial_state(2), initial_state(3),
            initial_state(4), initial_state(5), initial_state(6), initial_state(7)}};
  BTR_UNROLL
  for (int i = 0; i < 64; ++i) sha_round(st, round_k(i) + w[i]);
  BTR_UNROLL
  for (int i = 0; i < 8; ++i) out[i] = initial_state(i) + st.s[i];
}

// The most significant 32 bits of SHA256d(header with `nonce`) read as a little-endian integer.
BTR_HD uint32_t hash_top_word(const ScanConstants& c, uint32_t nonce) {
  uint32_t h1[8];
  first_hash(c, bswap(nonce), h1);
  return bswap(second_hash_h7(h1));
}

// The kernel's candidate test (see kernels/scan.h: a superset of the hits).
BTR_HD bool is_candidate(const ScanConstants& c, uint32_t nonce) {
  return hash_top_word(c, nonce) <= c.target_top;
}

}  // namespace btr::kernels::cuda_math
