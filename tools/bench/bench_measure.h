#pragma once
// Timing helpers of btr-bench: scan rates, job-switch latency, reference SHA-256 rates and the
// machine description. Tools-only code: it reads /proc and runs `openssl`, which core may not.

#include <optional>
#include <string>
#include <vector>

#include "kernels/parallel_scanner.h"

namespace btr::tools::bench {

struct RateSample {
  std::vector<double> mhs;  // one per run, hashes per wall-clock second
  // Hashes per second of process CPU time, times the thread count: what the threads would do
  // on otherwise idle cores. The honest figure on a shared, loaded machine.
  std::vector<double> mhs_cpu;
  std::vector<double> switch_ms;  // job-replacement latency, one per run
  double median_mhs() const;
  double median_mhs_cpu() const;
  double median_switch_ms() const;
  double max_switch_ms() const;
};

// Runs `runs` measurements of `seconds` each on one scanner with `threads` threads. Each run
// scans a 2^32 job with no possible hit, then replaces it with a tiny job and times how long
// until every thread has switched.
RateSample measure_scan(const kernels::BackendFactory& factory, unsigned threads, double seconds,
                        int runs);

// The same measurement for one GPU backend driven by kernels::scan() on one worker thread; the
// job rolls versions so a fast device cannot finish it within a run. The switch time is how long
// the scan takes to notice cancellation (one batch at most). Throws when the device fails.
RateSample measure_backend(kernels::ScanBackend& backend, double seconds, int runs);

struct Machine {
  std::string cpu;
  unsigned cores = 0;
  std::optional<double> mhz;  // /proc/cpuinfo "cpu MHz" of the first CPU
  // The clock a thread really runs at, from a chain of dependent one-cycle adds timed in thread
  // CPU time (x86-64 only). Virtual machines often report a nominal /proc/cpuinfo figure far
  // from it, so cycles per nonce use this one when present.
  std::optional<double> measured_mhz;
  std::optional<double> load_average;  // 1-minute load average when described
};
Machine describe_machine();

// The 1-minute load average (/proc/loadavg): how busy the cores were around a measurement.
std::optional<double> load_average();

struct TransformRate {
  std::string name;
  double compressions_per_s = 0;
};
// Single-stream SHA-256 compressions per second (of thread CPU time) of core's selected transform.
TransformRate core_transform_rate(double seconds);
// `openssl speed -evp sha256` on 16 KiB messages, as compressions per second; nullopt when the
// binary is missing or its output cannot be parsed.
std::optional<TransformRate> openssl_rate();

double median(std::vector<double> v);

}  // namespace btr::tools::bench
