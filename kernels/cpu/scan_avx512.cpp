// AVX-512 F+VL backend: 16 nonces per 512-bit vector. Native rotates (vprord) for the sigma
// functions and three-input logic (vpternlogd) for Ch, Maj and the three-way xors, so a round is
// 16 instructions. Compiled with -mavx512f -mavx512vl only; chosen at run time after a self-test.
//
// Cost per batch of 16 nonces (tools/bench/loop_ops.sh on the object file): about 2,852 vector
// ALU instructions plus ~236 register moves that rename eliminates. On the Sapphire Rapids
// family 512-bit operations issue on ports 0 and 5 only (rotates and shifts on port 0), so the
// bound is ~1,426 cycles per batch, 89 per nonce; the loop measures about 92. What is left is
// the SHA-256 arithmetic itself (6 rotates, 4 three-input logic ops and 6 adds per round, 11
// ops and one K add per schedule word); things tried that did not pay on this core:
//  - a 17th nonce in general registers beside the vectors (integer ports 1, 6 and 10 are idle):
//    its ~5,000 scalar uops overflow the 6-wide rename stage, 7 % slower;
//  - SHA-NI rounds beside the vectors: sha256rnds2 is one port-5 uop, and a SHA-NI nonce costs
//    more port 0/5 slots (62 rounds, the msg1/msg2 schedule, shuffles) than the ~178 a vector
//    lane does;
//  - -O3 or -mtune=sapphirerapids/icelake-server: no change or slower.

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

#include <array>

#include "kernels/cpu/cpu_kernels.h"
#include "kernels/cpu/sha256d_lanes.h"
#include "kernels/sha256_mining.h"

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

// Every compile-time constant the kernel uses, in one table, so each use is a broadcast from
// [base register + small offset] (EVEX compresses the offset to one byte for the first 128
// words). Left to itself GCC builds constants with mov + vpbroadcastd from a general register,
// an extra port-5 uop each; one opaque variable per constant fixes that but costs a lea per
// use (about 140 integer uops and 1 KiB of code per batch).
// K, first_kw(4..15), second_kw(8..15), the initial state, 11 named words, 3 folded h+K, 2 more.
constexpr int kConstantCount = 64 + 12 + 8 + 8 + 11 + 3 + 2;
constexpr std::array<uint32_t, kConstantCount> make_constant_table() {
  std::array<uint32_t, kConstantCount> t{};
  int n = 0;
  for (uint32_t k : sha::kK) t[n++] = k;
  for (int i = 4; i < 16; ++i) t[n++] = sha::first_kw(i);
  for (int i = 8; i < 16; ++i) t[n++] = sha::second_kw(i);
  for (uint32_t v : sha::kInit) t[n++] = v;
  for (uint32_t v :
       {sha::kH0A, sha::kH0E, sha::kH1W20Add, sha::kH1W22Add, sha::kH1W30Add, sha::kH2W17Add,
        sha::kH2W22Add, sha::kH2W23Add, sha::kH2W24Add, sha::kH2W30Add, sha::kH2W31Add}) {
    t[n++] = v;
  }
  t[n++] = sha::kInit[6] + sha::kK[1];
  t[n++] = sha::kInit[5] + sha::kK[2];
  t[n++] = sha::kInit[4] + sha::kK[3];
  t[n++] = 0u - sha::kInit[7];
  t[n++] = 0xff00ff00u;  // byte-swap select mask
  return t;
}
alignas(64) constexpr std::array<uint32_t, kConstantCount> kConstants = make_constant_table();

constexpr int constant_index(uint32_t v) {
  for (int i = 0; i < kConstantCount; ++i) {
    if (kConstants[i] == v) return i;
  }
  return -1;
}

// The table's address, opaque to the optimizer (so it cannot turn the loads back into
// immediates). The empty asm has no side effects, so GCC computes it once per function.
inline const uint32_t* constant_base() {
  const uint32_t* p = kConstants.data();
  __asm__("" : "+r"(p));
  return p;
}

struct Avx512Ops {
  using R = __m512i;
  static R set1(uint32_t v) { return _mm512_set1_epi32(static_cast<int>(v)); }
  // A compile-time constant: the consuming instruction broadcasts it from the table ({1to16}).
  template <uint32_t V>
  static R constant() {
    constexpr int index = constant_index(V);
    static_assert(index >= 0, "add the constant to make_constant_table()");
    return _mm512_set1_epi32(static_cast<int>(constant_base()[index]));
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
  const __m512i mask = Avx512Ops::constant<0xff00ff00u>();
  return _mm512_ternarylogic_epi32(mask, ror<8>(x), rol<8>(x), 0xca);
}

constexpr uint32_t kLanes = 16;

// Lane l of a batch hashes nonce base + l with base a multiple of 16, so the low byte of the
// nonce never carries and W3 = bswap(nonce) = bswap(base) + (l << 24): a lane-uniform word
// (computed once per batch in a general register) plus a constant vector. The sigma in W18 is
// linear over xor and the two parts share no bit, so s0(W3) = s0(bswap(base)) ^ s0(l << 24).
// This replaces the vector nonce add and byte swap and W18's sigma by two broadcasts and a xor.
struct LaneWords {
  __m512i hi;     // l << 24
  __m512i s0_hi;  // s0(l << 24)
};

LaneWords make_lane_words() {
  LaneWords w{};
  alignas(64) uint32_t hi[kLanes];
  alignas(64) uint32_t s0_hi[kLanes];
  for (uint32_t l = 0; l < kLanes; ++l) {
    hi[l] = l << 24;
    s0_hi[l] = sha::small_sigma0(l << 24);
  }
  w.hi = _mm512_load_si512(hi);
  w.s0_hi = _mm512_load_si512(s0_hi);
  return w;
}

lanes::NonceWords<Avx512Ops> nonce_words(const ScanConstants& c, const LaneWords& lw,
                                         uint32_t base) {
  const uint32_t w3_base = __builtin_bswap32(base);
  const __m512i w3 = _mm512_add_epi32(Avx512Ops::set1(w3_base), lw.hi);
  const __m512i s0_w3 = _mm512_xor_si512(Avx512Ops::set1(sha::small_sigma0(w3_base)), lw.s0_hi);
  return {Avx512Ops::add(Avx512Ops::set1(c.round3_a), w3),
          Avx512Ops::add(Avx512Ops::set1(c.round3_e), w3),
          Avx512Ops::add(Avx512Ops::set1(c.w18_base), s0_w3),
          Avx512Ops::add(Avx512Ops::set1(c.w19_base), w3)};
}

// Candidate lanes of one batch. With a zero top target word (every real difficulty >= 1) a
// candidate needs H7 == 0, i.e. e after round 60 == -kInit[7]: no add and no byte swap.
template <bool kZeroTop>
unsigned candidate_lanes(const __m512i* x, __m512i top) {
  const __m512i e61 = lanes::second_hash_e61<Avx512Ops>(x);
  if constexpr (kZeroTop) {
    return _mm512_cmpeq_epi32_mask(e61, Avx512Ops::constant<0u - sha::kInit[7]>());
  } else {
    const __m512i h7 = Avx512Ops::add(e61, Avx512Ops::constant<sha::kInit[7]>());
    return _mm512_cmple_epu32_mask(bswap(h7), top);
  }
}

template <bool kZeroTop>
uint64_t scan_batches(const ScanConstants& constants, uint32_t first, uint64_t count,
                      CandidateBuffer& out) {
  const LaneWords lw = make_lane_words();
  const __m512i top = _mm512_set1_epi32(static_cast<int>(constants.target_top));
  const uint64_t end = uint64_t{first} + count;
  // Batches start at multiples of 16 (see LaneWords); lanes outside [first, end) are masked.
  for (uint64_t base = first & ~uint64_t{kLanes - 1}; base < end; base += kLanes) {
    __m512i x[8];
    lanes::first_hash<Avx512Ops>(constants, nonce_words(constants, lw, static_cast<uint32_t>(base)),
                                 x);
    unsigned hits = candidate_lanes<kZeroTop>(x, top);
    if (base < first) hits &= ~0u << (first - base);
    if (end - base < kLanes) hits &= (1u << (end - base)) - 1;
    while (hits != 0) {
      const unsigned l = static_cast<unsigned>(__builtin_ctz(hits));
      hits &= hits - 1;
      out.nonces[out.size++] = static_cast<uint32_t>(base + l);
      if (out.full()) return base + l + 1 - first;
    }
  }
  return count;
}

}  // namespace

uint64_t scan_avx512(const ScanConstants& constants, uint32_t first, uint64_t count,
                     CandidateBuffer& out) {
  return constants.target_top == 0 ? scan_batches<true>(constants, first, count, out)
                                   : scan_batches<false>(constants, first, count, out);
}

}  // namespace btr::kernels::cpu
