// The OpenCL backend on the first OpenCL device (PoCL in CI: the CPU as an OpenCL device) against
// core's reference. One backend is built per test process and shared, because PoCL compiles the
// kernel with LLVM at first use. Without any OpenCL device the cases report BTR-SKIP.
//
// BTR_OPENCL_CACHE_DIR: where the program binary and tuned work size are kept between runs
// (default: a folder under the system temporary directory).
// BTR_BENCH_SECONDS: makes the benchmark case measure MH/s for that long, next to the best CPU
// backend on all cores (skipped otherwise).

#include <doctest/doctest.h>

#include "test/common/test_util.h"

#if !defined(BTR_HAVE_OPENCL)

TEST_CASE("opencl: backend") {
  MESSAGE("BTR-SKIP: this build has no OpenCL support");
}

#else

#include <nlohmann/json.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <set>
#include <thread>

#include <sys/resource.h>
#include <unistd.h>

#include "core/hex.h"
#include "core/pow.h"
#include "kernels/cpu/cpu_dispatch.h"
#include "kernels/opencl/cl_devices.h"
#include "kernels/opencl/opencl_backend.h"
#include "kernels/parallel_scanner.h"
#include "kernels/scan.h"
#include "test/kernels/kernel_test_util.h"

using namespace btr;
using namespace btr::kernels;

namespace {

std::filesystem::path test_cache_dir() {
  if (const char* dir = std::getenv("BTR_OPENCL_CACHE_DIR"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  return std::filesystem::temp_directory_path() / "btr-test-opencl-cache";
}

struct Shared {
  bool has_device = false;
  std::string error;
  std::unique_ptr<opencl::OpenClBackend> backend;
};

// Opened once per process. No device at all is a skip; a device that fails to open is a failure.
Shared& shared() {
  static Shared s = [] {
    Shared out;
    out.has_device = !opencl::enumerate_devices().empty();
    if (!out.has_device) return out;
    opencl::OpenClOptions options;
    options.cache_dir = test_cache_dir();
    auto backend = opencl::OpenClBackend::open(0, options);
    if (backend) {
      out.backend = std::move(*backend);
    } else {
      out.error = backend.error();
    }
    return out;
  }();
  return s;
}

#define REQUIRE_OPENCL_BACKEND(var)                    \
  if (!shared().has_device) {                          \
    MESSAGE("BTR-SKIP: no OpenCL platform or device"); \
    return;                                            \
  }                                                    \
  INFO("opening opencl:0: " << shared().error);        \
  REQUIRE(shared().backend != nullptr);                \
  opencl::OpenClBackend& var = *shared().backend

std::vector<uint32_t> hit_nonces(const ScanResult& r) {
  std::vector<uint32_t> out;
  for (const ScanHit& h : r.hits) out.push_back(h.nonce);
  std::sort(out.begin(), out.end());
  return out;
}

// A window of 2^17 nonces around the known nonce at the header's real target: exactly that nonce.
void check_known_nonce(opencl::OpenClBackend& backend, const core::HeaderBytes& header,
                       const std::string& display_hash) {
  const core::BlockHeader parsed = *core::BlockHeader::parse(header);
  ScanJob job;
  job.header = header;
  job.target = core::decode_compact(parsed.bits).target;
  job.nonce_first = parsed.nonce >= (1u << 16) ? parsed.nonce - (1u << 16) : 0;
  job.nonce_end = std::min<uint64_t>(uint64_t{parsed.nonce} + (1u << 16), kNonceSpace);
  const ScanResult r = scan(backend, job);
  REQUIRE(r.hits.size() == 1);
  CHECK(r.hits[0].nonce == parsed.nonce);
  CHECK(r.hits[0].hash.to_display_hex() == display_hash);
  CHECK(r.hashes == job.nonce_end - job.nonce_first);
  CHECK(r.false_hits == 0);
}

}  // namespace

TEST_CASE("opencl: device opens, passes its self-test and reports its work size") {
  REQUIRE_OPENCL_BACKEND(backend);
  CHECK(backend.healthy());
  CHECK(backend.work_size().chunk > 0);
  CHECK(backend.name() == "opencl:0");
  MESSAGE("device: " << backend.device().device_name << " (" << backend.device().platform_name
                     << "), chunk " << backend.work_size().chunk << ", local "
                     << backend.work_size().local);
}

TEST_CASE("opencl: Bitcoin genesis header, the known nonce and only it") {
  REQUIRE_OPENCL_BACKEND(backend);
  check_known_nonce(backend, testing::bitcoin_genesis().serialize(),
                    "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
}

TEST_CASE("opencl: real headers, the known nonce and only it") {
  BTR_REQUIRE_VECTORS(dir);
  REQUIRE_OPENCL_BACKEND(backend);
  const auto entries =
      nlohmann::json::parse(btr::test::read_file(dir / "bitcoin" / "headers.json"));
  int checked = 0;
  for (const auto& e : entries) {
    const auto bytes = core::from_hex(e.at("header_hex").get<std::string>());
    REQUIRE(bytes.ok());
    REQUIRE(bytes->size() == core::kHeaderSize);
    core::HeaderBytes header{};
    std::copy(bytes->begin(), bytes->end(), header.begin());
    INFO("height " << e.at("height").get<int>());
    check_known_nonce(backend, header, e.at("hash").get<std::string>());
    ++checked;
  }
  MESSAGE("checked " << checked << " real headers");
  CHECK(checked >= 5);
}

TEST_CASE("opencl: 10,000 random headers at easy targets match the reference") {
  REQUIRE_OPENCL_BACKEND(backend);
  std::mt19937_64 rng(btr::test::seed() + 4);
  constexpr int kHeaders = 10000;
  int mismatches = 0;
  uint64_t hits = 0;
  uint64_t false_hits = 0;
  for (int n = 0; n < kHeaders; ++n) {
    ScanJob job;
    job.header = testing::random_header(rng);
    // Top target word from 2^25 to 2^30 plus random low words: about one nonce in 4 to 128
    // is a candidate and hits and near misses both occur.
    job.target = testing::random_uint256(rng) >> static_cast<unsigned>(2 + rng() % 6);
    // Unaligned ranges of 1..67 nonces, some at either end of the nonce space.
    const uint64_t count = 1 + rng() % 67;
    const int where = n % 4;
    job.nonce_first = where == 0   ? 0
                      : where == 1 ? static_cast<uint32_t>(kNonceSpace - count)
                                   : static_cast<uint32_t>(rng());
    job.nonce_end = std::min<uint64_t>(uint64_t{job.nonce_first} + count, kNonceSpace);
    const ScanResult r = scan(backend, job);
    const auto want = testing::reference_hits(job.header, testing::header_version(job.header),
                                              job.target, job.nonce_first, job.nonce_end);
    if (hit_nonces(r) != want || r.hashes != job.nonce_end - job.nonce_first) ++mismatches;
    hits += r.hits.size();
    false_hits += r.false_hits;
  }
  CHECK(mismatches == 0);
  CHECK(false_hits == 0);
  CHECK(hits > 0);
  CHECK(backend.healthy());
  MESSAGE("checked " << kHeaders << " random headers, " << hits << " hits");
}

TEST_CASE("opencl: the one-nonce-per-work-item (GPU) variant matches the reference") {
  REQUIRE_OPENCL_BACKEND(backend);
  // GPUs get the kernel with BTR_LANES=1; build it for this device too, so CI checks it.
  opencl::OpenClOptions options;
  options.cache_dir = test_cache_dir();
  options.lanes = 1;
  auto scalar = opencl::OpenClBackend::open(0, options);
  REQUIRE_MESSAGE(scalar.ok(), (scalar.ok() ? "" : scalar.error()));
  REQUIRE((*scalar)->lanes() == 1);
  CHECK(backend.lanes() == (backend.device().is_cpu ? 16u : 1u));
  check_known_nonce(**scalar, testing::bitcoin_genesis().serialize(),
                    "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
  std::mt19937_64 rng(btr::test::seed() + 7);
  int mismatches = 0;
  constexpr int kHeaders = 2000;
  for (int n = 0; n < kHeaders; ++n) {
    ScanJob job;
    job.header = testing::random_header(rng);
    job.target = testing::random_uint256(rng) >> static_cast<unsigned>(2 + rng() % 6);
    job.nonce_first =
        n % 2 == 0 ? static_cast<uint32_t>(kNonceSpace - 40) : static_cast<uint32_t>(rng());
    job.nonce_end = std::min<uint64_t>(uint64_t{job.nonce_first} + 40, kNonceSpace);
    const ScanResult r = scan(**scalar, job);
    const auto want = testing::reference_hits(job.header, testing::header_version(job.header),
                                              job.target, job.nonce_first, job.nonce_end);
    if (hit_nonces(r) != want || r.false_hits != 0) ++mismatches;
  }
  CHECK(mismatches == 0);
  MESSAGE("checked " << kHeaders << " random headers with one nonce per work-item");
}

TEST_CASE("opencl: every nonce a hit overflows the result buffers without losing any") {
  REQUIRE_OPENCL_BACKEND(backend);
  ScanJob job;
  std::mt19937_64 rng(btr::test::seed() + 5);
  job.header = testing::random_header(rng);
  job.target = core::Uint256::max();
  job.nonce_first = static_cast<uint32_t>(kNonceSpace - 5000);  // ends at 2^32
  const ScanResult r = scan(backend, job);
  CHECK(r.hits.size() == 5000);
  CHECK(r.hashes == 5000);
  const auto got = hit_nonces(r);
  CHECK(std::set<uint32_t>(got.begin(), got.end()).size() == 5000);
  CHECK(got.front() == job.nonce_first);
  CHECK(got.back() == 0xffffffffu);
}

TEST_CASE("opencl: a multi-batch scan with version rolling matches the best CPU backend") {
  REQUIRE_OPENCL_BACKEND(backend);
  auto selection = cpu::select_backend({.override_name = {}, .measure_seconds = 0});
  REQUIRE(selection.ok());
  cpu::CpuScanBackend cpu_backend(*selection->selected);
  std::mt19937_64 rng(btr::test::seed() + 6);
  for (int round = 0; round < 2; ++round) {
    ScanJob job;
    job.header = testing::random_header(rng);
    job.target = core::Uint256::max() >> 12;  // one nonce in 4096
    job.nonce_first = static_cast<uint32_t>(rng());
    // Three and a half batches: speculative chunks are used, then dropped at the job's end.
    job.nonce_end = std::min<uint64_t>(job.nonce_first + backend.batch_size() * 7 / 2, kNonceSpace);
    job.version_mask = kDefaultVersionMask;
    job.version_count = 2;
    const ScanResult gpu = scan(backend, job);
    const ScanResult cpu = scan(cpu_backend, job);
    CHECK(gpu.hashes == cpu.hashes);
    CHECK(gpu.candidates == cpu.candidates);
    CHECK(gpu.false_hits == 0);
    REQUIRE(gpu.hits.size() == cpu.hits.size());
    auto key = [](const ScanHit& h) { return uint64_t{h.version} << 32 | h.nonce; };
    std::set<uint64_t> a;
    std::set<uint64_t> b;
    for (const auto& h : gpu.hits) a.insert(key(h));
    for (const auto& h : cpu.hits) b.insert(key(h));
    CHECK(a == b);
    MESSAGE("job " << round << ": " << gpu.hashes << " nonces, " << gpu.hits.size() << " hits");
  }
}

TEST_CASE("opencl: the binary and the tuned work size are stored and found again") {
  REQUIRE_OPENCL_BACKEND(backend);
  // A private cache, so parallel test processes cannot interfere. The program binaries of the
  // shared cache are copied in (compiling again would only cost time); the work size is not, so
  // the first backend below measures and stores it, and the second must find both.
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("btr-test-opencl-cache-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  for (const auto& entry : std::filesystem::directory_iterator(test_cache_dir())) {
    if (entry.path().extension() == ".bin") {
      std::filesystem::copy_file(entry.path(), dir / entry.path().filename());
    }
  }
  opencl::OpenClOptions options;
  options.cache_dir = dir;
  CHECK(opencl::remembered_work_size(backend.device(), options).chunk == 0);
  auto first = opencl::OpenClBackend::open(0, options);
  REQUIRE_MESSAGE(first.ok(), (first.ok() ? "" : first.error()));
  const uint32_t chunk = (*first)->work_size().chunk;
  CHECK(opencl::remembered_work_size(backend.device(), options).chunk == chunk);
  auto second = opencl::OpenClBackend::open(0, options);
  REQUIRE_MESSAGE(second.ok(), (second.ok() ? "" : second.error()));
  CHECK((*second)->program_from_cache());
  CHECK((*second)->work_size().chunk == chunk);
  // A corrupt binary is rebuilt from source, not an error.
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".bin") {
      std::ofstream(entry.path(), std::ios::trunc) << "not a program binary";
    }
  }
  auto third = opencl::OpenClBackend::open(0, options);
  REQUIRE_MESSAGE(third.ok(), (third.ok() ? "" : third.error()));
  CHECK_FALSE((*third)->program_from_cache());
  std::filesystem::remove_all(dir);
}

TEST_CASE("opencl: bad device index is refused with a reason") {
  REQUIRE_OPENCL_BACKEND(backend);
  CHECK(backend.healthy());
  auto none = opencl::OpenClBackend::open(999, {});
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().find("no such device") != std::string::npos);
}

namespace {

// Process CPU time (all threads), so rates can be compared per core-second on a busy machine.
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

struct Rate {
  double mhs = 0;           // wall-clock rate
  double mh_per_cpu_s = 0;  // per CPU-second (per core when the machine is busy)
};

// Runs `run` (which must stop once `generation` changes) for `seconds`; returns its rate.
template <class Run>
Rate measure(double seconds, Run run) {
  std::atomic<uint64_t> generation{0};
  const double cpu0 = cpu_seconds();
  const auto start = std::chrono::steady_clock::now();
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    generation.store(1);
  });
  const uint64_t hashes = run(generation);
  stopper.join();
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu = cpu_seconds() - cpu0;
  return {static_cast<double>(hashes) / wall / 1e6, static_cast<double>(hashes) / cpu / 1e6};
}

ScanJob bench_job() {
  ScanJob job;
  job.header = testing::bitcoin_genesis().serialize();
  job.target = core::decode_compact(0x1d00ffff).target;
  job.version_mask = kDefaultVersionMask;
  job.version_count = 1u << 16;
  return job;
}

}  // namespace

// Not a correctness test: BTR_BENCH_SECONDS=3 ./btr_test_kernels -tc='opencl: benchmark*'
// prints the OpenCL rate next to the best CPU backend on all cores, measured back to back.
TEST_CASE("opencl: benchmark against the best CPU backend (BTR_BENCH_SECONDS)") {
  const char* env = std::getenv("BTR_BENCH_SECONDS");
  if (env == nullptr || *env == '\0') {
    MESSAGE("BTR-SKIP: set BTR_BENCH_SECONDS to measure the OpenCL backend");
    return;
  }
  REQUIRE_OPENCL_BACKEND(backend);
  const double seconds = std::max(0.1, std::atof(env));
  uint64_t false_hits = 0;
  const Rate gpu = measure(seconds, [&](const std::atomic<uint64_t>& generation) {
    ScanOptions options;
    options.cancel = {&generation, 0};
    const ScanResult r = scan(backend, bench_job(), options);
    false_hits += r.false_hits;
    return r.hashes;
  });
  auto selection = cpu::select_backend();
  REQUIRE(selection.ok());
  const cpu::CpuBackendInfo& best = *selection->selected;
  const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
  const Rate cpu_rate = measure(seconds, [&](const std::atomic<uint64_t>& generation) {
    ParallelScanner scanner([&] { return cpu::make_backend(best); }, threads);
    scanner.submit(bench_job());
    while (generation.load() == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    scanner.cancel();
    const ScanResult r = scanner.wait();
    false_hits += r.false_hits;
    return scanner.total_hashes();
  });
  CHECK(false_hits == 0);
  CHECK(gpu.mhs > 0);
  MESSAGE("opencl:0 " << backend.device().device_name << " (chunk " << backend.work_size().chunk
                      << ", local " << backend.work_size().local << "): " << gpu.mhs << " MH/s, "
                      << gpu.mh_per_cpu_s << " MH per CPU-second");
  MESSAGE("cpu " << std::string(best.name) << " x" << threads << " threads: " << cpu_rate.mhs
                 << " MH/s, " << cpu_rate.mh_per_cpu_s << " MH per CPU-second");
  MESSAGE("opencl / cpu: " << gpu.mhs / cpu_rate.mhs << " (wall), "
                           << gpu.mh_per_cpu_s / cpu_rate.mh_per_cpu_s << " (per CPU-second)");
}

#endif
