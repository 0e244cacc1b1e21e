#include <doctest/doctest.h>

#include <random>

#include "core/chain_params.h"
#include "core/subsidy.h"
#include "test/common/test_util.h"

using namespace btr::core;

namespace {
constexpr Amount kBtr = 100'000'000;
}

TEST_CASE("subsidy at the heights chain.md names") {
  CHECK(block_subsidy(0) == 80'000'000 * kBtr);  // the pre-mine
  CHECK(block_subsidy(1) == 1 * kBtr);
  CHECK(block_subsidy(969'999'999) == 1 * kBtr);
  CHECK(block_subsidy(970'000'000) == 1 * kBtr);  // the last subsidy: the cap is reached
  CHECK(block_subsidy(970'000'001) == 0);
  CHECK(block_subsidy(999'999'999) == 0);
  CHECK(block_subsidy(1'000'000'000) == 0);  // first halving: nothing left to halve
  CHECK(block_subsidy(2'147'483'647) == 0);
  CHECK(block_subsidy(-1) == 0);
}

TEST_CASE("total issuance is exactly 1,050,000,000 BTR") {
  CHECK(total_issuance() == 1'050'000'000 * kBtr);
  CHECK(total_issuance() == kMaxMoney);
  CHECK(total_issued_through(0) == 80'000'000 * kBtr);
  CHECK(total_issued_through(1) == 80'000'001 * kBtr);
  CHECK(total_issued_through(969'999'999) == 1'049'999'999 * kBtr);
  CHECK(total_issued_through(970'000'000) == 1'050'000'000 * kBtr);
  CHECK(total_issued_through(2'147'483'647) == 1'050'000'000 * kBtr);
  CHECK(total_issued_through(-1) == 0);
}

TEST_CASE("subsidy is the difference of consecutive totals, and totals never decrease") {
  std::mt19937_64 rng(btr::test::seed());
  for (int i = 0; i < 2000; ++i) {
    const int64_t h = 1 + static_cast<int64_t>(rng() % 4'000'000'000ULL);
    CAPTURE(h);
    CHECK(total_issued_through(h) - total_issued_through(h - 1) == block_subsidy(h));
    CHECK(block_subsidy(h) == (h <= 970'000'000 ? kBtr : 0));
  }
  // Small heights one by one: the running sum matches the closed form.
  Amount running = 0;
  for (int64_t h = 0; h <= 1000; ++h) {
    running += block_subsidy(h);
    CHECK(running == total_issued_through(h));
  }
}
