#include "tools/bench/bench_measure.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <thread>

#include <time.h>

#include "core/cpu_features.h"
#include "core/crypto/sha256.h"

namespace btr::tools::bench {
namespace {

using Clock = std::chrono::steady_clock;

double cpu_seconds(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

kernels::ScanJob endless_job(unsigned run) {
  kernels::ScanJob job;
  for (size_t i = 0; i < job.header.size(); ++i) {
    job.header[i] = static_cast<uint8_t>(i * 29 + run * 7 + 3);
  }
  job.target = core::Uint256(0);  // no hash meets it: the scan runs until replaced
  return job;
}

// Dependent vector adds (paddd) complete one per cycle on every x86-64 core, so their rate in
// thread CPU time is the clock the thread ran at (turbo included). Not general-register adds:
// recent Intel cores fold chains of add-immediate at rename. Each try is one long stretch with
// two clock reads (in a VM, reading the thread clock is slow enough to skew short slices), and
// the fastest of three counts: interference only ever makes a try look slower.
std::optional<double> dependent_add_mhz() {
#if defined(__x86_64__)
  constexpr long kLoops = 25'000'000;  // 8 adds each: about 50 ms at 4 GHz
  double best = 0;
  for (int attempt = 0; attempt < 3; ++attempt) {
    const double t0 = cpu_seconds(CLOCK_THREAD_CPUTIME_ID);
    for (long i = 0; i < kLoops; ++i) {
      __asm__ volatile(
          "paddd %%xmm1, %%xmm0\n\tpaddd %%xmm1, %%xmm0\n\tpaddd %%xmm1, %%xmm0\n\t"
          "paddd %%xmm1, %%xmm0\n\tpaddd %%xmm1, %%xmm0\n\tpaddd %%xmm1, %%xmm0\n\t"
          "paddd %%xmm1, %%xmm0\n\tpaddd %%xmm1, %%xmm0" ::
              : "xmm0", "xmm1");
    }
    const double elapsed = cpu_seconds(CLOCK_THREAD_CPUTIME_ID) - t0;
    if (elapsed > 0) best = std::max(best, 8.0 * kLoops / elapsed / 1e6);
  }
  if (best <= 0) return std::nullopt;
  return best;
#else
  return std::nullopt;
#endif
}

}  // namespace

std::optional<double> load_average() {
  std::ifstream in("/proc/loadavg");
  double one_minute = 0;
  if (!(in >> one_minute)) return std::nullopt;
  return one_minute;
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double RateSample::median_mhs() const {
  return median(mhs);
}
double RateSample::median_mhs_cpu() const {
  return median(mhs_cpu);
}
double RateSample::median_switch_ms() const {
  return median(switch_ms);
}
double RateSample::max_switch_ms() const {
  return switch_ms.empty() ? 0 : *std::max_element(switch_ms.begin(), switch_ms.end());
}

RateSample measure_scan(const kernels::BackendFactory& factory, unsigned threads, double seconds,
                        int runs) {
  RateSample sample;
  kernels::ParallelScanner scanner(factory, threads);
  for (int run = 0; run < runs; ++run) {
    scanner.submit(endless_job(static_cast<unsigned>(run)));
    std::this_thread::sleep_for(std::chrono::milliseconds(30));  // threads up, clocks settled
    const uint64_t h0 = scanner.total_hashes();
    const auto t0 = Clock::now();
    const double c0 = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID);
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    const uint64_t h1 = scanner.total_hashes();
    const double busy = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
    const auto hashes = static_cast<double>(h1 - h0);
    sample.mhs.push_back(hashes / seconds_since(t0) / 1e6);
    sample.mhs_cpu.push_back(busy > 0 ? hashes / busy * threads / 1e6 : 0);

    kernels::ScanJob tiny = endless_job(static_cast<unsigned>(run));
    tiny.nonce_end = threads;  // one nonce per thread
    const auto t1 = Clock::now();
    scanner.submit(tiny);
    (void)scanner.wait();
    sample.switch_ms.push_back(seconds_since(t1) * 1e3);
  }
  return sample;
}

RateSample measure_backend(kernels::ScanBackend& backend, double seconds, int runs) {
  RateSample sample;
  for (int run = 0; run < runs; ++run) {
    kernels::ScanJob job = endless_job(static_cast<unsigned>(run));
    job.version_mask = kernels::kDefaultVersionMask;
    job.version_count = kernels::version_space(job.version_mask);
    std::atomic<uint64_t> generation{0};
    std::atomic<uint64_t> progress{0};
    kernels::ScanOptions options;
    options.cancel = {&generation, 0};
    options.progress = &progress;
    kernels::ScanResult result;
    std::thread worker([&] { result = kernels::scan(backend, job, options); });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));  // first launches settled
    const uint64_t h0 = progress.load();
    const auto t0 = Clock::now();
    const double c0 = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID);
    std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
    const auto hashes = static_cast<double>(progress.load() - h0);
    const double busy = cpu_seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
    sample.mhs.push_back(hashes / seconds_since(t0) / 1e6);
    sample.mhs_cpu.push_back(busy > 0 ? hashes / busy / 1e6 : 0);
    const auto t1 = Clock::now();
    generation.store(1);
    worker.join();
    sample.switch_ms.push_back(seconds_since(t1) * 1e3);
    if (result.backend_failed) throw std::runtime_error(backend.name() + ": device failed");
  }
  return sample;
}

Machine describe_machine() {
  Machine m;
  m.cpu = core::cpu_features().brand;
  m.cores = std::max(1u, std::thread::hardware_concurrency());
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("cpu MHz", 0) != 0) continue;
    const auto colon = line.find(':');
    if (colon == std::string::npos) break;
    try {
      m.mhz = std::stod(line.substr(colon + 1));
    } catch (...) {
      m.mhz.reset();
    }
    break;
  }
  m.measured_mhz = dependent_add_mhz();
  m.load_average = load_average();
  return m;
}

TransformRate core_transform_rate(double seconds) {
  constexpr size_t kBlocks = 64;
  std::array<uint8_t, 64 * kBlocks> data{};
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<uint8_t>(i * 131 + 7);
  std::array<uint32_t, 8> state{};
  std::copy(core::kSha256Init.begin(), core::kSha256Init.end(), state.begin());
  const core::Sha256TransformFn fn = core::sha256_transform();
  uint64_t blocks = 0;
  const double t0 = cpu_seconds(CLOCK_THREAD_CPUTIME_ID);
  double elapsed = 0;
  do {
    fn(state.data(), data.data(), kBlocks);
    blocks += kBlocks;
    elapsed = cpu_seconds(CLOCK_THREAD_CPUTIME_ID) - t0;
  } while (elapsed < seconds);
  // Keep the result observable so the loop is not optimized away.
  if (state[0] == 0x12345678 && state[1] == 0x9abcdef0) std::fputs("", stderr);
  return {core::sha256_backend_name(), static_cast<double>(blocks) / elapsed};
}

std::optional<TransformRate> openssl_rate() {
  // popen is the edge of the tool; a missing binary yields no output, which is handled.
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(
      popen("openssl speed -seconds 1 -bytes 16384 -evp sha256 2>/dev/null", "r"), pclose);
  if (!pipe) return std::nullopt;
  std::string output;
  std::array<char, 512> buf{};
  while (std::fgets(buf.data(), static_cast<int>(buf.size()), pipe.get()) != nullptr) {
    output += buf.data();
  }
  // Result line: "sha256   1345682.29k" (1000s of bytes per second).
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string name, rate;
    if (!(words >> name >> rate) || name != "sha256" || rate.empty() || rate.back() != 'k') {
      continue;
    }
    try {
      const double kbytes = std::stod(rate.substr(0, rate.size() - 1));
      return TransformRate{"openssl speed -evp sha256", kbytes * 1000.0 / 64.0};
    } catch (...) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace btr::tools::bench
