/* SHA256d nonce scanner, OpenCL C 1.2.
 *
 * The single source of this kernel: the build embeds this file into the library as a string
 * (kernels/opencl/CMakeLists.txt), the host builds it at run time (kernels/opencl/cl_program.h).
 *
 * On CPUs each work-item hashes 16 consecutive nonces held in uint16 vectors. The explicit vector
 * type is what makes PoCL's LLVM emit AVX-512 (one zmm register = 16 nonces); a scalar kernel with
 * a conditional atomic store per hit is not vectorized there. GPUs use one nonce per work-item
 * (BTR_LANES below); the code is the same, lane_t is then a plain uint. The rare candidate is written by a
 * scalar loop behind any(), so the hot path has no per-lane branch.
 *
 * Shortcuts (the same as the CPU backends; see kernels/scan.h for the job words):
 *  - midstate, rounds 0..2 of the header's second block and round 3 without its nonce term come
 *    from the host (ScanConstants), as do the nonce-independent schedule words;
 *  - the constant padding of both blocks is folded into the K+W immediates below;
 *  - the second hash stops after round 60: H7 = e of round 60 + IV7, and only H7 decides whether
 *    the nonce is a candidate (bswap(H7) <= target_top). The host re-hashes every candidate.
 *
 * The job words are kernels/scan.h's ScanConstants copied verbatim (uint32 fields, no padding);
 * the host static_asserts the offsets below.
 */

/* BTR_LANES: nonces per work-item. 16 (the default) for CPU devices, where one uint16 is one
 * AVX-512 register; 1 for GPUs, whose SIMT hardware spreads work-items over lanes itself and would
 * only run out of registers with 16 hashes per work-item. The host passes -DBTR_LANES=N. */
#ifndef BTR_LANES
#define BTR_LANES 16
#endif
#if BTR_LANES == 16
typedef uint16 lane_t; /* one value per nonce */
typedef int16 mask_t;  /* comparison results: -1 (true) or 0 per nonce */
#define LANE_OFFSETS ((uint16)(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15))
#define ANY(m) any(m)
#define STORE_MASK(m, p) vstore16(as_uint16(m), 0, (p))
#elif BTR_LANES == 1
typedef uint lane_t;
typedef int mask_t; /* scalar comparisons give 1 or 0 */
#define LANE_OFFSETS 0u
#define ANY(m) ((m) != 0)
#define STORE_MASK(m, p) ((p)[0] = (uint)(m))
#else
#error "BTR_LANES must be 16 or 1"
#endif

#define JOB_MIDSTATE 1
#define JOB_STATE2 12
#define JOB_ROUND3_A 20
#define JOB_ROUND3_E 21
#define JOB_W16 22
#define JOB_W17 23
#define JOB_W18_BASE 24
#define JOB_W19_BASE 25
#define JOB_W31_ADD 26
#define JOB_W32_ADD 27
#define JOB_TARGET_TOP 36

/* OpenCL's rotate() turns left; SHA-256 turns right. */
#define ROTR(x, n) rotate((x), (lane_t)(32u - (n)))
#define S0(x) (ROTR((x), 2u) ^ ROTR((x), 13u) ^ ROTR((x), 22u))
#define S1(x) (ROTR((x), 6u) ^ ROTR((x), 11u) ^ ROTR((x), 25u))
#define s0(x) (ROTR((x), 7u) ^ ROTR((x), 18u) ^ ((x) >> 3u))
#define s1(x) (ROTR((x), 17u) ^ ROTR((x), 19u) ^ ((x) >> 10u))
/* ch: e ? f : g, bitwise; maj: the majority of a, b, c. Written as plain logic rather than
 * bitselect(), which PoCL's library expands to and/andnot/or: LLVM fuses ch into one vpternlogd.
 * LLVM 15 needs two for maj (no two-level form exists), so where the compiler targets AVX-512
 * (PoCL on such a CPU) maj is the one vpternlogd it should be: about 4% fewer operations. */
#define CH(e, f, g) ((g) ^ ((e) & ((f) ^ (g))))
#if BTR_LANES == 16 && defined(__AVX512F__) && defined(__clang__)
#define MAJ(a, b, c)                                                                   \
  as_uint16(__builtin_ia32_pternlogd512_mask(as_int16(a), as_int16(b), as_int16(c), 0xe8, \
                                             (short)-1))
#else
#define MAJ(a, b, c) (((a) & (b)) | ((c) & ((a) | (b))))
#endif
/* Byte swap from two rotations and a select. */
#define BSWAP(x) bitselect(rotate((x), (lane_t)24u), rotate((x), (lane_t)8u), (lane_t)0x00ff00ffu)

/* One round with kw = K[i] + W[i]; the caller rotates the names instead of moving values. */
#define RND(a, b, c, d, e, f, g, h, kw)                        \
  {                                                            \
    const lane_t t1_ = (h) + S1(e) + CH((e), (f), (g)) + (kw); \
    (d) += t1_;                                                \
    (h) = t1_ + S0(a) + MAJ((a), (b), (c));                    \
  }

__kernel void sha256d_scan(__constant const uint* job, const uint first, const uint count,
                           __global uint* results, const uint capacity) {
  const uint offset0 = (uint)get_global_id(0) * BTR_LANES;
  const lane_t offset = (lane_t)(offset0) + LANE_OFFSETS;
  const lane_t nonce = (lane_t)(first) + offset;
  const lane_t w3 = BSWAP(nonce);
  const uint w16 = job[JOB_W16];
  const uint w17 = job[JOB_W17];

  /* First hash, state after round 3 (names rotated to round 4's roles: e holds a). */
  lane_t e = (lane_t)(job[JOB_ROUND3_A]) + w3;
  lane_t f = (lane_t)(job[JOB_STATE2 + 0]);
  lane_t g = (lane_t)(job[JOB_STATE2 + 1]);
  lane_t h = (lane_t)(job[JOB_STATE2 + 2]);
  lane_t a = (lane_t)(job[JOB_ROUND3_E]) + w3;
  lane_t b = (lane_t)(job[JOB_STATE2 + 4]);
  lane_t c = (lane_t)(job[JOB_STATE2 + 5]);
  lane_t d = (lane_t)(job[JOB_STATE2 + 6]);
  RND(e, f, g, h, a, b, c, d, 0xb956c25bu);
  RND(d, e, f, g, h, a, b, c, 0x59f111f1u);
  RND(c, d, e, f, g, h, a, b, 0x923f82a4u);
  RND(b, c, d, e, f, g, h, a, 0xab1c5ed5u);
  RND(a, b, c, d, e, f, g, h, 0xd807aa98u);
  RND(h, a, b, c, d, e, f, g, 0x12835b01u);
  RND(g, h, a, b, c, d, e, f, 0x243185beu);
  RND(f, g, h, a, b, c, d, e, 0x550c7dc3u);
  RND(e, f, g, h, a, b, c, d, 0x72be5d74u);
  RND(d, e, f, g, h, a, b, c, 0x80deb1feu);
  RND(c, d, e, f, g, h, a, b, 0x9bdc06a7u);
  RND(b, c, d, e, f, g, h, a, 0xc19bf3f4u);
  RND(a, b, c, d, e, f, g, h, 0xe49b69c1u + w16);
  RND(h, a, b, c, d, e, f, g, 0xefbe4786u + w17);
  lane_t w18 = (lane_t)job[JOB_W18_BASE] + s0(w3);
  RND(g, h, a, b, c, d, e, f, 0x0fc19dc6u + w18);
  lane_t w19 = (lane_t)job[JOB_W19_BASE] + w3;
  RND(f, g, h, a, b, c, d, e, 0x240ca1ccu + w19);
  lane_t w20 = s1(w18) + 0x80000000u;
  RND(e, f, g, h, a, b, c, d, 0x2de92c6fu + w20);
  lane_t w21 = s1(w19);
  RND(d, e, f, g, h, a, b, c, 0x4a7484aau + w21);
  lane_t w22 = s1(w20) + 640u;
  RND(c, d, e, f, g, h, a, b, 0x5cb0a9dcu + w22);
  lane_t w23 = s1(w21) + w16;
  RND(b, c, d, e, f, g, h, a, 0x76f988dau + w23);
  lane_t w24 = s1(w22) + w17;
  RND(a, b, c, d, e, f, g, h, 0x983e5152u + w24);
  lane_t w25 = s1(w23) + w18;
  RND(h, a, b, c, d, e, f, g, 0xa831c66du + w25);
  lane_t w26 = s1(w24) + w19;
  RND(g, h, a, b, c, d, e, f, 0xb00327c8u + w26);
  lane_t w27 = s1(w25) + w20;
  RND(f, g, h, a, b, c, d, e, 0xbf597fc7u + w27);
  lane_t w28 = s1(w26) + w21;
  RND(e, f, g, h, a, b, c, d, 0xc6e00bf3u + w28);
  lane_t w29 = s1(w27) + w22;
  RND(d, e, f, g, h, a, b, c, 0xd5a79147u + w29);
  lane_t w30 = s1(w28) + w23 + 0x00a00055u; /* + s0(640) */
  RND(c, d, e, f, g, h, a, b, 0x06ca6351u + w30);
  lane_t w31 = s1(w29) + w24 + job[JOB_W31_ADD];
  RND(b, c, d, e, f, g, h, a, 0x14292967u + w31);
  lane_t w32 = s1(w30) + w25 + job[JOB_W32_ADD];
  RND(a, b, c, d, e, f, g, h, 0x27b70a85u + w32);
  lane_t w33 = s1(w31) + w26 + s0(w18) + w17;
  RND(h, a, b, c, d, e, f, g, 0x2e1b2138u + w33);
  lane_t w34 = s1(w32) + w27 + s0(w19) + w18;
  RND(g, h, a, b, c, d, e, f, 0x4d2c6dfcu + w34);
  lane_t w35 = s1(w33) + w28 + s0(w20) + w19;
  RND(f, g, h, a, b, c, d, e, 0x53380d13u + w35);
  lane_t w36 = s1(w34) + w29 + s0(w21) + w20;
  RND(e, f, g, h, a, b, c, d, 0x650a7354u + w36);
  lane_t w37 = s1(w35) + w30 + s0(w22) + w21;
  RND(d, e, f, g, h, a, b, c, 0x766a0abbu + w37);
  lane_t w38 = s1(w36) + w31 + s0(w23) + w22;
  RND(c, d, e, f, g, h, a, b, 0x81c2c92eu + w38);
  lane_t w39 = s1(w37) + w32 + s0(w24) + w23;
  RND(b, c, d, e, f, g, h, a, 0x92722c85u + w39);
  lane_t w40 = s1(w38) + w33 + s0(w25) + w24;
  RND(a, b, c, d, e, f, g, h, 0xa2bfe8a1u + w40);
  lane_t w41 = s1(w39) + w34 + s0(w26) + w25;
  RND(h, a, b, c, d, e, f, g, 0xa81a664bu + w41);
  lane_t w42 = s1(w40) + w35 + s0(w27) + w26;
  RND(g, h, a, b, c, d, e, f, 0xc24b8b70u + w42);
  lane_t w43 = s1(w41) + w36 + s0(w28) + w27;
  RND(f, g, h, a, b, c, d, e, 0xc76c51a3u + w43);
  lane_t w44 = s1(w42) + w37 + s0(w29) + w28;
  RND(e, f, g, h, a, b, c, d, 0xd192e819u + w44);
  lane_t w45 = s1(w43) + w38 + s0(w30) + w29;
  RND(d, e, f, g, h, a, b, c, 0xd6990624u + w45);
  lane_t w46 = s1(w44) + w39 + s0(w31) + w30;
  RND(c, d, e, f, g, h, a, b, 0xf40e3585u + w46);
  lane_t w47 = s1(w45) + w40 + s0(w32) + w31;
  RND(b, c, d, e, f, g, h, a, 0x106aa070u + w47);
  lane_t w48 = s1(w46) + w41 + s0(w33) + w32;
  RND(a, b, c, d, e, f, g, h, 0x19a4c116u + w48);
  lane_t w49 = s1(w47) + w42 + s0(w34) + w33;
  RND(h, a, b, c, d, e, f, g, 0x1e376c08u + w49);
  lane_t w50 = s1(w48) + w43 + s0(w35) + w34;
  RND(g, h, a, b, c, d, e, f, 0x2748774cu + w50);
  lane_t w51 = s1(w49) + w44 + s0(w36) + w35;
  RND(f, g, h, a, b, c, d, e, 0x34b0bcb5u + w51);
  lane_t w52 = s1(w50) + w45 + s0(w37) + w36;
  RND(e, f, g, h, a, b, c, d, 0x391c0cb3u + w52);
  lane_t w53 = s1(w51) + w46 + s0(w38) + w37;
  RND(d, e, f, g, h, a, b, c, 0x4ed8aa4au + w53);
  lane_t w54 = s1(w52) + w47 + s0(w39) + w38;
  RND(c, d, e, f, g, h, a, b, 0x5b9cca4fu + w54);
  lane_t w55 = s1(w53) + w48 + s0(w40) + w39;
  RND(b, c, d, e, f, g, h, a, 0x682e6ff3u + w55);
  lane_t w56 = s1(w54) + w49 + s0(w41) + w40;
  RND(a, b, c, d, e, f, g, h, 0x748f82eeu + w56);
  lane_t w57 = s1(w55) + w50 + s0(w42) + w41;
  RND(h, a, b, c, d, e, f, g, 0x78a5636fu + w57);
  lane_t w58 = s1(w56) + w51 + s0(w43) + w42;
  RND(g, h, a, b, c, d, e, f, 0x84c87814u + w58);
  lane_t w59 = s1(w57) + w52 + s0(w44) + w43;
  RND(f, g, h, a, b, c, d, e, 0x8cc70208u + w59);
  lane_t w60 = s1(w58) + w53 + s0(w45) + w44;
  RND(e, f, g, h, a, b, c, d, 0x90befffau + w60);
  lane_t w61 = s1(w59) + w54 + s0(w46) + w45;
  RND(d, e, f, g, h, a, b, c, 0xa4506cebu + w61);
  lane_t w62 = s1(w60) + w55 + s0(w47) + w46;
  RND(c, d, e, f, g, h, a, b, 0xbef9a3f7u + w62);
  lane_t w63 = s1(w61) + w56 + s0(w48) + w47;
  RND(b, c, d, e, f, g, h, a, 0xc67178f2u + w63);

  /* Second hash: W0..W7 = first hash (midstate + state), then constant padding. */
  lane_t x0 = a + job[JOB_MIDSTATE + 0];
  lane_t x1 = b + job[JOB_MIDSTATE + 1];
  lane_t x2 = c + job[JOB_MIDSTATE + 2];
  lane_t x3 = d + job[JOB_MIDSTATE + 3];
  lane_t x4 = e + job[JOB_MIDSTATE + 4];
  lane_t x5 = f + job[JOB_MIDSTATE + 5];
  lane_t x6 = g + job[JOB_MIDSTATE + 6];
  lane_t x7 = h + job[JOB_MIDSTATE + 7];

  /* Round 0 from the initial state folds to a = W0 + 0xfc08884d, e = W0 + 0x98c7e2a2; the names
   * are rotated to round 1's roles (h holds a, d holds e). */
  h = x0 + 0xfc08884du;
  a = (lane_t)0x6a09e667u;
  b = (lane_t)0xbb67ae85u;
  c = (lane_t)0x3c6ef372u;
  d = x0 + 0x98c7e2a2u;
  e = (lane_t)0x510e527fu;
  f = (lane_t)0x9b05688cu;
  g = (lane_t)0x1f83d9abu;
  RND(h, a, b, c, d, e, f, g, 0x71374491u + x1);
  RND(g, h, a, b, c, d, e, f, 0xb5c0fbcfu + x2);
  RND(f, g, h, a, b, c, d, e, 0xe9b5dba5u + x3);
  RND(e, f, g, h, a, b, c, d, 0x3956c25bu + x4);
  RND(d, e, f, g, h, a, b, c, 0x59f111f1u + x5);
  RND(c, d, e, f, g, h, a, b, 0x923f82a4u + x6);
  RND(b, c, d, e, f, g, h, a, 0xab1c5ed5u + x7);
  RND(a, b, c, d, e, f, g, h, 0x5807aa98u);
  RND(h, a, b, c, d, e, f, g, 0x12835b01u);
  RND(g, h, a, b, c, d, e, f, 0x243185beu);
  RND(f, g, h, a, b, c, d, e, 0x550c7dc3u);
  RND(e, f, g, h, a, b, c, d, 0x72be5d74u);
  RND(d, e, f, g, h, a, b, c, 0x80deb1feu);
  RND(c, d, e, f, g, h, a, b, 0x9bdc06a7u);
  RND(b, c, d, e, f, g, h, a, 0xc19bf274u);
  lane_t x16 = s0(x1) + x0;
  RND(a, b, c, d, e, f, g, h, 0xe49b69c1u + x16);
  lane_t x17 = s0(x2) + x1 + 0x00a00000u; /* + s1(256) */
  RND(h, a, b, c, d, e, f, g, 0xefbe4786u + x17);
  lane_t x18 = s1(x16) + s0(x3) + x2;
  RND(g, h, a, b, c, d, e, f, 0x0fc19dc6u + x18);
  lane_t x19 = s1(x17) + s0(x4) + x3;
  RND(f, g, h, a, b, c, d, e, 0x240ca1ccu + x19);
  lane_t x20 = s1(x18) + s0(x5) + x4;
  RND(e, f, g, h, a, b, c, d, 0x2de92c6fu + x20);
  lane_t x21 = s1(x19) + s0(x6) + x5;
  RND(d, e, f, g, h, a, b, c, 0x4a7484aau + x21);
  lane_t x22 = s1(x20) + s0(x7) + x6 + 256u;
  RND(c, d, e, f, g, h, a, b, 0x5cb0a9dcu + x22);
  lane_t x23 = s1(x21) + x16 + x7 + 0x11002000u; /* + s0(0x80000000) */
  RND(b, c, d, e, f, g, h, a, 0x76f988dau + x23);
  lane_t x24 = s1(x22) + x17 + 0x80000000u;
  RND(a, b, c, d, e, f, g, h, 0x983e5152u + x24);
  lane_t x25 = s1(x23) + x18;
  RND(h, a, b, c, d, e, f, g, 0xa831c66du + x25);
  lane_t x26 = s1(x24) + x19;
  RND(g, h, a, b, c, d, e, f, 0xb00327c8u + x26);
  lane_t x27 = s1(x25) + x20;
  RND(f, g, h, a, b, c, d, e, 0xbf597fc7u + x27);
  lane_t x28 = s1(x26) + x21;
  RND(e, f, g, h, a, b, c, d, 0xc6e00bf3u + x28);
  lane_t x29 = s1(x27) + x22;
  RND(d, e, f, g, h, a, b, c, 0xd5a79147u + x29);
  lane_t x30 = s1(x28) + x23 + 0x00400022u; /* + s0(256) */
  RND(c, d, e, f, g, h, a, b, 0x06ca6351u + x30);
  lane_t x31 = s1(x29) + x24 + s0(x16) + 256u;
  RND(b, c, d, e, f, g, h, a, 0x14292967u + x31);
  lane_t x32 = s1(x30) + x25 + s0(x17) + x16;
  RND(a, b, c, d, e, f, g, h, 0x27b70a85u + x32);
  lane_t x33 = s1(x31) + x26 + s0(x18) + x17;
  RND(h, a, b, c, d, e, f, g, 0x2e1b2138u + x33);
  lane_t x34 = s1(x32) + x27 + s0(x19) + x18;
  RND(g, h, a, b, c, d, e, f, 0x4d2c6dfcu + x34);
  lane_t x35 = s1(x33) + x28 + s0(x20) + x19;
  RND(f, g, h, a, b, c, d, e, 0x53380d13u + x35);
  lane_t x36 = s1(x34) + x29 + s0(x21) + x20;
  RND(e, f, g, h, a, b, c, d, 0x650a7354u + x36);
  lane_t x37 = s1(x35) + x30 + s0(x22) + x21;
  RND(d, e, f, g, h, a, b, c, 0x766a0abbu + x37);
  lane_t x38 = s1(x36) + x31 + s0(x23) + x22;
  RND(c, d, e, f, g, h, a, b, 0x81c2c92eu + x38);
  lane_t x39 = s1(x37) + x32 + s0(x24) + x23;
  RND(b, c, d, e, f, g, h, a, 0x92722c85u + x39);
  lane_t x40 = s1(x38) + x33 + s0(x25) + x24;
  RND(a, b, c, d, e, f, g, h, 0xa2bfe8a1u + x40);
  lane_t x41 = s1(x39) + x34 + s0(x26) + x25;
  RND(h, a, b, c, d, e, f, g, 0xa81a664bu + x41);
  lane_t x42 = s1(x40) + x35 + s0(x27) + x26;
  RND(g, h, a, b, c, d, e, f, 0xc24b8b70u + x42);
  lane_t x43 = s1(x41) + x36 + s0(x28) + x27;
  RND(f, g, h, a, b, c, d, e, 0xc76c51a3u + x43);
  lane_t x44 = s1(x42) + x37 + s0(x29) + x28;
  RND(e, f, g, h, a, b, c, d, 0xd192e819u + x44);
  lane_t x45 = s1(x43) + x38 + s0(x30) + x29;
  RND(d, e, f, g, h, a, b, c, 0xd6990624u + x45);
  lane_t x46 = s1(x44) + x39 + s0(x31) + x30;
  RND(c, d, e, f, g, h, a, b, 0xf40e3585u + x46);
  lane_t x47 = s1(x45) + x40 + s0(x32) + x31;
  RND(b, c, d, e, f, g, h, a, 0x106aa070u + x47);
  lane_t x48 = s1(x46) + x41 + s0(x33) + x32;
  RND(a, b, c, d, e, f, g, h, 0x19a4c116u + x48);
  lane_t x49 = s1(x47) + x42 + s0(x34) + x33;
  RND(h, a, b, c, d, e, f, g, 0x1e376c08u + x49);
  lane_t x50 = s1(x48) + x43 + s0(x35) + x34;
  RND(g, h, a, b, c, d, e, f, 0x2748774cu + x50);
  lane_t x51 = s1(x49) + x44 + s0(x36) + x35;
  RND(f, g, h, a, b, c, d, e, 0x34b0bcb5u + x51);
  lane_t x52 = s1(x50) + x45 + s0(x37) + x36;
  RND(e, f, g, h, a, b, c, d, 0x391c0cb3u + x52);
  lane_t x53 = s1(x51) + x46 + s0(x38) + x37;
  RND(d, e, f, g, h, a, b, c, 0x4ed8aa4au + x53);
  lane_t x54 = s1(x52) + x47 + s0(x39) + x38;
  RND(c, d, e, f, g, h, a, b, 0x5b9cca4fu + x54);
  lane_t x55 = s1(x53) + x48 + s0(x40) + x39;
  RND(b, c, d, e, f, g, h, a, 0x682e6ff3u + x55);
  lane_t x56 = s1(x54) + x49 + s0(x41) + x40;
  RND(a, b, c, d, e, f, g, h, 0x748f82eeu + x56);
  lane_t x57 = s1(x55) + x50 + s0(x42) + x41;
  RND(h, a, b, c, d, e, f, g, 0x78a5636fu + x57);
  lane_t x58 = s1(x56) + x51 + s0(x43) + x42;
  RND(g, h, a, b, c, d, e, f, 0x84c87814u + x58);
  lane_t x59 = s1(x57) + x52 + s0(x44) + x43;
  RND(f, g, h, a, b, c, d, e, 0x8cc70208u + x59);
  lane_t x60 = s1(x58) + x53 + s0(x45) + x44;
  /* Round 60 (roles: e holds a ... d holds h), only its new e: H7 = e + IV7. */
  const lane_t h7 = h + d + S1(a) + CH(a, b, c) + 0x90befffau + x60 + 0x5be0cd19u;

  const mask_t candidate =
      (BSWAP(h7) <= (lane_t)(job[JOB_TARGET_TOP])) & (offset < (lane_t)(count));
  if (ANY(candidate)) {
    uint lanes[BTR_LANES];
    STORE_MASK(candidate, lanes);
    for (uint i = 0; i < BTR_LANES; ++i) {
      if (lanes[i] != 0u) {
        const uint slot = atomic_inc(&results[0]);
        if (slot < capacity) results[1u + slot] = first + offset0 + i;
      }
    }
  }
}
