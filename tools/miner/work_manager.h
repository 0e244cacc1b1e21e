#pragma once
// Hands work to the mining devices and checks what they find.
//
// Search space: every device d of n gets its own extranonce2 values
// (d, d + n, d + 2n, ... as little-endian counters) and, when the job allows
// version rolling, its own slice [d*S/n, (d+1)*S/n) of the S rolled versions,
// so no two devices ever hash the same header. A device walks nonce chunks of
// one version, then the next version of its slice, then its next extranonce2.
// When its extranonce2 values run out (a short extranonce2_size: 2^(8*size)/n
// values each), it starts them again at ntime + 1, up to the job's
// ntime_roll_s; only then does it wait for the next job. Time rolling is thus a
// last resort: with the 4..8-byte extranonce2 pools hand out, a device never
// gets there within a job's life, but a 1- or 2-byte one on a fast GPU does,
// and it must never hash the same header twice.
//
// Job switching: a job with clean_jobs (or a new previous block) bumps the
// generation, which cancels running scans at once (kernels::CancelToken) and
// makes every older job stale; other jobs are picked up when a device asks
// for its next unit, i.e. at the end of the current batch.
//
// Hits are re-hashed here on the CPU from the job itself (not trusted from the
// device) and only those at or under the job's share target, from a job that
// is not stale, reach the sink. Thread-safe: devices call next_unit/on_hit
// from their threads, the event loop calls set_job/clear.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "kernels/scan.h"
#include "tools/miner/miner_job.h"

namespace btr::tools::miner {

struct WorkUnit {
  std::shared_ptr<const MinerJob> job;
  uint64_t generation = 0;   // the cancel token's expected value
  uint64_t publication = 0;  // which set_job call published the job (staleness)
  size_t device = 0;
  std::vector<uint8_t> extranonce2;
  uint32_t ntime = 0;  // the job's, or rolled forward (see above)
  kernels::ScanJob scan;
};

struct FoundShare {
  std::shared_ptr<const MinerJob> job;
  uint64_t publication = 0;
  size_t device = 0;
  std::vector<uint8_t> extranonce2;
  uint32_t ntime = 0;
  uint32_t nonce = 0;
  uint32_t version = 0;  // the full header version
  core::Hash256 hash;
  double difficulty = 0;
  bool is_block = false;  // also meets the job's network target
  // mining.submit's 6th element: rolled version XOR job version, as ESP-Miner sends it.
  uint32_t version_bits() const { return version ^ job->notify.version; }
};

enum class HitVerdict { kShare, kBelowTarget, kStale, kHardwareError };

class WorkManager {
 public:
  using ShareSink = std::function<void(FoundShare)>;

  WorkManager(size_t device_count, ShareSink sink);

  // Publishes a job. Clean jobs (or a changed previous block) cancel running
  // scans and make all earlier jobs stale.
  void set_job(std::shared_ptr<const MinerJob> job);
  // Called (outside the lock, on the publishing thread) whenever running units
  // became worthless, so devices that cannot poll the cancel token stop early.
  void set_cancel_hook(std::function<void()> hook) { cancel_hook_ = std::move(hook); }
  // No valid work (pool down, block just found in solo mode): devices wait.
  void clear();
  // Wakes every waiting device for good; next_unit returns nullopt afterwards.
  void stop();

  // The next unit for `device`, scanning `nonce_count` nonces (clamped so that
  // easy targets do not produce more than about max_hits_per_unit hits).
  // Blocks until there is a job with search space left for the device, or
  // stop() was called.
  std::optional<WorkUnit> next_unit(size_t device, uint64_t nonce_count);
  // Re-checks a device's hit and hands shares to the sink.
  HitVerdict on_hit(const WorkUnit& unit, const kernels::ScanHit& hit);

  const std::atomic<uint64_t>& generation() const { return generation_; }
  std::shared_ptr<const MinerJob> current_job() const;
  size_t device_count() const { return devices_.size(); }
  // True when a clean job was published after the given publication.
  bool is_stale(uint64_t publication) const;

  static constexpr uint64_t kMaxHitsPerUnit = 64;

 private:
  struct DeviceCursor {
    uint64_t publication = 0;  // the job the cursor walks
    uint64_t extranonce2_counter = 0;
    uint64_t version_index = 0;
    uint64_t nonce_next = 0;
    uint32_t ntime_offset = 0;
    bool exhausted = false;  // every (extranonce2, ntime) of the job was handed out
  };
  void advance_cursor(DeviceCursor& cursor, size_t device, const MinerJob& job, uint64_t used);
  // How many extranonce2 values device `device` owns for this size.
  uint64_t extranonce2_slots(size_t device, size_t size) const;
  bool waits_for_job(size_t device) const;
  std::pair<uint64_t, uint64_t> version_slice(size_t device, const MinerJob& job) const;
  std::vector<uint8_t> extranonce2_bytes(size_t device, uint64_t counter, size_t size) const;

  void cancelled();

  ShareSink sink_;
  std::function<void()> cancel_hook_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::shared_ptr<const MinerJob> job_;
  std::vector<DeviceCursor> devices_;
  // Publications are numbered from 1; those before the last clean job are stale.
  uint64_t publications_ = 0;
  std::atomic<uint64_t> stale_before_{0};
  bool stopped_ = false;
  std::atomic<uint64_t> generation_{0};
};

// Expected-hit-aware clamp: at most kMaxHitsPerUnit expected hits for target.
uint64_t nonces_for_target(const core::Uint256& target, uint64_t wanted);

}  // namespace btr::tools::miner
