#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "pool/vardiff.h"
#include "test/common/test_util.h"

using namespace btr;
using Clock = pool::Vardiff::Clock;
using namespace std::chrono_literals;

namespace {

// Simulates a miner of `hashrate` (difficulty-1 shares per second) with
// Poisson share arrivals for `duration`; returns the final difficulty.
double simulate(pool::Vardiff& v, double hashrate, Clock::time_point& now,
                std::chrono::seconds duration, std::mt19937_64& rng) {
  const auto end = now + duration;
  std::exponential_distribution<double> unit(1.0);
  while (now < end) {
    const double interval = unit(rng) * v.difficulty() / hashrate;
    const auto next =
        now + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(interval));
    // Periodic ticks while waiting (as the pool's timer would).
    while (now + 5s < next && now + 5s < end) {
      now += 5s;
      (void)v.on_tick(now);
    }
    if (next >= end) {
      now = end;
      break;
    }
    now = next;
    (void)v.on_share(now);
  }
  return v.difficulty();
}

}  // namespace

TEST_CASE("vardiff: converges to about one share per target interval") {
  std::mt19937_64 rng(test::seed());
  for (double hashrate : {0.05, 3.0, 500.0, 2e6}) {
    INFO("hashrate (diff-1 shares/s) " << hashrate);
    pool::VardiffConfig cfg;
    cfg.start_difficulty = 1;
    cfg.min_difficulty = 0.001;
    cfg.max_difficulty = 1e12;
    auto now = Clock::time_point{} + 1000s;
    pool::Vardiff v(cfg, now);
    simulate(v, hashrate, now, 3600s, rng);
    const double ideal = hashrate * cfg.target_share_interval_s;
    // Power-of-two steps with hysteresis, Poisson noise: within a factor of 4.
    CHECK(v.difficulty() > ideal / 4);
    CHECK(v.difficulty() < ideal * 4);
  }
}

TEST_CASE("vardiff: clamped to the port's floor and ceiling, fractional on regtest") {
  std::mt19937_64 rng(test::seed());
  pool::VardiffConfig regtest;
  regtest.start_difficulty = 0.001;
  regtest.min_difficulty = 0.00001;
  regtest.max_difficulty = 1e6;
  auto now = Clock::time_point{} + 1000s;
  pool::Vardiff slow(regtest, now);
  CHECK(slow.difficulty() == 0.001);
  simulate(slow, 1e-7, now, 7200s, rng);  // a miner far too slow even for the floor
  CHECK(slow.difficulty() == 0.00001);
  pool::Vardiff fast(regtest, now);
  simulate(fast, 1e9, now, 1800s, rng);
  CHECK(fast.difficulty() == 1e6);
  // An integer port never goes below its floor of 1.
  pool::VardiffConfig integer_port;
  integer_port.min_difficulty = 1;
  integer_port.start_difficulty = 0.5;
  pool::Vardiff v(integer_port, now);
  CHECK(v.difficulty() == 1);
}

TEST_CASE("vardiff: no retarget before the interval unless a burst arrives") {
  pool::VardiffConfig cfg;
  cfg.start_difficulty = 1;
  cfg.min_difficulty = 0.001;
  auto now = Clock::time_point{} + 1000s;
  pool::Vardiff v(cfg, now);
  // Three quick shares: no change yet.
  for (int i = 0; i < 3; ++i)
    CHECK_FALSE(v.on_share(now + std::chrono::milliseconds(100 * (i + 1))).has_value());
  // A burst of burst_shares shares in 2 s raises it at once.
  pool::Vardiff b(cfg, now);
  std::optional<double> changed;
  for (uint32_t i = 1; i <= cfg.burst_shares && !changed; ++i)
    changed = b.on_share(now + std::chrono::milliseconds(100 * i));
  REQUIRE(changed.has_value());
  CHECK(*changed >= 64);  // x64 cap per step; the ideal here is x100
  // Silence lowers it, one window at a time.
  pool::Vardiff quiet(cfg, now);
  CHECK_FALSE(quiet.on_tick(now + 29s).has_value());
  auto lowered = quiet.on_tick(now + 30s);
  REQUIRE(lowered.has_value());
  CHECK(*lowered < 1);
}

TEST_CASE("vardiff: suggest_difficulty is a clamped hint") {
  pool::VardiffConfig cfg;
  cfg.start_difficulty = 16;
  cfg.min_difficulty = 1;
  cfg.max_difficulty = 4096;
  const auto now = Clock::time_point{} + 10s;
  pool::Vardiff v(cfg, now);
  CHECK(v.suggest(512, now) == 512.0);
  CHECK(v.suggest(1e9, now) == 4096.0);
  CHECK(v.suggest(0.001, now) == 1.0);
  CHECK_FALSE(v.suggest(1.0, now).has_value());  // unchanged
  CHECK_FALSE(v.suggest(-5, now).has_value());
  CHECK_FALSE(v.suggest(std::nan(""), now).has_value());
  CHECK(v.difficulty() == 1);
}
