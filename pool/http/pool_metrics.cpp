#include "pool/http/pool_metrics.h"

#include <cstdio>

namespace btr::pool::http {
namespace {

constexpr size_t kMaxResultLabels = 32;  // node reasons are free text: bound the series

void line(std::string& out, const char* name, const std::string& labels, double value) {
  char num[64];
  std::snprintf(num, sizeof num, "%.17g", value);
  out += name;
  if (!labels.empty()) out += "{" + labels + "}";
  out += " ";
  out += num;
  out += "\n";
}

void header(std::string& out, const char* name, const char* type, const char* help) {
  out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

void counter(std::string& out, const char* name, const char* help, double value) {
  header(out, name, "counter", help);
  line(out, name, "", value);
}

void gauge(std::string& out, const char* name, const char* help, double value) {
  header(out, name, "gauge", help);
  line(out, name, "", value);
}

// One series per map entry: name{label="key"} value.
void labelled(std::string& out, const char* name, const char* type, const char* help,
              const char* label, const std::map<std::string, uint64_t>& values) {
  header(out, name, type, help);
  for (const auto& [key, n] : values) {
    line(out, name, std::string(label) + "=\"" + escape_label(key) + "\"", static_cast<double>(n));
  }
}

}  // namespace

void LatencyHistogram::observe(double seconds) {
  for (size_t i = 0; i < kBounds.size(); ++i) {
    if (seconds <= kBounds[i]) {
      ++buckets_[i];
      break;
    }
  }
  ++count_;
  sum_ += seconds;
}

uint64_t LatencyHistogram::cumulative(size_t i) const {
  uint64_t n = 0;
  for (size_t k = 0; k <= i && k < buckets_.size(); ++k) n += buckets_[k];
  return n;
}

void PoolMetrics::count_submit_result(const std::string& result) {
  if (submit_results.count(result) != 0 || submit_results.size() < kMaxResultLabels) {
    ++submit_results[result];
  } else {
    ++submit_results["other"];
  }
}

std::string escape_label(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string render_prometheus(const MetricsSnapshot& s) {
  std::string out;
  gauge(out, "btr_pool_connections", "Open Stratum connections.",
        static_cast<double>(s.connections));
  counter(out, "btr_pool_connections_total", "Stratum connections accepted.",
          static_cast<double>(s.connections_total));
  counter(out, "btr_pool_shares_accepted_total", "Accepted shares (ledger).",
          static_cast<double>(s.shares_accepted));
  labelled(out, "btr_pool_shares_rejected_total", "counter", "Rejected shares by reason (ledger).",
           "reason", s.shares_rejected);
  counter(out, "btr_pool_blocks_found_total", "Block candidates found and sent with submitblock.",
          static_cast<double>(s.blocks_found));
  counter(out, "btr_pool_blocks_accepted_total", "Blocks the node accepted.",
          static_cast<double>(s.blocks_accepted));
  labelled(out, "btr_pool_blocks_submitted_total", "counter", "submitblock results.", "result",
           s.metrics != nullptr ? s.metrics->submit_results : std::map<std::string, uint64_t>{});
  labelled(out, "btr_pool_blocks", "gauge", "Blocks in the ledger by status.", "status",
           s.blocks_by_status);
  gauge(out, "btr_pool_template_age_seconds", "Age of the current block template (-1: none).",
        s.template_age_s);
  gauge(out, "btr_pool_hashrate_10m", "Pool hashrate over 10 minutes (hashes/s).", s.hashrate_10m);
  gauge(out, "btr_pool_hashrate_1h", "Pool hashrate over 1 hour (hashes/s).", s.hashrate_1h);
  gauge(out, "btr_pool_network_height", "Height of the block being mined.",
        static_cast<double>(s.height));
  gauge(out, "btr_pool_network_difficulty", "Network difficulty.", s.network_difficulty);
  if (s.metrics != nullptr) {
    const PoolMetrics& m = *s.metrics;
    counter(out, "btr_pool_templates_total", "Block templates received.",
            static_cast<double>(m.templates));
    counter(out, "btr_pool_node_rpc_errors_total", "Failed JSON-RPC exchanges with btr-node.",
            static_cast<double>(m.node_rpc_errors));
    counter(out, "btr_pool_webhook_sent_total", "Webhook notifications delivered.",
            static_cast<double>(m.webhook_sent));
    counter(out, "btr_pool_webhook_failed_total", "Webhook notifications that failed.",
            static_cast<double>(m.webhook_failed));
    const char* h = "btr_pool_share_latency_seconds";
    header(out, h, "histogram", "Time from a mining.submit line to its answer.");
    const auto& hist = m.share_latency;
    for (size_t i = 0; i < LatencyHistogram::kBounds.size(); ++i) {
      char le[32];
      std::snprintf(le, sizeof le, "le=\"%g\"", LatencyHistogram::kBounds[i]);
      line(out, "btr_pool_share_latency_seconds_bucket", le,
           static_cast<double>(hist.cumulative(i)));
    }
    line(out, "btr_pool_share_latency_seconds_bucket", "le=\"+Inf\"",
         static_cast<double>(hist.count()));
    line(out, "btr_pool_share_latency_seconds_sum", "", hist.sum());
    line(out, "btr_pool_share_latency_seconds_count", "", static_cast<double>(hist.count()));
  }
  return out;
}

}  // namespace btr::pool::http
