#pragma once
// The pool's Prometheus metrics: counters the server and the accounting keep
// (PoolMetrics, loop thread only) and a text renderer in the exposition
// format 0.0.4. Share counts come from the ledger, so /metrics and the JSON
// API answer the same numbers.

#include <array>
#include <cstdint>
#include <map>
#include <string>

namespace btr::pool::http {

// Seconds from a mining.submit line to its answer, cumulative buckets.
class LatencyHistogram {
 public:
  static constexpr std::array<double, 12> kBounds = {
      0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 1.0};
  void observe(double seconds);
  uint64_t count() const { return count_; }
  double sum() const { return sum_; }
  // Observations <= kBounds[i] (cumulative, as Prometheus wants).
  uint64_t cumulative(size_t i) const;

 private:
  std::array<uint64_t, kBounds.size()> buckets_{};
  uint64_t count_ = 0;
  double sum_ = 0;
};

struct PoolMetrics {
  LatencyHistogram share_latency;
  std::map<std::string, uint64_t> submit_results;  // submitblock outcome -> count (bounded)
  uint64_t node_rpc_errors = 0;
  uint64_t templates = 0;
  int64_t last_template_unix = 0;
  uint64_t webhook_sent = 0;
  uint64_t webhook_failed = 0;
  void count_submit_result(const std::string& result);
};

struct MetricsSnapshot {
  uint64_t connections = 0;
  uint64_t connections_total = 0;
  uint64_t shares_accepted = 0;
  std::map<std::string, uint64_t> shares_rejected;  // by reason
  uint64_t blocks_found = 0;                        // block candidates sent with submitblock
  uint64_t blocks_accepted = 0;
  std::map<std::string, uint64_t> blocks_by_status;  // ledger status -> count
  double template_age_s = -1;                        // < 0: no template yet
  double hashrate_10m = 0;
  double hashrate_1h = 0;
  int64_t height = 0;
  double network_difficulty = 0;
  const PoolMetrics* metrics = nullptr;
};

std::string render_prometheus(const MetricsSnapshot& s);
// Label value escaping (backslash, quote, newline).
std::string escape_label(const std::string& value);

}  // namespace btr::pool::http
