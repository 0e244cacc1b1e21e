#include "tools/miner/work_manager.h"

#include <algorithm>
#include <cmath>

#include "core/crypto/sha256.h"

namespace btr::tools::miner {

uint64_t nonces_for_target(const core::Uint256& target, uint64_t wanted) {
  // Probability of a hit is (target + 1) / 2^256; keep the expected count bounded so
  // that an easy regtest target yields a few dozen hits per unit, not millions.
  const double p = std::ldexp(target.to_double() + 1.0, -256);
  const double limit = static_cast<double>(WorkManager::kMaxHitsPerUnit) / p;
  if (limit < static_cast<double>(wanted)) {
    return std::max<uint64_t>(static_cast<uint64_t>(limit), WorkManager::kMaxHitsPerUnit);
  }
  return std::max<uint64_t>(wanted, 1);
}

WorkManager::WorkManager(size_t device_count, ShareSink sink)
    : sink_(std::move(sink)), devices_(std::max<size_t>(device_count, 1)) {}

void WorkManager::cancelled() {
  if (cancel_hook_) cancel_hook_();
}

void WorkManager::set_job(std::shared_ptr<const MinerJob> job) {
  bool cancel = false;
  {
    std::lock_guard lock(mutex_);
    const bool new_block = job_ && job_->notify.prev_block != job->notify.prev_block;
    ++publications_;
    if (job->notify.clean_jobs || new_block) {
      stale_before_.store(publications_);
      generation_.fetch_add(1);
      cancel = true;
    }
    job_ = std::move(job);
  }
  cv_.notify_all();
  if (cancel) cancelled();
}

void WorkManager::clear() {
  {
    std::lock_guard lock(mutex_);
    job_.reset();
    stale_before_.store(publications_ + 1);
    generation_.fetch_add(1);
  }
  cancelled();
}

void WorkManager::stop() {
  {
    std::lock_guard lock(mutex_);
    stopped_ = true;
    job_.reset();
    stale_before_.store(publications_ + 1);
    generation_.fetch_add(1);
  }
  cv_.notify_all();
  cancelled();
}

std::shared_ptr<const MinerJob> WorkManager::current_job() const {
  std::lock_guard lock(mutex_);
  return job_;
}

bool WorkManager::is_stale(uint64_t publication) const {
  return publication < stale_before_.load();
}

std::pair<uint64_t, uint64_t> WorkManager::version_slice(size_t device, const MinerJob& job) const {
  const uint64_t space = job.version_mask != 0 ? kernels::version_space(job.version_mask) : 1;
  const uint64_t n = devices_.size();
  if (space < n) return {0, space};  // too few versions to share: extranonce2 still differs
  return {device * space / n, (device + 1) * space / n};
}

std::vector<uint8_t> WorkManager::extranonce2_bytes(size_t device, uint64_t counter,
                                                    size_t size) const {
  uint64_t value = device + devices_.size() * counter;
  std::vector<uint8_t> out(size, 0);
  for (size_t i = 0; i < size && i < 8; ++i) {
    out[i] = static_cast<uint8_t>(value);
    value >>= 8;
  }
  return out;
}

uint64_t WorkManager::extranonce2_slots(size_t device, size_t size) const {
  const uint64_t n = devices_.size();
  if (size >= 8) return UINT64_MAX / n;  // more than any device ever uses
  const uint64_t values = uint64_t{1} << (8 * size);
  return values > device ? (values - device + n - 1) / n : 0;
}

void WorkManager::advance_cursor(DeviceCursor& cursor, size_t device, const MinerJob& job,
                                 uint64_t used) {
  cursor.nonce_next += used;
  if (cursor.nonce_next < kernels::kNonceSpace) return;
  cursor.nonce_next = 0;
  const auto [first, end] = version_slice(device, job);
  if (++cursor.version_index < end) return;
  cursor.version_index = first;
  if (++cursor.extranonce2_counter < extranonce2_slots(device, job.extranonce2_size)) return;
  // Every extranonce2 of this device was used at this ntime: the next second.
  cursor.extranonce2_counter = 0;
  if (cursor.ntime_offset < job.ntime_roll_s) {
    ++cursor.ntime_offset;
  } else {
    cursor.exhausted = true;
  }
}

bool WorkManager::waits_for_job(size_t device) const {
  if (job_ == nullptr) return true;
  const DeviceCursor& cursor = devices_.at(device);
  if (cursor.publication != publications_) return false;  // a new job: a fresh cursor
  return cursor.exhausted ||
         extranonce2_slots(device, job_->extranonce2_size) == 0;  // more devices than values
}

std::optional<WorkUnit> WorkManager::next_unit(size_t device, uint64_t nonce_count) {
  std::unique_lock lock(mutex_);
  cv_.wait(lock, [&] { return stopped_ || !waits_for_job(device); });
  if (stopped_) return std::nullopt;
  const MinerJob& job = *job_;
  DeviceCursor& cursor = devices_.at(device);
  if (cursor.publication != publications_) {
    cursor = DeviceCursor{};
    cursor.publication = publications_;
    cursor.version_index = version_slice(device, job).first;
  }
  WorkUnit unit;
  unit.job = job_;
  unit.generation = generation_.load();
  unit.publication = publications_;
  unit.device = device;
  unit.extranonce2 = extranonce2_bytes(device, cursor.extranonce2_counter, job.extranonce2_size);
  unit.ntime = job.notify.ntime + cursor.ntime_offset;
  const uint64_t count = std::min(nonces_for_target(job.share_target, nonce_count),
                                  kernels::kNonceSpace - cursor.nonce_next);
  unit.scan.header = job_header(job, unit.extranonce2, job.notify.version, 0, unit.ntime);
  unit.scan.target = job.share_target;
  unit.scan.nonce_first = static_cast<uint32_t>(cursor.nonce_next);
  unit.scan.nonce_end = cursor.nonce_next + count;
  unit.scan.version_mask = job.version_mask;
  unit.scan.version_first = cursor.version_index;
  unit.scan.version_count = 1;
  advance_cursor(cursor, device, job, count);
  return unit;
}

HitVerdict WorkManager::on_hit(const WorkUnit& unit, const kernels::ScanHit& hit) {
  const MinerJob& job = *unit.job;
  const core::HeaderBytes header =
      job_header(job, unit.extranonce2, hit.version, hit.nonce, unit.ntime);
  const core::Hash256 hash = core::sha256d(header);
  if (hash != hit.hash) return HitVerdict::kHardwareError;
  if (!hash_at_or_under(hash, job.share_target)) return HitVerdict::kBelowTarget;
  if (is_stale(unit.publication)) return HitVerdict::kStale;
  FoundShare share;
  share.job = unit.job;
  share.publication = unit.publication;
  share.device = unit.device;
  share.extranonce2 = unit.extranonce2;
  share.ntime = unit.ntime;
  share.nonce = hit.nonce;
  share.version = hit.version;
  share.hash = hash;
  share.difficulty = difficulty_of_hash(hash);
  share.is_block = hash_at_or_under(hash, job.block_target);
  sink_(std::move(share));
  return HitVerdict::kShare;
}

}  // namespace btr::tools::miner
