#include "pool/share_difficulty.h"

#include <algorithm>

namespace btr::pool {

void ShareDifficultyTracker::on_set_difficulty(double difficulty) {
  current_ = difficulty;
  // Jobs already sent: the miner may still be hashing them at the old
  // difficulty, or already at the new one; accept the lower.
  for (auto& [id, diff] : jobs_) diff = std::min(diff, difficulty);
}

void ShareDifficultyTracker::on_notify(std::string_view job_id) {
  const auto it =
      std::find_if(jobs_.begin(), jobs_.end(), [&](const auto& e) { return e.first == job_id; });
  double required = current_;
  if (it != jobs_.end()) {
    // The same job sent again after a set_difficulty (vardiff between two
    // templates): shares hashed before the miner latched the new value carry
    // the same job id, so the lower of the two stays acceptable until a job
    // with a new id replaces it.
    required = std::min(it->second, current_);
    jobs_.erase(it);
  }
  jobs_.emplace_back(std::string(job_id), required);
  while (jobs_.size() > capacity_) jobs_.erase(jobs_.begin());
}

double ShareDifficultyTracker::required(std::string_view job_id) const {
  for (auto it = jobs_.rbegin(); it != jobs_.rend(); ++it)
    if (it->first == job_id) return it->second;
  return current_;
}

}  // namespace btr::pool
