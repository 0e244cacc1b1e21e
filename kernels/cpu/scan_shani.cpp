// SHA-NI backend: the SHA-256 round instruction does two rounds at a time. On the Xeon this was
// tuned on (Sapphire Rapids family) it issues about once per three cycles with a latency near
// four, so the rate is bound by the instruction's throughput: 62 of them per nonce, about 180
// cycles. Four interleaved nonces measured 2-4 % faster than two (about 202 against 207 cycles
// per nonce) although they spill some of the 16 xmm registers. Folding the second hash's round
// 0 into its start state saves one round instruction but offsets every later pair from the
// four-word message vectors; the extra shuffles cost more than it saved (about 211 cycles), so
// the pairs stay aligned. Shortcuts: midstate and the first two rounds of the second header block
// per batch, K+W folded for the constant message words of both hashes, and the second hash
// stops after rounds 60-61, whose F output is H7 - 0x5be0cd19.
//
// Not interleaved with the AVX-512 kernel in one thread: the SHA instructions exist only in the
// legacy SSE encoding, and mixing them with live 512-bit state cost ~50x in a micro-benchmark
// (SSE/AVX transition penalties). Compiled with -msse4.1 -msha only.

#include <immintrin.h>

#include <array>

#include "kernels/cpu/cpu_kernels.h"
#include "kernels/sha256_mining.h"

namespace btr::kernels::cpu {
namespace {

constexpr int kLanes = 4;
// A plain array wrapper: std::array<__m128i> drops the vector type's alignment attribute.
struct Lanes {
  __m128i v[kLanes];
  __m128i& operator[](int i) { return v[i]; }
  const __m128i& operator[](int i) const { return v[i]; }
};
struct Message {
  Lanes q[4];  // the last sixteen message words, four per vector
  Lanes& operator[](int i) { return q[i]; }
};

// Four K values as a vector, K[i] in the lowest dword.
__m128i k4(int i) {
  return _mm_set_epi32(static_cast<int>(sha::kK[i + 3]), static_cast<int>(sha::kK[i + 2]),
                       static_cast<int>(sha::kK[i + 1]), static_cast<int>(sha::kK[i]));
}
__m128i v4(uint32_t w0, uint32_t w1, uint32_t w2, uint32_t w3) {
  return _mm_set_epi32(static_cast<int>(w3), static_cast<int>(w2), static_cast<int>(w1),
                       static_cast<int>(w0));
}

// Four rounds i..i+3 with W+K in `wk` on every lane. s0 = ABEF, s1 = CDGH (Intel's layout).
inline void rounds4(Lanes& s0, Lanes& s1, const Lanes& wk) {
#pragma GCC unroll 8
  for (int l = 0; l < kLanes; ++l) s1[l] = _mm_sha256rnds2_epu32(s1[l], s0[l], wk[l]);
#pragma GCC unroll 8
  for (int l = 0; l < kLanes; ++l) {
    s0[l] = _mm_sha256rnds2_epu32(s0[l], s1[l], _mm_shuffle_epi32(wk[l], 0x0e));
  }
}
inline void rounds4_const(Lanes& s0, Lanes& s1, __m128i wk) {
  const __m128i hi = _mm_shuffle_epi32(wk, 0x0e);
#pragma GCC unroll 8
  for (int l = 0; l < kLanes; ++l) s1[l] = _mm_sha256rnds2_epu32(s1[l], s0[l], wk);
#pragma GCC unroll 8
  for (int l = 0; l < kLanes; ++l) s0[l] = _mm_sha256rnds2_epu32(s0[l], s1[l], hi);
}

// Next four schedule words from the last sixteen (m0 oldest): returns W[t..t+3].
inline __m128i schedule(__m128i m0, __m128i m1, __m128i m2, __m128i m3) {
  const __m128i x = _mm_add_epi32(_mm_sha256msg1_epu32(m0, m1), _mm_alignr_epi8(m3, m2, 4));
  return _mm_sha256msg2_epu32(x, m3);
}

// Rounds 16..63 (or 16..61 when `stop_early`) from the message words m[0..3] = W0..W15.
template <bool kStopEarly>
inline void rounds_16_up(Lanes& s0, Lanes& s1, Message& m) {
#pragma GCC unroll 12
  for (int t = 16; t < 64; t += 4) {
    const int slot = (t / 4) % 4;  // holds W[t-16..t-13], replaced by W[t..t+3]
    Lanes wk;
#pragma GCC unroll 8
    for (int l = 0; l < kLanes; ++l) {
      m[slot][l] =
          schedule(m[slot][l], m[(slot + 1) % 4][l], m[(slot + 2) % 4][l], m[(slot + 3) % 4][l]);
      wk[l] = _mm_add_epi32(m[slot][l], k4(t));
    }
    if (kStopEarly && t == 60) {
      // Rounds 60 and 61 only: their F output is e after round 60, i.e. H7 - init[7].
#pragma GCC unroll 8
      for (int l = 0; l < kLanes; ++l) s1[l] = _mm_sha256rnds2_epu32(s1[l], s0[l], wk[l]);
      return;
    }
    rounds4(s0, s1, wk);
  }
}

struct BatchConstants {
  __m128i abef2, cdgh2;        // state after rounds 0-1 of the second header block
  __m128i mid_abef, mid_cdgh;  // midstate, to add at the end
  __m128i w0_3_base;           // {W0, W1, W2, 0}; the nonce goes in dword 3
  uint32_t kw2;                // W2 + K2
  __m128i kw[4];               // rounds 4..15 K+W, constant padding
};

BatchConstants prepare(const ScanConstants& c) {
  BatchConstants b{};
  // Rounds 0 and 1 on the scalar state, then pack into Intel's ABEF/CDGH layout.
  uint32_t s[8];
  for (int i = 0; i < 8; ++i) s[i] = c.midstate[i];
  for (int r = 0; r < 2; ++r) {
    const uint32_t t1 =
        s[7] + sha::big_sigma1(s[4]) + sha::ch(s[4], s[5], s[6]) + sha::kK[r] + c.tail[r];
    const uint32_t t2 = sha::big_sigma0(s[0]) + sha::maj(s[0], s[1], s[2]);
    for (int j = 7; j > 0; --j) s[j] = s[j - 1];
    s[4] += t1;
    s[0] = t1 + t2;
  }
  b.abef2 = v4(s[5], s[4], s[1], s[0]);
  b.cdgh2 = v4(s[7], s[6], s[3], s[2]);
  b.mid_abef = v4(c.midstate[5], c.midstate[4], c.midstate[1], c.midstate[0]);
  b.mid_cdgh = v4(c.midstate[7], c.midstate[6], c.midstate[3], c.midstate[2]);
  b.w0_3_base = v4(c.tail[0], c.tail[1], c.tail[2], 0);
  b.kw2 = c.tail[2] + sha::kK[2];
  b.kw[0] = _mm_add_epi32(k4(4), v4(0x80000000u, 0, 0, 0));
  b.kw[1] = k4(8);
  b.kw[2] = _mm_add_epi32(k4(12), v4(0, 0, 0, 640));
  return b;
}

uint32_t bswap(uint32_t x) {
  return __builtin_bswap32(x);
}

// SHA256d of kLanes consecutive nonces; writes bswap(H7) per lane.
inline void hash_lanes(const BatchConstants& b, uint32_t nonce0, uint32_t* top_words) {
  Lanes s0, s1;
  Message m;
  Lanes wk;
#pragma GCC unroll 8
  for (int l = 0; l < kLanes; ++l) {
    const uint32_t w3 = bswap(nonce0 + static_cast<uint32_t>(l));
    s0[l] = b.abef2;
    s1[l] = b.cdgh2;
    m[0][l] = _mm_insert_epi32(b.w0_3_base, static_cast<int>(w3), 3);
    m[1][l] = v4(0x80000000u, 0, 0, 0);
    m[2][l] = _mm_setzero_si128();
    m[3][l] = v4(0, 0, 0, 640);
    // Rounds 2 and 3: W+K in the low two dwords.
    wk[l] = _mm_cvtsi32_si128(static_cast<int>(b.kw2));
    wk[l] = _mm_insert_epi32(wk[l], static_cast<int>(w3 + sha::kK[3]), 1);
  }
#pragma GCC unroll 8
  for (int l = 0; l < kLanes; ++l) s1[l] = _mm_sha256rnds2_epu32(s1[l], s0[l], wk[l]);
    // After one rnds2 the roles swap: s1 holds ABEF. Swap back for the uniform 4-round helpers.
#pragma GCC unroll 8
  for (int l = 0; l < kLanes; ++l) {
    const __m128i abef = s1[l];
    s1[l] = s0[l];
    s0[l] = abef;
  }
  rounds4_const(s0, s1, b.kw[0]);
  rounds4_const(s0, s1, b.kw[1]);
  rounds4_const(s0, s1, b.kw[2]);
  rounds_16_up<false>(s0, s1, m);

  // Second hash: message = first hash (state + midstate) in word order, then padding.
#pragma GCC unroll 8
  for (int l = 0; l < kLanes; ++l) {
    const __m128i abef = _mm_add_epi32(s0[l], b.mid_abef);
    const __m128i cdgh = _mm_add_epi32(s1[l], b.mid_cdgh);
    const __m128i t1 = _mm_shuffle_epi32(abef, 0x1b);  // {A, B, E, F}
    const __m128i t2 = _mm_shuffle_epi32(cdgh, 0xb1);  // {G, H, C, D}
    m[0][l] = _mm_blend_epi16(t1, t2, 0xf0);           // {A, B, C, D}
    m[1][l] = _mm_alignr_epi8(t2, t1, 8);              // {E, F, G, H}
    m[2][l] = v4(0x80000000u, 0, 0, 0);
    m[3][l] = v4(0, 0, 0, 256);
    s0[l] = v4(sha::kInit[5], sha::kInit[4], sha::kInit[1], sha::kInit[0]);
    s1[l] = v4(sha::kInit[7], sha::kInit[6], sha::kInit[3], sha::kInit[2]);
  }
  for (int q = 0; q < 2; ++q) {
#pragma GCC unroll 8
    for (int l = 0; l < kLanes; ++l) wk[l] = _mm_add_epi32(m[q][l], k4(4 * q));
    rounds4(s0, s1, wk);
  }
  rounds4_const(s0, s1, _mm_add_epi32(k4(8), v4(0x80000000u, 0, 0, 0)));
  rounds4_const(s0, s1, _mm_add_epi32(k4(12), v4(0, 0, 0, 256)));
  rounds_16_up<true>(s0, s1, m);
  // s1 now holds ABEF after round 61: dword 0 is F = e after round 60.
#pragma GCC unroll 8
  for (int l = 0; l < kLanes; ++l) {
    const auto f = static_cast<uint32_t>(_mm_cvtsi128_si32(s1[l]));
    top_words[l] = bswap(f + sha::kInit[7]);
  }
}

}  // namespace

uint64_t scan_shani(const ScanConstants& constants, uint32_t first, uint64_t count,
                    CandidateBuffer& out) {
  const BatchConstants b = prepare(constants);
  uint64_t done = 0;
  while (done < count) {
    const uint32_t base = first + static_cast<uint32_t>(done);
    std::array<uint32_t, kLanes> top{};
    hash_lanes(b, base, top.data());
    const uint64_t left = count - done;
    const uint64_t n = left < kLanes ? left : kLanes;
    for (uint64_t l = 0; l < n; ++l) {
      if (top[l] > constants.target_top) continue;
      out.nonces[out.size++] = base + static_cast<uint32_t>(l);
      if (out.full()) return done + l + 1;
    }
    done += n;
  }
  return done;
}

}  // namespace btr::kernels::cpu
