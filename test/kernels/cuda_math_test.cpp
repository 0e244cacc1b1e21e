// The CUDA kernel's arithmetic (kernels/cuda/sha256d_math.h, __host__ __device__ functions)
// compiled by g++ and checked against core's reference. This runs everywhere, GPU or not: it is
// the same source nvcc compiles into the kernel.

#include <doctest/doctest.h>

#include <random>

#include "core/crypto/sha256.h"
#include "core/pow.h"
#include "kernels/cuda/sha256d_math.h"
#include "kernels/scan.h"
#include "test/common/test_util.h"
#include "test/kernels/kernel_test_util.h"

using namespace btr;
using namespace btr::kernels;
namespace cm = btr::kernels::cuda_math;

namespace {

uint32_t be_word(const core::Hash256& h, int i) {
  return core::read_be32(h.data() + 4 * i);
}

uint32_t le_top_word(const core::Hash256& h) {
  return uint32_t{h.bytes[28]} | uint32_t{h.bytes[29]} << 8 | uint32_t{h.bytes[30]} << 16 |
         uint32_t{h.bytes[31]} << 24;
}

}  // namespace

TEST_CASE("cuda math: round constants and initial state are SHA-256's") {
  for (int i = 0; i < 64; ++i) CHECK(cm::round_k(i) == core::kSha256K[i]);
  for (int i = 0; i < 8; ++i) CHECK(cm::initial_state(i) == core::kSha256Init[i]);
  CHECK(cm::rotr(0x80000001u, 1) == 0xc0000000u);
  CHECK(cm::bswap(0x11223344u) == 0x44332211u);
}

TEST_CASE("cuda math: both hashes match the reference on 10,000 random headers") {
  std::mt19937_64 rng(btr::test::seed());
  constexpr int kHeaders = 10000;
  int mismatches = 0;
  for (int n = 0; n < kHeaders; ++n) {
    const core::HeaderBytes header = testing::random_header(rng);
    const auto version = static_cast<uint32_t>(rng());
    const auto nonce = static_cast<uint32_t>(rng());
    const ScanConstants c = make_scan_constants(header, version, testing::random_uint256(rng));
    const core::HeaderBytes full = testing::with_version_nonce(header, version, nonce);

    uint32_t h1[8];
    cm::first_hash(c, cm::bswap(nonce), h1);
    const core::Hash256 first = core::sha256(full);
    uint32_t h2[8];
    cm::second_hash_full(h1, h2);
    const core::Hash256 second = core::sha256d(full);
    bool ok = true;
    for (int i = 0; i < 8; ++i)
      ok = ok && h1[i] == be_word(first, i) && h2[i] == be_word(second, i);
    ok = ok && cm::second_hash_h7(h1) == h2[7];
    ok = ok && cm::hash_top_word(c, nonce) == le_top_word(second);
    if (!ok) ++mismatches;
  }
  CHECK(mismatches == 0);
  MESSAGE("checked " << kHeaders << " random headers");
}

TEST_CASE("cuda math: candidates of random ranges at easy targets match the reference") {
  std::mt19937_64 rng(btr::test::seed() + 1);
  int ranges = 0;
  uint64_t candidates = 0;
  for (int n = 0; n < 200; ++n) {
    const core::HeaderBytes header = testing::random_header(rng);
    const uint32_t version = testing::header_version(header);
    // Top target word between 2^26 and 2^30: about one nonce in 4 to 64 is a candidate.
    const core::Uint256 target = core::Uint256::max() >> static_cast<unsigned>(2 + rng() % 5);
    const ScanConstants c = make_scan_constants(header, version, target);
    // Ranges at both ends of the nonce space and in between.
    const uint64_t first = n % 3 == 0 ? 0 : n % 3 == 1 ? kNonceSpace - 64 : rng() % (1u << 31);
    for (uint64_t i = first; i < first + 64; ++i) {
      const auto nonce = static_cast<uint32_t>(i);
      const core::Hash256 h = core::sha256d(testing::with_version_nonce(header, version, nonce));
      const bool want = le_top_word(h) <= c.target_top;
      CHECK(cm::is_candidate(c, nonce) == want);
      candidates += want ? 1 : 0;
    }
    ++ranges;
  }
  MESSAGE("checked " << ranges << " ranges of 64 nonces, " << candidates << " candidates");
  CHECK(candidates > 0);
}

TEST_CASE("cuda math: the Bitcoin genesis nonce is a candidate at the real target") {
  const core::BlockHeader g = testing::bitcoin_genesis();
  const ScanConstants c =
      make_scan_constants(g.serialize(), 1, core::decode_compact(g.bits).target);
  CHECK(cm::hash_top_word(c, g.nonce) == 0);
  CHECK(cm::is_candidate(c, g.nonce));
  CHECK_FALSE(cm::is_candidate(c, g.nonce + 1));
}
