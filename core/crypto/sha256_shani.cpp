// SHA-256 compression with the x86 SHA extensions (SHA-NI). This file alone is
// compiled with -msse4.1 -msha; it is only called after cpuid reported SHA-NI
// and the self-test matched the portable reference (sha256_backends.cpp).
//
// The SHA256RNDS2 instruction keeps the eight working variables in two
// registers laid out as ABEF and CDGH (highest lane first), so the state is
// shuffled into that layout on entry and back on exit. Each step of the loop
// below does four rounds: two SHA256RNDS2, each consuming two W+K words.

#include <immintrin.h>

#include <cstddef>
#include <cstdint>

#include "core/crypto/sha256.h"

namespace btr::core {
namespace {

// Turns four big-endian message words into native 32-bit lanes.
inline __m128i load_be_words(const uint8_t* p) {
  const __m128i kByteSwap = _mm_set_epi64x(0x0c0d0e0f08090a0bLL, 0x0405060700010203LL);
  return _mm_shuffle_epi8(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)), kByteSwap);
}

// W[4g..4g+3] for g >= 4 from the previous sixteen words, held in w[] as four
// groups indexed by g mod 4 (w[g&3] still holds group g-4 on entry).
inline __m128i next_schedule(const __m128i* w, int g) {
  const __m128i minus16 = w[g & 3];
  const __m128i minus12 = w[(g + 1) & 3];
  const __m128i minus8 = w[(g + 2) & 3];
  const __m128i minus4 = w[(g + 3) & 3];
  __m128i t = _mm_sha256msg1_epu32(minus16, minus12);        // W[i-16] + s0(W[i-15])
  t = _mm_add_epi32(t, _mm_alignr_epi8(minus4, minus8, 4));  // + W[i-7]
  return _mm_sha256msg2_epu32(t, minus4);                    // + s1(W[i-2])
}

void compress_block(__m128i& abef, __m128i& cdgh, const uint8_t* block) {
  const __m128i abef_in = abef, cdgh_in = cdgh;
  __m128i w[4];
  for (int g = 0; g < 16; ++g) {
    const __m128i m = g < 4 ? load_be_words(block + 16 * g) : next_schedule(w, g);
    w[g & 3] = m;
    __m128i wk =
        _mm_add_epi32(m, _mm_loadu_si128(reinterpret_cast<const __m128i*>(&kSha256K[4 * g])));
    cdgh = _mm_sha256rnds2_epu32(cdgh, abef, wk);
    wk = _mm_shuffle_epi32(wk, 0x0e);  // the upper two W+K words
    abef = _mm_sha256rnds2_epu32(abef, cdgh, wk);
  }
  abef = _mm_add_epi32(abef, abef_in);
  cdgh = _mm_add_epi32(cdgh, cdgh_in);
}

}  // namespace

void sha256_transform_shani(uint32_t* state, const uint8_t* blocks, size_t nblocks) {
  // state[0..7] = a..h. Build ABEF = (a,b,e,f) and CDGH = (c,d,g,h), highest lane first.
  const __m128i dcba = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state));
  const __m128i hgfe = _mm_loadu_si128(reinterpret_cast<const __m128i*>(state + 4));
  const __m128i cdab = _mm_shuffle_epi32(dcba, 0xb1);
  const __m128i efgh = _mm_shuffle_epi32(hgfe, 0x1b);
  __m128i abef = _mm_alignr_epi8(cdab, efgh, 8);
  __m128i cdgh = _mm_blend_epi16(efgh, cdab, 0xf0);

  for (size_t i = 0; i < nblocks; ++i) compress_block(abef, cdgh, blocks + 64 * i);

  // Back to a..h in memory order.
  const __m128i feba = _mm_shuffle_epi32(abef, 0x1b);
  const __m128i dchg = _mm_shuffle_epi32(cdgh, 0xb1);
  _mm_storeu_si128(reinterpret_cast<__m128i*>(state), _mm_blend_epi16(feba, dchg, 0xf0));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(state + 4), _mm_alignr_epi8(dchg, feba, 8));
}

}  // namespace btr::core
