#include "tools/miner/mining_stats.h"

#include <cstdio>
#include <sstream>

namespace btr::tools::miner {

void HashMeter::sample(double now_s) {
  std::lock_guard lock(mutex_);
  samples_[head_] = {now_s, total()};
  head_ = (head_ + 1) % kSlots;
  if (count_ < kSlots) ++count_;
}

double HashMeter::rate(double window_s) const {
  std::lock_guard lock(mutex_);
  if (count_ < 2) return 0;
  const auto& newest = samples_[(head_ + kSlots - 1) % kSlots];
  // Walk back to the oldest sample still inside the window.
  auto oldest = newest;
  for (size_t i = 2; i <= count_; ++i) {
    const auto& s = samples_[(head_ + kSlots - i) % kSlots];
    if (newest.first - s.first > window_s + 0.5) break;
    oldest = s;
  }
  const double dt = newest.first - oldest.first;
  if (dt <= 0) return 0;
  return static_cast<double>(newest.second - oldest.second) / dt;
}

std::string format_rate(double hashes_per_s) {
  static const char* const kUnits[] = {"H/s", "kH/s", "MH/s", "GH/s", "TH/s", "PH/s"};
  size_t unit = 0;
  while (hashes_per_s >= 1000 && unit + 1 < std::size(kUnits)) {
    hashes_per_s /= 1000;
    ++unit;
  }
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.2f %s", hashes_per_s, kUnits[unit]);
  return buf;
}

MiningStats::MiningStats(std::vector<std::string> device_names) : names_(std::move(device_names)) {
  for (size_t i = 0; i < names_.size(); ++i) meters_.push_back(std::make_unique<HashMeter>());
}

void MiningStats::sample(double now_s) {
  for (auto& meter : meters_) meter->sample(now_s);
}

void MiningStats::share_accepted(double latency_ms) {
  std::lock_guard lock(mutex_);
  ++counts_.accepted;
  latency_ms_ = latency_ms_ == 0 ? latency_ms : 0.8 * latency_ms_ + 0.2 * latency_ms;
}

void MiningStats::share_rejected(const std::string& reason, bool stale, double latency_ms) {
  std::lock_guard lock(mutex_);
  ++counts_.rejected;
  if (stale) ++counts_.stale;
  ++counts_.rejected_by_reason[reason.empty() ? "unknown" : reason];
  latency_ms_ = latency_ms_ == 0 ? latency_ms : 0.8 * latency_ms_ + 0.2 * latency_ms;
}

void MiningStats::share_stale_local() {
  std::lock_guard lock(mutex_);
  ++counts_.stale;
}

void MiningStats::hit_discarded() {
  std::lock_guard lock(mutex_);
  ++counts_.discarded;
}

void MiningStats::hardware_error() {
  std::lock_guard lock(mutex_);
  ++counts_.hardware_errors;
}

void MiningStats::block_found() {
  std::lock_guard lock(mutex_);
  ++counts_.blocks;
}

void MiningStats::set_pool(std::string url, bool connected) {
  std::lock_guard lock(mutex_);
  pool_ = std::move(url);
  connected_ = connected;
}

void MiningStats::set_difficulty(double difficulty) {
  std::lock_guard lock(mutex_);
  difficulty_ = difficulty;
}

ShareCounts MiningStats::counts() const {
  std::lock_guard lock(mutex_);
  return counts_;
}

nlohmann::json MiningStats::to_json(double uptime_s) const {
  nlohmann::json devices = nlohmann::json::array();
  double total10 = 0;
  double total60 = 0;
  for (size_t i = 0; i < names_.size(); ++i) {
    const double r10 = meters_[i]->rate(10);
    const double r60 = meters_[i]->rate(60);
    total10 += r10;
    total60 += r60;
    devices.push_back({{"name", names_[i]},
                       {"hashrate_10s", r10},
                       {"hashrate_60s", r60},
                       {"hashes", meters_[i]->total()}});
  }
  std::lock_guard lock(mutex_);
  return {{"uptime_s", uptime_s},
          {"devices", devices},
          {"hashrate_10s", total10},
          {"hashrate_60s", total60},
          {"accepted", counts_.accepted},
          {"rejected", counts_.rejected},
          {"rejected_by_reason", counts_.rejected_by_reason},
          {"stale", counts_.stale},
          {"discarded", counts_.discarded},
          {"hardware_errors", counts_.hardware_errors},
          {"blocks", counts_.blocks},
          {"difficulty", difficulty_},
          {"pool", pool_},
          {"connected", connected_},
          {"latency_ms", latency_ms_}};
}

std::string MiningStats::status_line() const {
  std::ostringstream line;
  double total10 = 0;
  double total60 = 0;
  for (size_t i = 0; i < names_.size(); ++i) {
    total10 += meters_[i]->rate(10);
    total60 += meters_[i]->rate(60);
  }
  line << format_rate(total10) << " (60s " << format_rate(total60) << ")";
  if (names_.size() > 1) {
    line << " [";
    for (size_t i = 0; i < names_.size(); ++i) {
      line << (i ? ", " : "") << names_[i] << " " << format_rate(meters_[i]->rate(10));
    }
    line << "]";
  }
  std::lock_guard lock(mutex_);
  line << " | A:" << counts_.accepted << " R:" << counts_.rejected;
  if (!counts_.rejected_by_reason.empty()) {
    line << " (";
    bool first = true;
    for (const auto& [reason, n] : counts_.rejected_by_reason) {
      line << (first ? "" : ", ") << reason << " " << n;
      first = false;
    }
    line << ")";
  }
  line << " S:" << counts_.stale;
  if (counts_.hardware_errors) line << " HW:" << counts_.hardware_errors;
  if (counts_.blocks) line << " blocks:" << counts_.blocks;
  char diff[32];
  std::snprintf(diff, sizeof diff, "%g", difficulty_);
  line << " | diff " << diff << " | " << (pool_.empty() ? "-" : pool_)
       << (connected_ ? "" : " (down)");
  if (latency_ms_ > 0) line << " " << static_cast<int>(latency_ms_) << " ms";
  return line.str();
}

std::string MiningStats::summary(double uptime_s) const {
  std::ostringstream out;
  double hashes = 0;
  for (const auto& meter : meters_) hashes += static_cast<double>(meter->total());
  const ShareCounts c = counts();
  out << "summary: " << static_cast<uint64_t>(uptime_s) << " s, "
      << format_rate(uptime_s > 0 ? hashes / uptime_s : 0) << " average, accepted " << c.accepted
      << ", rejected " << c.rejected << ", stale " << c.stale << ", blocks " << c.blocks;
  if (c.hardware_errors) out << ", hardware errors " << c.hardware_errors;
  return out.str();
}

}  // namespace btr::tools::miner
