#include "pool/vardiff.h"

#include <algorithm>
#include <cmath>

namespace btr::pool {
namespace {

constexpr double kMaxStepLog2 = 6;  // at most x64 or /64 per retarget

double seconds(Vardiff::Clock::duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

Vardiff::Vardiff(const VardiffConfig& config, Clock::time_point now)
    : config_(config), difficulty_(1), window_start_(now) {
  difficulty_ = clamp(config.start_difficulty);
}

double Vardiff::clamp(double difficulty) const {
  if (!(difficulty > 0) || !std::isfinite(difficulty)) return config_.min_difficulty;
  return std::clamp(difficulty, config_.min_difficulty, config_.max_difficulty);
}

std::optional<double> Vardiff::on_share(Clock::time_point now) {
  ++shares_in_window_;
  const double elapsed = seconds(now - window_start_);
  if (elapsed >= config_.retarget_interval_s || shares_in_window_ >= config_.burst_shares)
    return retarget(now);
  return std::nullopt;
}

std::optional<double> Vardiff::on_tick(Clock::time_point now) {
  if (seconds(now - window_start_) >= config_.retarget_interval_s) return retarget(now);
  return std::nullopt;
}

std::optional<double> Vardiff::suggest(double hint, Clock::time_point now) {
  if (!(hint > 0) || !std::isfinite(hint)) return std::nullopt;
  return set(clamp(hint), now);
}

std::optional<double> Vardiff::retarget(Clock::time_point now) {
  const double elapsed = std::max(seconds(now - window_start_), 1e-3);
  // No share in the window: assume half a share, which lowers the
  // difficulty by a power of two or more each window until shares come.
  const double shares = shares_in_window_ > 0 ? shares_in_window_ : 0.5;
  const double ideal = difficulty_ * shares * config_.target_share_interval_s / elapsed;
  const double ratio = ideal / difficulty_;
  if (ratio > 0.5 && ratio < 2) {  // close enough: keep it, start a new window
    window_start_ = now;
    shares_in_window_ = 0;
    return std::nullopt;
  }
  const double step = std::clamp(std::round(std::log2(ratio)), -kMaxStepLog2, kMaxStepLog2);
  return set(clamp(difficulty_ * std::exp2(step)), now);
}

std::optional<double> Vardiff::set(double difficulty, Clock::time_point now) {
  window_start_ = now;
  shares_in_window_ = 0;
  if (difficulty == difficulty_) return std::nullopt;
  difficulty_ = difficulty;
  return difficulty;
}

}  // namespace btr::pool
