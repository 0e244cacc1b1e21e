// Portable scalar reference of the mining pipeline: one nonce at a time, same shortcuts as the
// vector backends, so it doubles as a check of the shortcuts themselves.

#include "kernels/cpu/cpu_kernels.h"
#include "kernels/cpu/sha256d_lanes.h"

namespace btr::kernels::cpu {
namespace {

struct ScalarOps {
  using R = uint32_t;
  static R set1(uint32_t v) { return v; }
  template <uint32_t V>
  static R constant() {
    return V;
  }
  static R add(R x, R y) { return x + y; }
  static R add3(R x, R y, R z) { return x + y + z; }
  static R rotr(R x, int n) { return (x >> n) | (x << (32 - n)); }
  static R bsig0(R x) { return rotr(x, 2) ^ rotr(x, 13) ^ rotr(x, 22); }
  static R bsig1(R x) { return rotr(x, 6) ^ rotr(x, 11) ^ rotr(x, 25); }
  static R ssig0(R x) { return rotr(x, 7) ^ rotr(x, 18) ^ (x >> 3); }
  static R ssig1(R x) { return rotr(x, 17) ^ rotr(x, 19) ^ (x >> 10); }
  static R ch(R e, R f, R g) { return g ^ (e & (f ^ g)); }
  static R maj(R a, R b, R c) { return (a & b) | (c & (a | b)); }
};

uint32_t bswap(uint32_t x) {
  return (x >> 24) | ((x >> 8) & 0xff00u) | ((x << 8) & 0xff0000u) | (x << 24);
}

}  // namespace

uint64_t scan_portable(const ScanConstants& constants, uint32_t first, uint64_t count,
                       CandidateBuffer& out) {
  for (uint64_t i = 0; i < count; ++i) {
    const uint32_t nonce = first + static_cast<uint32_t>(i);
    uint32_t x[8];
    lanes::first_hash<ScalarOps>(constants, lanes::nonce_words<ScalarOps>(constants, bswap(nonce)),
                                 x);
    const uint32_t h7 = lanes::second_hash_h7<ScalarOps>(x);
    if (bswap(h7) <= constants.target_top) {
      out.nonces[out.size++] = nonce;
      if (out.full()) return i + 1;
    }
  }
  return count;
}

}  // namespace btr::kernels::cpu
