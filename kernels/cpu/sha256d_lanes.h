#pragma once
// The SHA256d mining pipeline written once over a "lane ops" type, instantiated by each CPU
// backend file (scalar uint32_t, AVX2 8 lanes, AVX-512 16 lanes) with its own compiler flags.
//
// Only templates live here, and every backend's Ops type has internal linkage, so each
// instantiation is private to its file and instruction-set code cannot leak into another file
// through the linker (the ODR hazard of Bitcoin Core's per-ISA files). sha:: helpers are only
// used in constant expressions for the same reason.
//
// Ops provides: type R; R set1(uint32_t) for run-time values; template <uint32_t V> R constant()
// for compile-time values (a backend may load these from memory rather than build them);
// R add(R, R); R add3(R, R, R); R bsig0(R); R bsig1(R);
// R ssig0(R); R ssig1(R); R ch(R e, R f, R g); R maj(R a, R b, R c).
//
// Shortcuts used (see kernels/scan.h and kernels/sha256_mining.h for the constants):
//  - first hash: midstate, rounds 0..2 and half of round 3 done on the host, K+W folded for the
//    constant rounds 4..15, W16/W17 complete and W18/W19/W31/W32 partly precomputed;
//  - second hash: round 0 folded with the initial state, the constant h of rounds 1..3 folded
//    into K, K+W folded for the padding rounds 8..15, constant schedule terms folded, no T2 (a)
//    after round 56, stop after round 60: H7 = e after round 60 + 0x5be0cd19;
//  - the nonce-dependent inputs (a and e after round 3, W18, W19) come from nonce_words(), which
//    a backend may replace with a cheaper form for its lanes (AVX-512 does).

#include "kernels/scan.h"
#include "kernels/sha256_mining.h"

#if defined(__GNUC__)
#define BTR_LANES_INLINE [[gnu::always_inline]] inline
#else
#define BTR_LANES_INLINE inline
#endif

namespace btr::kernels::lanes {

template <uint32_t V, class Ops>
BTR_LANES_INLINE typename Ops::R k() {
  return Ops::template constant<V>();
}

// One full round whose h + K + W the caller has already summed into `hkw` (the second hash's
// rounds 1..3 fold their constant h into K at compile time): d += T1, h = T1 + T2 (the caller
// renames the registers).
template <class Ops>
BTR_LANES_INLINE void round_hkw(typename Ops::R a, typename Ops::R b, typename Ops::R c,
                                typename Ops::R& d, typename Ops::R e, typename Ops::R f,
                                typename Ops::R g, typename Ops::R& h, typename Ops::R hkw) {
  const typename Ops::R t1 = Ops::add3(hkw, Ops::bsig1(e), Ops::ch(e, f, g));
  d = Ops::add(d, t1);
  h = Ops::add3(t1, Ops::bsig0(a), Ops::maj(a, b, c));
}

// One full round with K + W in `kw`.
template <class Ops>
BTR_LANES_INLINE void round(typename Ops::R a, typename Ops::R b, typename Ops::R c,
                            typename Ops::R& d, typename Ops::R e, typename Ops::R f,
                            typename Ops::R g, typename Ops::R& h, typename Ops::R kw) {
  round_hkw<Ops>(a, b, c, d, e, f, g, h, Ops::add(h, kw));
}

// A round whose new a is never read again: only d += T1.
template <class Ops>
BTR_LANES_INLINE void round_e_only(typename Ops::R& d, typename Ops::R e, typename Ops::R f,
                                   typename Ops::R g, typename Ops::R h, typename Ops::R kw) {
  d = Ops::add(d, Ops::add3(Ops::add(h, kw), Ops::bsig1(e), Ops::ch(e, f, g)));
}

// W[i] = s1(W[i-2]) + W[i-7] + s0(W[i-15]) + W[i-16]
template <class Ops>
BTR_LANES_INLINE typename Ops::R sched(typename Ops::R wm2, typename Ops::R wm7,
                                       typename Ops::R wm15, typename Ops::R wm16) {
  return Ops::add(Ops::add3(Ops::ssig1(wm2), wm7, Ops::ssig0(wm15)), wm16);
}

template <int I, class Ops>
BTR_LANES_INLINE typename Ops::R kw(typename Ops::R w) {
  return Ops::add(w, k<sha::kK[I], Ops>());
}

// Rounds I..I+7 with W values w0..w7 (K added here); the state rotates by 8, so names are back in
// place afterwards.
#define BTR_ROUNDS8(I, w0, w1, w2, w3, w4, w5, w6, w7)      \
  round<Ops>(a, b, c, d, e, f, g, h, kw<(I) + 0, Ops>(w0)); \
  round<Ops>(h, a, b, c, d, e, f, g, kw<(I) + 1, Ops>(w1)); \
  round<Ops>(g, h, a, b, c, d, e, f, kw<(I) + 2, Ops>(w2)); \
  round<Ops>(f, g, h, a, b, c, d, e, kw<(I) + 3, Ops>(w3)); \
  round<Ops>(e, f, g, h, a, b, c, d, kw<(I) + 4, Ops>(w4)); \
  round<Ops>(d, e, f, g, h, a, b, c, kw<(I) + 5, Ops>(w5)); \
  round<Ops>(c, d, e, f, g, h, a, b, kw<(I) + 6, Ops>(w6)); \
  round<Ops>(b, c, d, e, f, g, h, a, kw<(I) + 7, Ops>(w7))

// Everything of the first hash that depends on W3 (the byte-swapped nonce) directly: a and e
// after round 3, W18 and W19. A backend that knows more about its lanes' W3 (AVX-512: a
// lane-uniform part plus a constant per lane) builds these itself with fewer operations.
template <class Ops>
struct NonceWords {
  typename Ops::R a4, e4, w18, w19;
};

template <class Ops>
BTR_LANES_INLINE NonceWords<Ops> nonce_words(const ScanConstants& cst, typename Ops::R w3) {
  return {Ops::add(Ops::set1(cst.round3_a), w3), Ops::add(Ops::set1(cst.round3_e), w3),
          Ops::add(Ops::set1(cst.w18_base), Ops::ssig0(w3)), Ops::add(Ops::set1(cst.w19_base), w3)};
}

// First hash: state after the second header block for the lanes' nonce words. Writes the 8
// output words (state + midstate) to out.
template <class Ops>
BTR_LANES_INLINE void first_hash(const ScanConstants& cst, const NonceWords<Ops>& nw,
                                 typename Ops::R* out) {
  using R = typename Ops::R;
  R a = nw.a4;
  R b = Ops::set1(cst.state2[0]);
  R c = Ops::set1(cst.state2[1]);
  R d = Ops::set1(cst.state2[2]);
  R e = nw.e4;
  R f = Ops::set1(cst.state2[4]);
  R g = Ops::set1(cst.state2[5]);
  R h = Ops::set1(cst.state2[6]);
  // Rounds 4..15: W is constant padding, K+W folded. Rotation: after round 3 the state names
  // a..h hold the values of the round-4 inputs.
  round<Ops>(a, b, c, d, e, f, g, h, k<sha::first_kw(4), Ops>());
  round<Ops>(h, a, b, c, d, e, f, g, k<sha::first_kw(5), Ops>());
  round<Ops>(g, h, a, b, c, d, e, f, k<sha::first_kw(6), Ops>());
  round<Ops>(f, g, h, a, b, c, d, e, k<sha::first_kw(7), Ops>());
  round<Ops>(e, f, g, h, a, b, c, d, k<sha::first_kw(8), Ops>());
  round<Ops>(d, e, f, g, h, a, b, c, k<sha::first_kw(9), Ops>());
  round<Ops>(c, d, e, f, g, h, a, b, k<sha::first_kw(10), Ops>());
  round<Ops>(b, c, d, e, f, g, h, a, k<sha::first_kw(11), Ops>());
  round<Ops>(a, b, c, d, e, f, g, h, k<sha::first_kw(12), Ops>());
  round<Ops>(h, a, b, c, d, e, f, g, k<sha::first_kw(13), Ops>());
  round<Ops>(g, h, a, b, c, d, e, f, k<sha::first_kw(14), Ops>());
  round<Ops>(f, g, h, a, b, c, d, e, k<sha::first_kw(15), Ops>());
  // The state is now rotated by 12 (= 4 mod 8): rename so that rounds start at "a" again.
  {
    const R ta = e, tb = f, tc = g, td = h, te = a, tf = b, tg = c, th = d;
    a = ta;
    b = tb;
    c = tc;
    d = td;
    e = te;
    f = tf;
    g = tg;
    h = th;
  }
  const R w16 = Ops::set1(cst.w16);
  const R w17 = Ops::set1(cst.w17);
  const R w18 = nw.w18;
  const R w19 = nw.w19;
  const R w20 = Ops::add(Ops::ssig1(w18), k<sha::kH1W20Add, Ops>());
  const R w21 = Ops::ssig1(w19);
  const R w22 = Ops::add(Ops::ssig1(w20), k<sha::kH1W22Add, Ops>());
  const R w23 = Ops::add(Ops::ssig1(w21), w16);
  BTR_ROUNDS8(16, w16, w17, w18, w19, w20, w21, w22, w23);
  const R w24 = Ops::add(Ops::ssig1(w22), w17);
  const R w25 = Ops::add(Ops::ssig1(w23), w18);
  const R w26 = Ops::add(Ops::ssig1(w24), w19);
  const R w27 = Ops::add(Ops::ssig1(w25), w20);
  const R w28 = Ops::add(Ops::ssig1(w26), w21);
  const R w29 = Ops::add(Ops::ssig1(w27), w22);
  const R w30 = Ops::add3(Ops::ssig1(w28), w23, k<sha::kH1W30Add, Ops>());
  const R w31 = Ops::add3(Ops::ssig1(w29), w24, Ops::set1(cst.w31_add));
  BTR_ROUNDS8(24, w24, w25, w26, w27, w28, w29, w30, w31);
  const R w32 = Ops::add3(Ops::ssig1(w30), w25, Ops::set1(cst.w32_add));
  const R w33 = sched<Ops>(w31, w26, w18, w17);
  const R w34 = sched<Ops>(w32, w27, w19, w18);
  const R w35 = sched<Ops>(w33, w28, w20, w19);
  const R w36 = sched<Ops>(w34, w29, w21, w20);
  const R w37 = sched<Ops>(w35, w30, w22, w21);
  const R w38 = sched<Ops>(w36, w31, w23, w22);
  const R w39 = sched<Ops>(w37, w32, w24, w23);
  BTR_ROUNDS8(32, w32, w33, w34, w35, w36, w37, w38, w39);
  const R w40 = sched<Ops>(w38, w33, w25, w24);
  const R w41 = sched<Ops>(w39, w34, w26, w25);
  const R w42 = sched<Ops>(w40, w35, w27, w26);
  const R w43 = sched<Ops>(w41, w36, w28, w27);
  const R w44 = sched<Ops>(w42, w37, w29, w28);
  const R w45 = sched<Ops>(w43, w38, w30, w29);
  const R w46 = sched<Ops>(w44, w39, w31, w30);
  const R w47 = sched<Ops>(w45, w40, w32, w31);
  BTR_ROUNDS8(40, w40, w41, w42, w43, w44, w45, w46, w47);
  const R w48 = sched<Ops>(w46, w41, w33, w32);
  const R w49 = sched<Ops>(w47, w42, w34, w33);
  const R w50 = sched<Ops>(w48, w43, w35, w34);
  const R w51 = sched<Ops>(w49, w44, w36, w35);
  const R w52 = sched<Ops>(w50, w45, w37, w36);
  const R w53 = sched<Ops>(w51, w46, w38, w37);
  const R w54 = sched<Ops>(w52, w47, w39, w38);
  const R w55 = sched<Ops>(w53, w48, w40, w39);
  BTR_ROUNDS8(48, w48, w49, w50, w51, w52, w53, w54, w55);
  const R w56 = sched<Ops>(w54, w49, w41, w40);
  const R w57 = sched<Ops>(w55, w50, w42, w41);
  const R w58 = sched<Ops>(w56, w51, w43, w42);
  const R w59 = sched<Ops>(w57, w52, w44, w43);
  const R w60 = sched<Ops>(w58, w53, w45, w44);
  const R w61 = sched<Ops>(w59, w54, w46, w45);
  const R w62 = sched<Ops>(w60, w55, w47, w46);
  const R w63 = sched<Ops>(w61, w56, w48, w47);
  BTR_ROUNDS8(56, w56, w57, w58, w59, w60, w61, w62, w63);
  out[0] = Ops::add(a, Ops::set1(cst.midstate[0]));
  out[1] = Ops::add(b, Ops::set1(cst.midstate[1]));
  out[2] = Ops::add(c, Ops::set1(cst.midstate[2]));
  out[3] = Ops::add(d, Ops::set1(cst.midstate[3]));
  out[4] = Ops::add(e, Ops::set1(cst.midstate[4]));
  out[5] = Ops::add(f, Ops::set1(cst.midstate[5]));
  out[6] = Ops::add(g, Ops::set1(cst.midstate[6]));
  out[7] = Ops::add(h, Ops::set1(cst.midstate[7]));
}

// Second hash of the 32-byte first hash x[0..7]; returns e after round 60, which is the final
// word H7 minus kInit[7] (a backend comparing against a zero top word needs no more).
template <class Ops>
BTR_LANES_INLINE typename Ops::R second_hash_e61(const typename Ops::R* x) {
  using R = typename Ops::R;
  // Round 0 from the constant initial state.
  R a = Ops::add(x[0], k<sha::kH0A, Ops>());
  R b = k<sha::kInit[0], Ops>();
  R c = k<sha::kInit[1], Ops>();
  R d = k<sha::kInit[2], Ops>();
  R e = Ops::add(x[0], k<sha::kH0E, Ops>());
  R f = k<sha::kInit[4], Ops>();
  R g = k<sha::kInit[5], Ops>();
  R h = k<sha::kInit[6], Ops>();
  // Rounds 1..7 with W = x[1..7]; the state names are rotated by one after round 0. In rounds
  // 1..3, h is still an initial-state word: folded into K at compile time.
  round_hkw<Ops>(a, b, c, d, e, f, g, h, Ops::add(x[1], k<sha::kInit[6] + sha::kK[1], Ops>()));
  round_hkw<Ops>(h, a, b, c, d, e, f, g, Ops::add(x[2], k<sha::kInit[5] + sha::kK[2], Ops>()));
  round_hkw<Ops>(g, h, a, b, c, d, e, f, Ops::add(x[3], k<sha::kInit[4] + sha::kK[3], Ops>()));
  round<Ops>(f, g, h, a, b, c, d, e, kw<4, Ops>(x[4]));
  round<Ops>(e, f, g, h, a, b, c, d, kw<5, Ops>(x[5]));
  round<Ops>(d, e, f, g, h, a, b, c, kw<6, Ops>(x[6]));
  round<Ops>(c, d, e, f, g, h, a, b, kw<7, Ops>(x[7]));
  // Rounds 8..15: padding, K+W folded.
  round<Ops>(b, c, d, e, f, g, h, a, k<sha::second_kw(8), Ops>());
  round<Ops>(a, b, c, d, e, f, g, h, k<sha::second_kw(9), Ops>());
  round<Ops>(h, a, b, c, d, e, f, g, k<sha::second_kw(10), Ops>());
  round<Ops>(g, h, a, b, c, d, e, f, k<sha::second_kw(11), Ops>());
  round<Ops>(f, g, h, a, b, c, d, e, k<sha::second_kw(12), Ops>());
  round<Ops>(e, f, g, h, a, b, c, d, k<sha::second_kw(13), Ops>());
  round<Ops>(d, e, f, g, h, a, b, c, k<sha::second_kw(14), Ops>());
  round<Ops>(c, d, e, f, g, h, a, b, k<sha::second_kw(15), Ops>());
  // Rotated by 15 (= 7 mod 8): rename so that round 16 starts at "a".
  {
    const R ta = b, tb = c, tc = d, td = e, te = f, tf = g, tg = h, th = a;
    a = ta;
    b = tb;
    c = tc;
    d = td;
    e = te;
    f = tf;
    g = tg;
    h = th;
  }
  const R w16 = Ops::add(Ops::ssig0(x[1]), x[0]);
  const R w17 = Ops::add3(Ops::ssig0(x[2]), x[1], k<sha::kH2W17Add, Ops>());
  const R w18 = Ops::add3(Ops::ssig1(w16), Ops::ssig0(x[3]), x[2]);
  const R w19 = Ops::add3(Ops::ssig1(w17), Ops::ssig0(x[4]), x[3]);
  const R w20 = Ops::add3(Ops::ssig1(w18), Ops::ssig0(x[5]), x[4]);
  const R w21 = Ops::add3(Ops::ssig1(w19), Ops::ssig0(x[6]), x[5]);
  const R w22 =
      Ops::add(Ops::add3(Ops::ssig1(w20), Ops::ssig0(x[7]), x[6]), k<sha::kH2W22Add, Ops>());
  const R w23 = Ops::add(Ops::add3(Ops::ssig1(w21), w16, x[7]), k<sha::kH2W23Add, Ops>());
  BTR_ROUNDS8(16, w16, w17, w18, w19, w20, w21, w22, w23);
  const R w24 = Ops::add3(Ops::ssig1(w22), w17, k<sha::kH2W24Add, Ops>());
  const R w25 = Ops::add(Ops::ssig1(w23), w18);
  const R w26 = Ops::add(Ops::ssig1(w24), w19);
  const R w27 = Ops::add(Ops::ssig1(w25), w20);
  const R w28 = Ops::add(Ops::ssig1(w26), w21);
  const R w29 = Ops::add(Ops::ssig1(w27), w22);
  const R w30 = Ops::add3(Ops::ssig1(w28), w23, k<sha::kH2W30Add, Ops>());
  const R w31 =
      Ops::add(Ops::add3(Ops::ssig1(w29), w24, Ops::ssig0(w16)), k<sha::kH2W31Add, Ops>());
  BTR_ROUNDS8(24, w24, w25, w26, w27, w28, w29, w30, w31);
  const R w32 = sched<Ops>(w30, w25, w17, w16);
  const R w33 = sched<Ops>(w31, w26, w18, w17);
  const R w34 = sched<Ops>(w32, w27, w19, w18);
  const R w35 = sched<Ops>(w33, w28, w20, w19);
  const R w36 = sched<Ops>(w34, w29, w21, w20);
  const R w37 = sched<Ops>(w35, w30, w22, w21);
  const R w38 = sched<Ops>(w36, w31, w23, w22);
  const R w39 = sched<Ops>(w37, w32, w24, w23);
  BTR_ROUNDS8(32, w32, w33, w34, w35, w36, w37, w38, w39);
  const R w40 = sched<Ops>(w38, w33, w25, w24);
  const R w41 = sched<Ops>(w39, w34, w26, w25);
  const R w42 = sched<Ops>(w40, w35, w27, w26);
  const R w43 = sched<Ops>(w41, w36, w28, w27);
  const R w44 = sched<Ops>(w42, w37, w29, w28);
  const R w45 = sched<Ops>(w43, w38, w30, w29);
  const R w46 = sched<Ops>(w44, w39, w31, w30);
  const R w47 = sched<Ops>(w45, w40, w32, w31);
  BTR_ROUNDS8(40, w40, w41, w42, w43, w44, w45, w46, w47);
  const R w48 = sched<Ops>(w46, w41, w33, w32);
  const R w49 = sched<Ops>(w47, w42, w34, w33);
  const R w50 = sched<Ops>(w48, w43, w35, w34);
  const R w51 = sched<Ops>(w49, w44, w36, w35);
  const R w52 = sched<Ops>(w50, w45, w37, w36);
  const R w53 = sched<Ops>(w51, w46, w38, w37);
  const R w54 = sched<Ops>(w52, w47, w39, w38);
  const R w55 = sched<Ops>(w53, w48, w40, w39);
  BTR_ROUNDS8(48, w48, w49, w50, w51, w52, w53, w54, w55);
  const R w56 = sched<Ops>(w54, w49, w41, w40);
  const R w57 = sched<Ops>(w55, w50, w42, w41);
  const R w58 = sched<Ops>(w56, w51, w43, w42);
  const R w59 = sched<Ops>(w57, w52, w44, w43);
  const R w60 = sched<Ops>(w58, w53, w45, w44);
  // Rounds 56..60. H7 = h after round 63 = e after round 60; the a written by rounds 57..60 is
  // never read by round 60's e, so those rounds skip T2.
  round<Ops>(a, b, c, d, e, f, g, h, kw<56, Ops>(w56));
  round_e_only<Ops>(c, d, e, f, g, kw<57, Ops>(w57));
  round_e_only<Ops>(b, c, d, e, f, kw<58, Ops>(w58));
  round_e_only<Ops>(a, b, c, d, e, kw<59, Ops>(w59));
  round_e_only<Ops>(h, a, b, c, d, kw<60, Ops>(w60));
  return h;
}

// The final word H7 of the second hash.
template <class Ops>
BTR_LANES_INLINE typename Ops::R second_hash_h7(const typename Ops::R* x) {
  return Ops::add(second_hash_e61<Ops>(x), k<sha::kInit[7], Ops>());
}

#undef BTR_ROUNDS8

}  // namespace btr::kernels::lanes
