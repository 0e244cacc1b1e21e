#pragma once
// What the user sees: hash rates per device (10 s and 60 s averages), share
// counts (accepted, rejected by reason, stale), the current difficulty, pool
// and latency, as a status line, a JSON object (--json-log, --api-port) and an
// exit summary. Device threads only add hashes (atomics); everything else is
// called on the event loop thread but guarded, so the API server can read it.

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace btr::tools::miner {

// Total hashes of one device, sampled once a second into a 61-slot ring.
class HashMeter {
 public:
  void add(uint64_t hashes) { total_.fetch_add(hashes, std::memory_order_relaxed); }
  uint64_t total() const { return total_.load(std::memory_order_relaxed); }
  void sample(double now_s);
  // Hashes per second over the last `window_s` seconds of samples (fewer at start-up).
  double rate(double window_s) const;

 private:
  static constexpr size_t kSlots = 61;
  std::atomic<uint64_t> total_{0};
  mutable std::mutex mutex_;
  std::array<std::pair<double, uint64_t>, kSlots> samples_{};
  size_t count_ = 0;
  size_t head_ = 0;  // next slot to write
};

struct ShareCounts {
  uint64_t accepted = 0;
  uint64_t rejected = 0;
  uint64_t stale = 0;      // rejected by the pool as stale, or found but not sent (job replaced)
  uint64_t discarded = 0;  // device hits on work already replaced (never shares to send)
  uint64_t hardware_errors = 0;
  uint64_t blocks = 0;
  std::map<std::string, uint64_t> rejected_by_reason;
};

class MiningStats {
 public:
  explicit MiningStats(std::vector<std::string> device_names);

  HashMeter& meter(size_t device) { return *meters_.at(device); }
  void sample(double now_s);

  void share_accepted(double latency_ms);
  void share_rejected(const std::string& reason, bool stale, double latency_ms);
  void share_stale_local();
  void hit_discarded();
  void hardware_error();
  void block_found();
  void set_pool(std::string url, bool connected);
  void set_difficulty(double difficulty);
  ShareCounts counts() const;

  nlohmann::json to_json(double uptime_s) const;
  std::string status_line() const;
  std::string summary(double uptime_s) const;

 private:
  std::vector<std::string> names_;
  std::vector<std::unique_ptr<HashMeter>> meters_;
  mutable std::mutex mutex_;
  ShareCounts counts_;
  std::string pool_;
  bool connected_ = false;
  double difficulty_ = 0;
  double latency_ms_ = 0;  // exponential average of submit round trips
};

// "12.3 MH/s".
std::string format_rate(double hashes_per_s);

}  // namespace btr::tools::miner
