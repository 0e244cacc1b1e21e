// The CUDA backend on cuda:0 against core's reference. Needs an NVIDIA GPU: without a driver or
// device (CI) the cases report BTR-SKIP; the kernel's arithmetic is still covered there by
// cuda_math_test.cpp.

#include <doctest/doctest.h>

#include "test/common/test_util.h"

#if !defined(BTR_HAVE_CUDA)

TEST_CASE("cuda: backend") {
  MESSAGE("BTR-SKIP: this build has no CUDA support");
}

#else

#include <algorithm>
#include <memory>
#include <random>
#include <set>

#include "core/pow.h"
#include "kernels/cuda/cuda_backend.h"
#include "kernels/scan.h"
#include "test/kernels/kernel_test_util.h"

using namespace btr;
using namespace btr::kernels;

namespace {

struct Shared {
  bool has_device = false;
  std::string error;
  std::unique_ptr<ScanBackend> backend;
  cuda::CudaBackendInfo info;
};

Shared& shared() {
  static Shared s = [] {
    Shared out;
    out.has_device = !cuda::enumerate_devices().empty();
    if (!out.has_device) return out;
    auto backend = cuda::open_backend(0, {}, &out.info);
    if (backend) {
      out.backend = std::move(*backend);
    } else {
      out.error = backend.error();
    }
    return out;
  }();
  return s;
}

#define REQUIRE_CUDA_BACKEND(var)                  \
  if (!shared().has_device) {                      \
    MESSAGE("BTR-SKIP: no CUDA driver or device"); \
    return;                                        \
  }                                                \
  INFO("opening cuda:0: " << shared().error);      \
  REQUIRE(shared().backend != nullptr);            \
  ScanBackend& var = *shared().backend

std::vector<uint32_t> hit_nonces(const ScanResult& r) {
  std::vector<uint32_t> out;
  for (const ScanHit& h : r.hits) out.push_back(h.nonce);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("cuda: Bitcoin genesis header, the known nonce and only it") {
  REQUIRE_CUDA_BACKEND(backend);
  MESSAGE("cuda:0 chunk " << shared().info.chunk << ", blocks " << shared().info.blocks);
  const core::BlockHeader g = testing::bitcoin_genesis();
  ScanJob job;
  job.header = g.serialize();
  job.target = core::decode_compact(g.bits).target;
  job.nonce_first = g.nonce - (1u << 24);
  job.nonce_end = uint64_t{g.nonce} + (1u << 24);
  const ScanResult r = scan(backend, job);
  REQUIRE(r.hits.size() == 1);
  CHECK(r.hits[0].nonce == g.nonce);
  CHECK(r.hits[0].hash.to_display_hex() ==
        "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
  CHECK(r.false_hits == 0);
}

TEST_CASE("cuda: 10,000 random headers at easy targets match the reference") {
  REQUIRE_CUDA_BACKEND(backend);
  std::mt19937_64 rng(btr::test::seed() + 14);
  constexpr int kHeaders = 10000;
  int mismatches = 0;
  uint64_t hits = 0;
  for (int n = 0; n < kHeaders; ++n) {
    ScanJob job;
    job.header = testing::random_header(rng);
    job.target = testing::random_uint256(rng) >> static_cast<unsigned>(2 + rng() % 6);
    const uint64_t count = 1 + rng() % 67;
    const int where = n % 4;
    job.nonce_first = where == 0   ? 0
                      : where == 1 ? static_cast<uint32_t>(kNonceSpace - count)
                                   : static_cast<uint32_t>(rng());
    job.nonce_end = std::min<uint64_t>(uint64_t{job.nonce_first} + count, kNonceSpace);
    const ScanResult r = scan(backend, job);
    const auto want = testing::reference_hits(job.header, testing::header_version(job.header),
                                              job.target, job.nonce_first, job.nonce_end);
    if (hit_nonces(r) != want || r.false_hits != 0) ++mismatches;
    hits += r.hits.size();
  }
  CHECK(mismatches == 0);
  CHECK(hits > 0);
  MESSAGE("checked " << kHeaders << " random headers, " << hits << " hits");
}

TEST_CASE("cuda: every nonce a hit overflows the result buffers without losing any") {
  REQUIRE_CUDA_BACKEND(backend);
  std::mt19937_64 rng(btr::test::seed() + 15);
  ScanJob job;
  job.header = testing::random_header(rng);
  job.target = core::Uint256::max();
  job.nonce_first = static_cast<uint32_t>(kNonceSpace - 5000);
  const ScanResult r = scan(backend, job);
  const auto got = hit_nonces(r);
  CHECK(got.size() == 5000);
  CHECK(std::set<uint32_t>(got.begin(), got.end()).size() == 5000);
  CHECK(r.hashes == 5000);
}

#endif
