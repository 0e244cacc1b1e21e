// AVX2 backend: 8 nonces per 256-bit vector. AVX2 has no rotate and no three-input logic, so a
// rotate is two shifts and an or; kept for CPUs without AVX-512. Compiled with -mavx2 only.

#include <immintrin.h>

#include "kernels/cpu/cpu_kernels.h"
#include "kernels/cpu/sha256d_lanes.h"

namespace btr::kernels::cpu {
namespace {

template <int N>
__m256i rotr(__m256i x) {
  return _mm256_or_si256(_mm256_srli_epi32(x, N), _mm256_slli_epi32(x, 32 - N));
}

struct Avx2Ops {
  using R = __m256i;
  static R set1(uint32_t v) { return _mm256_set1_epi32(static_cast<int>(v)); }
  template <uint32_t V>
  static R constant() {
    return set1(V);
  }
  static R add(R x, R y) { return _mm256_add_epi32(x, y); }
  static R add3(R x, R y, R z) { return _mm256_add_epi32(_mm256_add_epi32(x, y), z); }
  static R xor3(R x, R y, R z) { return _mm256_xor_si256(_mm256_xor_si256(x, y), z); }
  static R bsig0(R x) { return xor3(rotr<2>(x), rotr<13>(x), rotr<22>(x)); }
  static R bsig1(R x) { return xor3(rotr<6>(x), rotr<11>(x), rotr<25>(x)); }
  static R ssig0(R x) { return xor3(rotr<7>(x), rotr<18>(x), _mm256_srli_epi32(x, 3)); }
  static R ssig1(R x) { return xor3(rotr<17>(x), rotr<19>(x), _mm256_srli_epi32(x, 10)); }
  static R ch(R e, R f, R g) {
    return _mm256_xor_si256(g, _mm256_and_si256(e, _mm256_xor_si256(f, g)));
  }
  // ((a ^ b) & (b ^ c)) ^ b; a ^ b is the next round's b ^ c, which the compiler reuses.
  static R maj(R a, R b, R c) {
    return _mm256_xor_si256(_mm256_and_si256(_mm256_xor_si256(a, b), _mm256_xor_si256(b, c)), b);
  }
};

__m256i bswap(__m256i x) {
  const __m256i order = _mm256_setr_epi8(3, 2, 1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12, 3, 2,
                                         1, 0, 7, 6, 5, 4, 11, 10, 9, 8, 15, 14, 13, 12);
  return _mm256_shuffle_epi8(x, order);
}

}  // namespace

uint64_t scan_avx2(const ScanConstants& constants, uint32_t first, uint64_t count,
                   CandidateBuffer& out) {
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i top = _mm256_set1_epi32(static_cast<int>(constants.target_top));
  uint64_t done = 0;
  while (done < count) {
    const uint32_t base = first + static_cast<uint32_t>(done);
    const __m256i nonces = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(base)), lane);
    __m256i x[8];
    lanes::first_hash<Avx2Ops>(constants, lanes::nonce_words<Avx2Ops>(constants, bswap(nonces)), x);
    const __m256i h7 = bswap(lanes::second_hash_h7<Avx2Ops>(x));
    // Unsigned h7 <= top  <=>  max(h7, top) == top.
    const __m256i le = _mm256_cmpeq_epi32(_mm256_max_epu32(h7, top), top);
    unsigned hits = static_cast<unsigned>(_mm256_movemask_ps(_mm256_castsi256_ps(le)));
    const uint64_t left = count - done;
    if (left < 8) hits &= (1u << left) - 1;
    while (hits != 0) {
      const unsigned l = static_cast<unsigned>(__builtin_ctz(hits));
      hits &= hits - 1;
      out.nonces[out.size++] = base + l;
      if (out.full()) return done + l + 1;
    }
    done += left < 8 ? left : 8;
  }
  return done;
}

}  // namespace btr::kernels::cpu
