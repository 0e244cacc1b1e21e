#pragma once
// Per-session record of the difficulty each job was sent with. Miners latch
// a set_difficulty at the next notify, so a share is judged against the
// difficulty its job was sent under; after a change, jobs already sent accept
// the lower of old and new until the next job (ckpool's rule).

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <utility>

namespace btr::pool {

class ShareDifficultyTracker {
 public:
  explicit ShareDifficultyTracker(double initial, size_t remembered_jobs = 64)
      : current_(initial), capacity_(remembered_jobs) {}

  // Call after sending mining.set_difficulty.
  void on_set_difficulty(double difficulty);
  // Call after sending mining.notify for job_id.
  void on_notify(std::string_view job_id);

  // Difficulty a share for job_id must reach. Jobs this session never got
  // (or forgot) are held to the current difficulty.
  double required(std::string_view job_id) const;
  double current() const { return current_; }

 private:
  std::deque<std::pair<std::string, double>> jobs_;  // newest at the back
  double current_;
  size_t capacity_;
};

}  // namespace btr::pool
