// The scan driver: version rolling, false-hit accounting, dispatch and self-test, threads and
// cancellation.

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <random>
#include <set>
#include <thread>

#include "kernels/cpu/cpu_dispatch.h"
#include "kernels/parallel_scanner.h"
#include "kernels/scan.h"
#include "test/common/test_util.h"
#include "test/kernels/kernel_test_util.h"

using namespace btr;
using namespace btr::kernels;
using namespace btr::kernels::testing;

namespace {

const cpu::CpuBackendInfo& best_backend() {
  auto sel = cpu::select_backend({"", 0});
  REQUIRE(sel.ok());
  return *sel->selected;
}

BackendFactory factory_for(const cpu::CpuBackendInfo& info) {
  return [&info] { return cpu::make_backend(info); };
}

// Reports every nonce of the batch as a candidate, true or not.
uint64_t lying_scan(const ScanConstants&, uint32_t first, uint64_t count, CandidateBuffer& out) {
  for (uint64_t i = 0; i < count; ++i) {
    out.nonces[out.size++] = first + static_cast<uint32_t>(i);
    if (out.full()) return i + 1;
  }
  return count;
}

// Reports nothing.
uint64_t blind_scan(const ScanConstants&, uint32_t, uint64_t count, CandidateBuffer&) {
  return count;
}

}  // namespace

TEST_CASE("rolled_version keeps the bits outside the mask and counts inside it") {
  CHECK(rolled_version(0x20000000, kDefaultVersionMask, 0) == 0x20000000);
  CHECK(rolled_version(0x20000000, kDefaultVersionMask, 1) == 0x20002000);
  CHECK(rolled_version(0x20000000, kDefaultVersionMask, 2) == 0x20004000);
  CHECK(rolled_version(0x3fffe000, kDefaultVersionMask, 1) == 0x20000000);  // wraps
  CHECK(version_space(kDefaultVersionMask) == 65536);
  std::set<uint32_t> seen;
  for (uint64_t k = 0; k < 65536; ++k) {
    const uint32_t v = rolled_version(0x20000004, kDefaultVersionMask, k);
    CHECK((v & ~kDefaultVersionMask) == 0x20000004u);
    seen.insert(v);
  }
  CHECK(seen.size() == 65536);
}

TEST_CASE("version rolling: hits carry versions within the mask and re-hash correctly") {
  std::mt19937_64 rng(btr::test::seed() ^ 0x9abc);
  core::HeaderBytes h = random_header(rng);
  h[0] = 0x00, h[1] = 0x00, h[2] = 0x00, h[3] = 0x20;  // version 0x20000000
  const core::Uint256 target = core::Uint256::max() >> 5;
  const auto& info = best_backend();
  cpu::CpuScanBackend backend(info);
  ScanJob job;
  job.header = h;
  job.target = target;
  job.nonce_first = 4000;
  job.nonce_end = 4300;
  job.version_mask = kDefaultVersionMask;
  job.version_first = 3;
  job.version_count = 6;
  const ScanResult r = scan(backend, job);
  CHECK(r.hashes == 6 * 300);
  std::set<std::pair<uint32_t, uint32_t>> got;
  for (const auto& hit : r.hits) {
    CHECK((hit.version & ~kDefaultVersionMask) == 0x20000000u);
    CHECK(core::sha256d(with_version_nonce(h, hit.version, hit.nonce)) == hit.hash);
    CHECK(core::Uint256::from_hash(hit.hash) <= target);
    got.insert({hit.version, hit.nonce});
  }
  std::set<std::pair<uint32_t, uint32_t>> want;
  for (uint64_t k = 3; k < 9; ++k) {
    const uint32_t v = rolled_version(0x20000000, kDefaultVersionMask, k);
    for (uint32_t n : reference_hits(h, v, target, 4000, 4300)) want.insert({v, n});
  }
  CHECK(got == want);
  CHECK(!want.empty());
}

TEST_CASE("false hits are counted and reported, never returned as hits") {
  std::mt19937_64 rng(btr::test::seed() ^ 0xdef0);
  const core::HeaderBytes h = random_header(rng);
  const cpu::CpuBackendInfo liar{"liar", lying_scan, [] { return true; }, 4096};
  cpu::CpuScanBackend backend(liar);
  ScanJob job;
  job.header = h;
  job.target = core::Uint256::max() >> 8;  // about 1 in 256 meets it
  job.nonce_first = 0;
  job.nonce_end = 3000;
  uint64_t reported = 0;
  ScanOptions options;
  options.on_false_hit = [&](const FalseHit& f) {
    CHECK(f.backend == "liar");
    ++reported;
  };
  const ScanResult r = scan(backend, job, options);
  const auto want = reference_hits(h, header_version(h), job.target, 0, 3000);
  CHECK(r.hits.size() == want.size());
  CHECK(r.false_hits > 2000);
  CHECK(reported == r.false_hits);
}

TEST_CASE("a failing backend stops the scan and is reported") {
  const cpu::CpuBackendInfo broken{
      "broken",
      [](const ScanConstants&, uint32_t, uint64_t, CandidateBuffer&) -> uint64_t { return 0; },
      [] { return true; }, 4096};
  cpu::CpuScanBackend backend(broken);
  ScanJob job;
  job.target = core::Uint256::max();
  job.nonce_end = 100;
  const ScanResult r = scan(backend, job);
  CHECK(r.backend_failed);
  CHECK(r.hashes == 0);
  CHECK(r.hits.empty());
  const ScanResult ok = scan_parallel(factory_for(best_backend()), 2, job);
  CHECK_FALSE(ok.backend_failed);
  CHECK(ok.hits.size() == 100);
}

TEST_CASE("self-test rejects broken kernels and dispatch never selects them") {
  CHECK_FALSE(cpu::self_test(lying_scan).ok());
  CHECK_FALSE(cpu::self_test(blind_scan).ok());
  CHECK(cpu::self_test(cpu::scan_portable).ok());
  auto sel = cpu::select_backend({"", 0.01});
  REQUIRE(sel.ok());
  for (const auto& r : sel->reports) {
    MESSAGE(r.name << ": supported=" << r.cpu_supported << " passed=" << r.self_test_passed
                   << " mhs=" << r.mhs << " " << r.reason);
    if (r.name == sel->selected->name) CHECK(r.self_test_passed);
    if (!r.cpu_supported) CHECK(!r.reason.empty());
  }
  auto portable = cpu::select_backend({"portable", 0});
  REQUIRE(portable.ok());
  CHECK(std::string(portable->selected->name) == "portable");
  CHECK_FALSE(cpu::select_backend({"no-such-backend", 0}).ok());
}

TEST_CASE("nonce slices cover the range exactly, without overlap") {
  const std::pair<uint64_t, uint64_t> ranges[] = {{0, kNonceSpace}, {5, 5}, {7, 8}, {3, 1003}};
  for (const auto& [first, end] : ranges) {
    for (unsigned n = 1; n <= 7; ++n) {
      uint64_t expect = first;
      for (unsigned i = 0; i < n; ++i) {
        const NonceSlice s = nonce_slice(first, end, i, n);
        CHECK(s.first == expect);
        CHECK(s.end >= s.first);
        expect = s.end;
      }
      CHECK(expect == end);
    }
  }
}

TEST_CASE("parallel scan finds the same hits as one thread") {
  std::mt19937_64 rng(btr::test::seed() ^ 0x1357);
  const core::HeaderBytes h = random_header(rng);
  ScanJob job;
  job.header = h;
  job.target = core::Uint256::max() >> 7;
  job.nonce_first = static_cast<uint32_t>(kNonceSpace - 20011);
  job.nonce_end = kNonceSpace;
  const auto want =
      reference_hits(h, header_version(h), job.target, job.nonce_first, job.nonce_end);
  const auto& info = best_backend();
  for (unsigned threads : {1u, 2u, 3u, 5u}) {
    const ScanResult r = scan_parallel(factory_for(info), threads, job);
    std::vector<uint32_t> got;
    for (const auto& hit : r.hits) got.push_back(hit.nonce);
    std::sort(got.begin(), got.end());
    CHECK(got == want);
    CHECK(r.hashes == 20011);
    CHECK_FALSE(r.cancelled);
  }
}

TEST_CASE("a new job replaces a running 2^32 scan on every thread") {
  const auto& info = best_backend();
  ParallelScanner scanner(factory_for(info), 2);
  std::mt19937_64 rng(btr::test::seed() ^ 0x2468);
  ScanJob big;
  big.header = random_header(rng);
  big.target = core::Uint256(0);  // nothing to find: it would run for minutes
  scanner.submit(big);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(scanner.total_hashes() > 0);

  ScanJob small = big;
  small.target = core::Uint256::max() >> 4;
  small.nonce_first = 0;
  small.nonce_end = 1000;
  const auto start = std::chrono::steady_clock::now();
  scanner.submit(small);
  const ScanResult r = scanner.wait();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  MESSAGE("replaced a 2^32 scan and finished a 1000-nonce job in " << seconds * 1000 << " ms");
  CHECK(r.hashes == 1000);
  CHECK(r.hits.size() ==
        reference_hits(small.header, header_version(small.header), small.target, 0, 1000).size());
  CHECK(seconds < 2.0);  // behaviour bound, generous on a loaded machine
  // The old job is gone from every thread: the hash counter stops moving.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const uint64_t before = scanner.total_hashes();
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  CHECK(scanner.total_hashes() == before);

  scanner.submit(big);
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  scanner.cancel();
  CHECK(scanner.wait().cancelled);
}
