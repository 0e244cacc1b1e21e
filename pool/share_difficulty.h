#pragma once
// Per-session record of the difficulty each job was sent with. Miners latch
// a set_difficulty at the next notify, so a share is judged against the
// difficulty its job was sent under; after a change, jobs already sent accept
// the lower of old and new until the next job (ckpool's rule).

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace btr::pool {

class ShareDifficultyTracker {
 public:
  // remembered_jobs: enough for every job that can still be valid (the jobs
  // of PoolConfig::jobs_kept templates and a few resends); each costs about
  // 40 bytes per session, and 19,000 sessions must stay small.
  explicit ShareDifficultyTracker(double initial, size_t remembered_jobs = 16)
      : current_(initial), capacity_(remembered_jobs) {}

  // Call after sending mining.set_difficulty.
  void on_set_difficulty(double difficulty);
  // Call after sending mining.notify for job_id. A job id sent again keeps the
  // lower of its old and the current difficulty.
  void on_notify(std::string_view job_id);

  // Difficulty a share for job_id must reach. Jobs this session never got
  // (or forgot) are held to the current difficulty.
  double required(std::string_view job_id) const;
  double current() const { return current_; }
  // The jobs this session was sent that are still remembered, oldest first.
  std::vector<std::string> job_ids() const {
    std::vector<std::string> ids;
    for (const auto& entry : jobs_) ids.push_back(entry.first);
    return ids;
  }

 private:
  // Newest at the back. A vector: an empty std::deque already allocates
  // ~600 bytes, and this list holds a handful of entries.
  std::vector<std::pair<std::string, double>> jobs_;
  double current_;
  size_t capacity_;
};

}  // namespace btr::pool
