// AVX-512 F+VL backend: 16 nonces per 512-bit vector. Native rotates (vprord) for the sigma
// functions and three-input logic (vpternlogd) for Ch, Maj and the three-way xors, so a round is
// 16 instructions. Compiled with -mavx512f -mavx512vl only; chosen at run time after a self-test.

// GCC 12's AVX-512 intrinsics seed unmasked operations with a self-initialized "undefined"
// vector, which -Wmaybe-uninitialized reports at the header's lines once inlined.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop
#else
#include <immintrin.h>
#endif

#include "kernels/cpu/cpu_kernels.h"
#include "kernels/cpu/sha256d_lanes.h"

namespace btr::kernels::cpu {
namespace {

template <int N>
__m512i ror(__m512i x) {
  return _mm512_ror_epi32(x, N);
}
template <int N>
__m512i rol(__m512i x) {
  return _mm512_rol_epi32(x, N);
}

// One 32-bit word per compile-time constant, in read-only data.
template <uint32_t V>
constexpr uint32_t kWord = V;

struct Avx512Ops {
  using R = __m512i;
  static R set1(uint32_t v) { return _mm512_set1_epi32(static_cast<int>(v)); }
  // A compile-time constant as a broadcast from memory. Left to itself GCC builds each one with
  // mov + vpbroadcastd from a general register, an extra vector-port uop; hiding the value
  // behind an opaque pointer makes it fold the load into the consuming instruction ({1to16}).
  template <uint32_t V>
  static R constant() {
    const uint32_t* p = &kWord<V>;
    __asm__("" : "+r"(p));
    return _mm512_set1_epi32(static_cast<int>(*p));
  }
  static R add(R x, R y) { return _mm512_add_epi32(x, y); }
  static R add3(R x, R y, R z) { return _mm512_add_epi32(_mm512_add_epi32(x, y), z); }
  static R xor3(R x, R y, R z) { return _mm512_ternarylogic_epi32(x, y, z, 0x96); }
  static R bsig0(R x) { return xor3(ror<2>(x), ror<13>(x), ror<22>(x)); }
  static R bsig1(R x) { return xor3(ror<6>(x), ror<11>(x), ror<25>(x)); }
  static R ssig0(R x) { return xor3(ror<7>(x), ror<18>(x), _mm512_srli_epi32(x, 3)); }
  static R ssig1(R x) { return xor3(ror<17>(x), ror<19>(x), _mm512_srli_epi32(x, 10)); }
  static R ch(R e, R f, R g) { return _mm512_ternarylogic_epi32(e, f, g, 0xca); }
  static R maj(R a, R b, R c) { return _mm512_ternarylogic_epi32(a, b, c, 0xe8); }
};

// Byte swap without AVX512BW's vpshufb: select bytes from the two 8-bit rotations.
__m512i bswap(__m512i x) {
  const __m512i mask = _mm512_set1_epi32(static_cast<int>(0xff00ff00u));
  return _mm512_ternarylogic_epi32(mask, ror<8>(x), rol<8>(x), 0xca);
}

}  // namespace

uint64_t scan_avx512(const ScanConstants& constants, uint32_t first, uint64_t count,
                     CandidateBuffer& out) {
  const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const __m512i top = _mm512_set1_epi32(static_cast<int>(constants.target_top));
  uint64_t done = 0;
  while (done < count) {
    const uint32_t base = first + static_cast<uint32_t>(done);
    const __m512i nonces = _mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(base)), lane);
    __m512i x[8];
    lanes::first_hash<Avx512Ops>(constants, bswap(nonces), x);
    const __m512i h7 = lanes::second_hash_h7<Avx512Ops>(x);
    unsigned hits = _mm512_cmple_epu32_mask(bswap(h7), top);
    const uint64_t left = count - done;
    if (left < 16) hits &= (1u << left) - 1;
    while (hits != 0) {
      const unsigned l = static_cast<unsigned>(__builtin_ctz(hits));
      hits &= hits - 1;
      out.nonces[out.size++] = base + l;
      if (out.full()) return done + l + 1;
    }
    done += left < 16 ? left : 16;
  }
  return done;
}

}  // namespace btr::kernels::cpu
