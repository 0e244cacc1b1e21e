// Every CPU backend against core's reference sha256d. Backends that this build lacks or this CPU
// cannot run report themselves skipped.

#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <string>

#include "core/block_header.h"
#include "kernels/cpu/cpu_dispatch.h"
#include "kernels/scan.h"
#include "test/common/test_util.h"
#include "test/kernels/kernel_test_util.h"

using namespace btr;
using namespace btr::kernels;
using namespace btr::kernels::testing;

namespace {

// The backend, or nullptr after reporting the skip.
const cpu::CpuBackendInfo* backend_or_skip(const char* name) {
  const cpu::CpuBackendInfo* info = cpu::find_backend(name);
  if (info == nullptr) {
    MESSAGE("BTR-SKIP: backend " << name << " is not compiled into this build");
    return nullptr;
  }
  if (!info->cpu_supported()) {
    MESSAGE("BTR-SKIP: this CPU cannot run backend " << name);
    return nullptr;
  }
  return info;
}

std::vector<uint32_t> sorted_hits(const ScanResult& r) {
  std::vector<uint32_t> v;
  for (const auto& h : r.hits) v.push_back(h.nonce);
  std::sort(v.begin(), v.end());
  return v;
}

ScanResult scan_range(const cpu::CpuBackendInfo& info, const core::HeaderBytes& h,
                      const core::Uint256& target, uint64_t first, uint64_t end) {
  cpu::CpuScanBackend backend(info);
  ScanJob job;
  job.header = h;
  job.target = target;
  job.nonce_first = static_cast<uint32_t>(first);
  job.nonce_end = end;
  return scan(backend, job);
}

// 10,000 random headers, each over a short range of random start and length (so not a multiple
// of any vector width) at a random easy target; hits must equal the reference's exactly.
void check_random_headers(const cpu::CpuBackendInfo& info) {
  std::mt19937_64 rng(btr::test::seed());
  constexpr int kHeaders = 10000;
  uint64_t total_hits = 0;
  for (int i = 0; i < kHeaders; ++i) {
    const core::HeaderBytes h = random_header(rng);
    const core::Uint256 target = random_uint256(rng) >> static_cast<unsigned>(1 + rng() % 6);
    const uint64_t len = 1 + rng() % 40;
    const uint64_t first = rng() % (kNonceSpace - len + 1);
    const ScanResult r = scan_range(info, h, target, first, first + len);
    const auto want = reference_hits(h, header_version(h), target, first, first + len);
    REQUIRE_MESSAGE(sorted_hits(r) == want, "header " << i << " first " << first << " len " << len);
    CHECK(r.hashes == len);
    CHECK(r.false_hits == 0);
    total_hits += want.size();
  }
  MESSAGE(std::string(info.name) << ": " << kHeaders << " random headers, " << total_hits
                                 << " hits");
  CHECK(total_hits > 0);
}

// The target equal to one nonce's hash: that nonce hits (equality counts), and with target - 1
// it does not. This exercises the comparison below the top word.
void check_exact_target(const cpu::CpuBackendInfo& info) {
  std::mt19937_64 rng(btr::test::seed() ^ 0x1234);
  for (int i = 0; i < 200; ++i) {
    const core::HeaderBytes h = random_header(rng);
    const auto nonce = static_cast<uint32_t>(rng());
    const core::Uint256 value = reference_value(h, header_version(h), nonce);
    const ScanResult at = scan_range(info, h, value, nonce, uint64_t{nonce} + 1);
    REQUIRE(at.hits.size() == 1);
    CHECK(at.hits[0].nonce == nonce);
    CHECK(core::Uint256::from_hash(at.hits[0].hash) == value);
    const ScanResult below =
        scan_range(info, h, value - core::Uint256(1), nonce, uint64_t{nonce} + 1);
    CHECK(below.hits.empty());
  }
}

void check_edges(const cpu::CpuBackendInfo& info) {
  std::mt19937_64 rng(btr::test::seed() ^ 0x5678);
  const core::HeaderBytes h = random_header(rng);
  const core::Uint256 target = core::Uint256::max() >> 3;
  const uint32_t v = header_version(h);
  // Ranges at both ends of the nonce space, with lengths around the vector widths.
  for (uint64_t len : {1, 2, 7, 8, 9, 15, 16, 17, 31, 33, 100}) {
    for (uint64_t first : {uint64_t{0}, kNonceSpace - len, uint64_t{5}, kNonceSpace - len - 3}) {
      const ScanResult r = scan_range(info, h, target, first, first + len);
      CHECK_MESSAGE(sorted_hits(r) == reference_hits(h, v, target, first, first + len),
                    "first " << first << " len " << len);
      CHECK(r.hashes == len);
    }
  }
  // Empty ranges scan nothing.
  for (uint64_t first : {uint64_t{0}, uint64_t{12345}, kNonceSpace - 1}) {
    const ScanResult r = scan_range(info, h, core::Uint256::max(), first, first);
    CHECK(r.hits.empty());
    CHECK(r.hashes == 0);
  }
  // The easiest target: every nonce is a hit, across several candidate-buffer refills.
  const ScanResult all = scan_range(info, h, core::Uint256::max(), 1000, 1000 + 5000);
  CHECK(all.hits.size() == 5000);
  CHECK(all.hashes == 5000);
}

// Targets whose top word is zero (every real difficulty): a backend may then test H7 == 0 only.
// The genesis nonce is the one candidate of a window around it, and stays a candidate (but not
// a hit) when the target is one below its hash. The window starts off any vector alignment.
void check_zero_top_word(const cpu::CpuBackendInfo& info) {
  const core::BlockHeader g = bitcoin_genesis();
  const core::HeaderBytes h = g.serialize();
  const uint32_t nonce = g.nonce;
  const core::Uint256 value = reference_value(h, 1, nonce);
  const core::Uint256 top_word_zero = core::Uint256::max() >> 32;
  for (const core::Uint256& target : {value, top_word_zero}) {
    const ScanResult r = scan_range(info, h, target, nonce - 37, uint64_t{nonce} + 51);
    REQUIRE(r.hits.size() == 1);
    CHECK(r.hits[0].nonce == nonce);
    CHECK(r.candidates == 1);
  }
  const ScanResult below = scan_range(info, h, value - core::Uint256(1), nonce - 5, nonce + 1);
  CHECK(below.hits.empty());
  CHECK(below.candidates == 1);
  CHECK(below.false_hits == 0);
}

void check_backend(const char* name) {
  const cpu::CpuBackendInfo* info = backend_or_skip(name);
  if (info == nullptr) return;
  CHECK(cpu::self_test(info->fn).ok());
  check_random_headers(*info);
  check_exact_target(*info);
  check_edges(*info);
  check_zero_top_word(*info);
}

}  // namespace

TEST_CASE("portable backend matches the reference") {
  check_backend("portable");
}
TEST_CASE("avx2 backend matches the reference") {
  check_backend("avx2");
}
TEST_CASE("avx512 backend matches the reference") {
  check_backend("avx512");
}
TEST_CASE("shani backend matches the reference") {
  check_backend("shani");
}
