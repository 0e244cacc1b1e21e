#pragma once
// The jobs a pool has sent, by job id, with the tip generation each belongs
// to. A job from before the current tip is stale (21 "Stale"); an id never
// seen or already dropped is unknown (21 "Invalid JobID"). Jobs of several
// templates on the same tip all stay valid. Also holds, per job, the keys of
// accepted shares for duplicate detection.
// Single-threaded (the pool's event loop owns it).

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "pool/job_builder.h"

namespace btr::pool {

// A share's identity inside its job. SHA256d(header) is a bijection of
// (extranonce1, extranonce2, ntime, nonce, version) within one job (fixed
// extranonce sizes), so its first 16 bytes key the duplicate set.
using ShareKey = std::array<uint8_t, 16>;

class JobStore {
 public:
  enum class State { kCurrent, kStale, kUnknown };
  struct Lookup {
    State state = State::kUnknown;
    std::shared_ptr<const Job> job;  // set for kCurrent and kStale
  };

  // Stale jobs of the previous `keep_stale_generations` tips are remembered
  // (so they are answered "Stale" rather than "Invalid JobID").
  explicit JobStore(unsigned keep_stale_generations = 1)
      : keep_stale_generations_(keep_stale_generations) {}

  // The chain tip moved: every job stored so far becomes stale.
  void new_tip();
  uint64_t generation() const { return generation_; }

  // Adds (or replaces) a job of the current tip.
  void add(std::shared_ptr<const Job> job);
  Lookup find(std::string_view job_id) const;
  void remove(std::string_view job_id);
  size_t size() const { return jobs_.size(); }

  // Duplicate detection: true when the key was already recorded for the job.
  bool seen(std::string_view job_id, const ShareKey& key) const;
  // Records an accepted share; false if the job is unknown.
  bool record(std::string_view job_id, const ShareKey& key);

 private:
  struct KeyHash {
    size_t operator()(const ShareKey& k) const;
  };
  struct Entry {
    std::shared_ptr<const Job> job;
    uint64_t generation = 0;
    std::unordered_set<ShareKey, KeyHash> shares;
  };
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, Entry, StringHash, std::equal_to<>> jobs_;
  uint64_t generation_ = 0;
  unsigned keep_stale_generations_;
};

}  // namespace btr::pool
