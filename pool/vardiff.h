#pragma once
// Per-worker variable difficulty. Aims at one share per target interval
// (default 10 s); retargets at most every retarget interval (30 s) unless a
// burst of shares arrives sooner; steps are powers of two; the result is
// clamped to the port's [min, max]. Difficulty below 1 is allowed when the
// port's minimum is below 1. Time is passed in, so tests need no sleeping.
//
// The worker's rate is estimated in difficulty-1 shares per second as an
// exponentially decaying sum of accepted share difficulties over decaying
// time (time constant decay_s, as ckpool's dsps), so a difficulty change
// does not reset what is known. A 30 s window alone holds ~3 shares, far too
// few to judge by: Poisson noise would make the difficulty jitter.

#include <chrono>
#include <cstdint>
#include <optional>

namespace btr::pool {

struct VardiffConfig {
  double start_difficulty = 1;
  double min_difficulty = 1;
  double max_difficulty = 1ull << 40;
  double target_share_interval_s = 10;
  double retarget_interval_s = 30;
  // Retarget early once this many shares arrived since the last retarget.
  uint32_t burst_shares = 20;
  double decay_s = 300;  // time constant of the rate estimate
};

class Vardiff {
 public:
  using Clock = std::chrono::steady_clock;

  Vardiff(const VardiffConfig& config, Clock::time_point now);

  double difficulty() const { return difficulty_; }

  // An accepted share at `now`. Returns the new difficulty when it changed.
  std::optional<double> on_share(Clock::time_point now);
  // Periodic check (also lowers the difficulty of a worker that found no
  // share for a long time). Returns the new difficulty when it changed.
  std::optional<double> on_tick(Clock::time_point now);
  // mining.suggest_difficulty: a hint, clamped to [min, max]; restarts the
  // measurement window. Returns the new difficulty when it changed.
  std::optional<double> suggest(double hint, Clock::time_point now);

  // Clamps to the configured bounds (and rejects NaN / non-positive).
  double clamp(double difficulty) const;

 private:
  std::optional<double> retarget(Clock::time_point now);
  std::optional<double> set(double difficulty, Clock::time_point now);
  void decay_to(Clock::time_point now);

  VardiffConfig config_;
  double difficulty_;
  Clock::time_point window_start_;
  uint32_t shares_in_window_ = 0;
  // Rate estimate: decayed sum of share difficulties / decayed elapsed time.
  double decayed_work_ = 0;
  double decayed_time_ = 0;
  Clock::time_point decayed_at_;
};

}  // namespace btr::pool
