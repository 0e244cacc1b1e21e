#include "pool/vardiff.h"

#include <algorithm>
#include <cmath>

namespace btr::pool {
namespace {

constexpr double kMaxRaiseLog2 = 6;  // at most x64 per retarget (a burst at a far too low start)
constexpr double kMaxLowerLog2 = 2;  // at most /4 per retarget (silence is weak evidence)

double seconds(Vardiff::Clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

}  // namespace

Vardiff::Vardiff(const VardiffConfig& config, Clock::time_point now)
    : config_(config), difficulty_(1), window_start_(now), decayed_at_(now) {
  difficulty_ = clamp(config.start_difficulty);
}

double Vardiff::clamp(double difficulty) const {
  if (!(difficulty > 0) || !std::isfinite(difficulty)) return config_.min_difficulty;
  return std::clamp(difficulty, config_.min_difficulty, config_.max_difficulty);
}

void Vardiff::decay_to(Clock::time_point now) {
  const double dt = std::max(seconds(now - decayed_at_), 0.0);
  decayed_at_ = std::max(now, decayed_at_);
  const double keep = std::exp(-dt / config_.decay_s);
  decayed_work_ *= keep;
  // Integral of the decay weight over the new interval: an unbiased
  // denominator even while the history is younger than decay_s.
  decayed_time_ = decayed_time_ * keep + config_.decay_s * (1 - keep);
}

std::optional<double> Vardiff::on_share(Clock::time_point now) {
  decay_to(now);
  decayed_work_ += difficulty_;
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
  decay_to(now);
  // diff-1 shares/s; a burst inside one millisecond still gives a finite rate.
  const double rate = decayed_work_ / std::max(decayed_time_, 1e-3);
  const double ideal = rate * config_.target_share_interval_s;
  const double ratio = ideal / difficulty_;
  window_start_ = now;
  shares_in_window_ = 0;
  if (ratio > 0.5 && ratio < 2) return std::nullopt;  // close enough: keep it
  const double log_step = ratio > 0 ? std::round(std::log2(ratio)) : -kMaxLowerLog2;
  const double step = std::clamp(log_step, -kMaxLowerLog2, kMaxRaiseLog2);
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
