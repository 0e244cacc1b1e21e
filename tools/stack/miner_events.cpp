#include "tools/stack/miner_events.h"

#include <cstdio>

#include <nlohmann/json.hpp>

namespace btr::tools::stack {
namespace {

void read_counts(const nlohmann::json& j, MinerReport& report) {
  report.hashrate = j.value("hashrate_10s", 0.0);
  report.accepted = j.value("accepted", uint64_t{0});
  report.rejected = j.value("rejected", uint64_t{0});
  report.stale = j.value("stale", uint64_t{0});
  report.connected = j.value("connected", false);
}

}  // namespace

MinerLine read_miner_line(const std::string& line, MinerReport& report) {
  MinerLine out;
  out.message = line;
  if (line.empty() || line.front() != '{') return out;
  const auto j = nlohmann::json::parse(line, nullptr, false);
  if (!j.is_object()) return out;
  const std::string event = j.value("event", "");
  out.kind = MinerLineKind::kOther;
  if (j.contains("message") && j["message"].is_string()) out.message = j["message"];
  if (event == "status" || event == "summary") {
    read_counts(j, report);
    report.final_summary = event == "summary";
    out.kind = MinerLineKind::kStatus;
  } else if (event == "error") {
    out.kind = MinerLineKind::kError;
  } else if (event == "block" && out.message.starts_with("BLOCK found")) {
    // "BLOCK found by DEVICE: HASH job ID"
    const size_t colon = out.message.find(": ");
    if (colon != std::string::npos) {
      out.block_hash = out.message.substr(colon + 2, 64);
      if (out.block_hash.size() == 64) {
        report.found_blocks.push_back(out.block_hash);
        out.kind = MinerLineKind::kBlockFound;
      }
    }
  }
  return out;
}

std::string format_hashrate(double h) {
  static constexpr const char* kUnits[] = {"H/s", "kH/s", "MH/s", "GH/s", "TH/s"};
  size_t unit = 0;
  while (h >= 1000 && unit + 1 < std::size(kUnits)) {
    h /= 1000;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f %s", h, kUnits[unit]);
  return buf;
}

}  // namespace btr::tools::stack
