#include <doctest/doctest.h>

#include <random>

#include "pool/work_manager.h"
#include "test/common/test_util.h"

using namespace btr::pool;

TEST_CASE("solo payouts: fee rounds down and outputs sum to the coinbase value") {
  const std::vector<uint8_t> miner = {0x51};
  FeeSettings none;
  auto a = solo_payouts(100000000, miner, none);
  REQUIRE(a.size() == 1);
  CHECK(a[0].amount == 100000000);

  FeeSettings fee{{0x52}, 1.5};
  auto b = solo_payouts(100000001, miner, fee);
  REQUIRE(b.size() == 2);
  CHECK(b[1].amount == 1500000);  // floor(100000001 * 150 / 10000)
  CHECK(b[0].amount + b[1].amount == 100000001);

  std::mt19937_64 rng(btr::test::seed());
  for (int i = 0; i < 1000; ++i) {
    const auto value = static_cast<int64_t>(rng() % 105'000'000'000'000'000ull);
    FeeSettings f{{0x52}, static_cast<double>(rng() % 10001) / 100.0};
    auto outs = solo_payouts(value, miner, f);
    int64_t sum = 0;
    for (const auto& o : outs) {
      CHECK(o.amount >= 0);
      sum += o.amount;
    }
    CHECK(sum == value);
  }
}
