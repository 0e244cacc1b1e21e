#include "pool/job_store.h"

#include <cstring>

namespace btr::pool {

size_t JobStore::KeyHash::operator()(const ShareKey& k) const {
  // The key is the prefix of a SHA256d output: already uniformly spread.
  size_t h = 0;
  std::memcpy(&h, k.data(), sizeof(h));
  return h;
}

void JobStore::new_tip() {
  ++generation_;
  for (auto it = jobs_.begin(); it != jobs_.end();) {
    if (it->second.generation + keep_stale_generations_ < generation_) {
      it = jobs_.erase(it);
    } else {
      it->second.shares.clear();  // stale shares are refused before the duplicate check
      ++it;
    }
  }
}

void JobStore::add(std::shared_ptr<const Job> job) {
  std::string id = job->notify.job_id;
  jobs_.insert_or_assign(std::move(id), Entry{std::move(job), generation_, {}});
}

JobStore::Lookup JobStore::find(std::string_view job_id) const {
  const auto it = jobs_.find(job_id);
  if (it == jobs_.end()) return {};
  return {it->second.generation == generation_ ? State::kCurrent : State::kStale, it->second.job};
}

void JobStore::remove(std::string_view job_id) {
  const auto it = jobs_.find(job_id);
  if (it != jobs_.end()) jobs_.erase(it);
}

bool JobStore::seen(std::string_view job_id, const ShareKey& key) const {
  const auto it = jobs_.find(job_id);
  return it != jobs_.end() && it->second.shares.contains(key);
}

bool JobStore::record(std::string_view job_id, const ShareKey& key) {
  const auto it = jobs_.find(job_id);
  if (it == jobs_.end()) return false;
  it->second.shares.insert(key);
  return true;
}

}  // namespace btr::pool
