#include "kernels/parallel_scanner.h"

#include <algorithm>
#include <cassert>

namespace btr::kernels {

NonceSlice nonce_slice(uint64_t first, uint64_t end, unsigned i, unsigned n) {
  assert(n > 0 && i < n && first <= end);
  const uint64_t total = end - first;
  // total < 2^33 and n < 2^31, so the products fit in 64 bits.
  return {first + total * i / n, first + total * (i + 1) / n};
}

ParallelScanner::ParallelScanner(const BackendFactory& factory, unsigned threads) {
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  for (unsigned i = 0; i < threads; ++i) backends_.push_back(factory());
  for (unsigned i = 0; i < threads; ++i) workers_.emplace_back([this, i] { run(i); });
}

ParallelScanner::~ParallelScanner() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    generation_.fetch_add(1, std::memory_order_relaxed);
  }
  work_cv_.notify_all();
  for (auto& t : workers_) t.join();
}

void ParallelScanner::submit(const ScanJob& job, ScanOptions options) {
  {
    std::lock_guard lock(mu_);
    job_ = job;
    options_ = std::move(options);
    result_ = {};
    running_ = threads();
    // Bumped under the lock so a worker never pairs the new generation with the old job.
    generation_.fetch_add(1, std::memory_order_relaxed);
  }
  work_cv_.notify_all();
}

void ParallelScanner::cancel() {
  std::lock_guard lock(mu_);
  generation_.fetch_add(1, std::memory_order_relaxed);
  result_.cancelled = true;
  running_ = 0;
  done_cv_.notify_all();
}

ScanResult ParallelScanner::wait() {
  std::unique_lock lock(mu_);
  done_cv_.wait(lock, [this] { return running_ == 0; });
  return result_;
}

void ParallelScanner::run(unsigned index) {
  uint64_t seen = 0;
  for (;;) {
    ScanJob job;
    ScanOptions options;
    uint64_t gen = 0;
    {
      std::unique_lock lock(mu_);
      work_cv_.wait(lock, [&] {
        return stopping_ || (generation_.load(std::memory_order_relaxed) != seen && running_ > 0);
      });
      if (stopping_) return;
      gen = generation_.load(std::memory_order_relaxed);
      seen = gen;
      job = job_;
      options = options_;
    }
    const NonceSlice slice = nonce_slice(job.nonce_first, job.nonce_end, index, threads());
    job.nonce_first = static_cast<uint32_t>(slice.first);
    job.nonce_end = slice.end;
    options.cancel = CancelToken{&generation_, gen};
    options.progress = &total_hashes_;
    ScanResult part;
    if (slice.first < slice.end) part = scan(*backends_[index], job, options);

    std::lock_guard lock(mu_);
    if (generation_.load(std::memory_order_relaxed) != gen) continue;  // replaced: drop it
    result_.hits.insert(result_.hits.end(), part.hits.begin(), part.hits.end());
    result_.hashes += part.hashes;
    result_.candidates += part.candidates;
    result_.false_hits += part.false_hits;
    result_.backend_failed = result_.backend_failed || part.backend_failed;
    if (--running_ == 0) done_cv_.notify_all();
  }
}

ScanResult scan_parallel(const BackendFactory& factory, unsigned threads, const ScanJob& job,
                         const ScanOptions& options) {
  ParallelScanner scanner(factory, threads);
  scanner.submit(job, options);
  return scanner.wait();
}

}  // namespace btr::kernels
