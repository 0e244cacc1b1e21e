// Coin selection: exact matches without change, the smallest sufficient
// coin with change, largest-first accumulation, dust change folded into the
// fee, and refusal when the coins (after their own spending fee) are short.

#include <doctest/doctest.h>

#include <random>

#include "node/wallet/coin_selection.h"
#include "test/common/test_util.h"

namespace wallet = btr::node::wallet;
using btr::core::Amount;

namespace {

std::vector<wallet::CoinCandidate> coins(const std::vector<Amount>& values) {
  std::vector<wallet::CoinCandidate> out;
  for (size_t i = 0; i < values.size(); ++i) {
    wallet::CoinCandidate c;
    c.outpoint.index = static_cast<uint32_t>(i);
    c.value = values[i];
    out.push_back(c);
  }
  return out;
}

wallet::SelectionParams params(Amount target, Amount rate = 1000) {
  wallet::SelectionParams p;
  p.target = target;
  p.base_size = wallet::kTxOverheadSize + wallet::kP2pkhOutputSize;
  p.fee_per_kb = rate;
  return p;
}

Amount sum(const wallet::Selection& s) {
  Amount v = 0;
  for (const auto& c : s.coins) v += c.value;
  return v;
}

}  // namespace

TEST_CASE("coin selection: fee arithmetic rounds up") {
  CHECK(wallet::fee_for(1000, 192) == 192);
  CHECK(wallet::fee_for(1001, 1) == 2);
  CHECK(wallet::fee_for(0, 500) == 0);
}

TEST_CASE("coin selection: a coin matching target plus fee is used alone, without change") {
  const Amount fee = wallet::fee_for(1000, 10 + 34 + 148);  // 192
  auto s = wallet::select_coins(coins({50'000, 10'000 + fee + 100, 3'000'000}), params(10'000));
  REQUIRE(s.has_value());
  REQUIRE(s->coins.size() == 1);
  CHECK(s->coins[0].outpoint.index == 1);
  CHECK(s->change == 0);
  CHECK(s->fee == fee + 100);  // the excess below dust goes to the fee
}

TEST_CASE("coin selection: smallest sufficient coin with change, else largest first") {
  auto s = wallet::select_coins(coins({5'000, 200'000, 90'000, 1'000'000}), params(60'000));
  REQUIRE(s.has_value());
  REQUIRE(s->coins.size() == 1);
  CHECK(s->coins[0].value == 90'000);
  CHECK(s->fee == wallet::fee_for(1000, 10 + 34 + 148 + 34));
  CHECK(sum(*s) == 60'000 + s->fee + s->change);

  auto m = wallet::select_coins(coins({40'000, 30'000, 20'000, 10'000}), params(65'000));
  REQUIRE(m.has_value());
  CHECK(m->coins.size() == 2);
  CHECK(m->coins[0].value == 40'000);
  CHECK(m->coins[1].value == 30'000);
  CHECK(sum(*m) == 65'000 + m->fee + m->change);
}

TEST_CASE("coin selection: insufficient funds and coins worth less than their fee") {
  CHECK_FALSE(wallet::select_coins(coins({10'000, 10'000}), params(20'000)).has_value());
  // At 100,000 units/kB a 148-byte input costs 14,800: such coins are useless.
  CHECK_FALSE(
      wallet::select_coins(coins({14'000, 14'000, 14'000}), params(1'000, 100'000)).has_value());
  CHECK_FALSE(wallet::select_coins({}, params(1)).has_value());
}

TEST_CASE("coin selection: random sets always balance inputs = target + fee + change") {
  std::mt19937_64 rng(btr::test::seed());
  for (int round = 0; round < 300; ++round) {
    std::vector<Amount> values;
    const size_t n = 1 + rng() % 30;
    for (size_t i = 0; i < n; ++i) values.push_back(static_cast<Amount>(1'000 + rng() % 5'000'000));
    const Amount target = static_cast<Amount>(1 + rng() % 20'000'000);
    const Amount rate = static_cast<Amount>(rng() % 50'000);
    const auto p = params(target, rate);
    auto s = wallet::select_coins(coins(values), p);
    if (!s) continue;
    size_t size = p.base_size;
    for (const auto& c : s->coins) size += c.input_size;
    if (s->change > 0) size += p.change_output_size;
    CHECK(sum(*s) == target + s->fee + s->change);
    CHECK(s->fee >= wallet::fee_for(rate, size));
    CHECK((s->change == 0 || s->change >= p.min_change));
  }
}
