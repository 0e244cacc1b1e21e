#pragma once
// Runs one ScanJob on N threads, each with its own backend object, and lets a new job replace
// the running one at any time.
//
// The nonce range [nonce_first, nonce_end) is cut into N contiguous slices that cover it exactly
// (no overlap, no gap); each thread scans its slice for every version of the job. submit() bumps
// a generation counter that every thread checks before each batch (about a millisecond of work),
// so the old job is dropped everywhere within one batch and the new one starts at once.
// Callbacks in ScanOptions run on the worker threads, possibly several at once: they must be
// thread-safe and short.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "kernels/scan.h"

namespace btr::kernels {

using BackendFactory = std::function<std::unique_ptr<ScanBackend>()>;

// The i-th of n slices of [first, end): contiguous, in order, covering the range exactly.
struct NonceSlice {
  uint64_t first;
  uint64_t end;
};
NonceSlice nonce_slice(uint64_t first, uint64_t end, unsigned i, unsigned n);

class ParallelScanner {
 public:
  // threads == 0 means one per hardware thread. The factory is called once per thread, here.
  ParallelScanner(const BackendFactory& factory, unsigned threads);
  ~ParallelScanner();
  ParallelScanner(const ParallelScanner&) = delete;
  ParallelScanner& operator=(const ParallelScanner&) = delete;

  unsigned threads() const { return static_cast<unsigned>(workers_.size()); }

  // Starts `job`, replacing the running one (whose partial result is dropped). The CancelToken
  // and progress in `options` are ignored: the scanner uses its own.
  void submit(const ScanJob& job, ScanOptions options = {});
  // Stops the running job on every thread.
  void cancel();
  // Blocks until every thread has finished or abandoned the latest job; returns its result
  // (hits merged over threads, cancelled set if it was replaced or cancelled).
  ScanResult wait();
  // Hashes done so far by all threads over all jobs (for rate displays).
  uint64_t total_hashes() const { return total_hashes_.load(std::memory_order_relaxed); }

 private:
  void run(unsigned index);

  std::vector<std::unique_ptr<ScanBackend>> backends_;
  std::vector<std::thread> workers_;
  std::atomic<uint64_t> generation_{0};
  std::atomic<uint64_t> total_hashes_{0};
  mutable std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  ScanJob job_;
  ScanOptions options_;
  ScanResult result_;
  unsigned running_ = 0;  // threads still on the current generation
  bool stopping_ = false;
};

// Convenience: scan `job` to the end on `threads` threads and return the merged result.
ScanResult scan_parallel(const BackendFactory& factory, unsigned threads, const ScanJob& job,
                         const ScanOptions& options = {});

}  // namespace btr::kernels
