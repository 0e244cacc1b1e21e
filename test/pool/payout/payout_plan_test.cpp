#include <doctest/doctest.h>

#include <cmath>
#include <random>

#include "pool/payout/payout_plan.h"
#include "pool/payout/pplns_window.h"
#include "test/common/test_util.h"

using namespace btr::pool::payout;

namespace {

constexpr const char* kOperator = "operator";

std::string addr(size_t i) {
  return "a" + std::to_string(i);
}

int64_t output_sum(const PayoutPlan& p) {
  int64_t sum = 0;
  for (const auto& [a, v] : p.outputs()) sum += v;
  return sum;
}

}  // namespace

TEST_CASE("payout: fee is floor(value * basis points / 10000)") {
  CHECK(fee_amount(100'000'001, 1.5) == 1'500'000);
  CHECK(fee_amount(9'999, 1.0) == 99);
  CHECK(fee_amount(5'000'000'000, 0) == 0);
  CHECK(fee_amount(5'000'000'000, 100) == 5'000'000'000);
  CHECK(fee_amount(4'611'686'018'427'387'903, 2.5) == 115'292'150'460'684'697);
}

TEST_CASE("payout: proportional split is exact with the largest remainders first") {
  const auto s = split_proportional(10, {{"a", 1}, {"b", 1}, {"c", 1}});
  // 3.33 each; the one unit left goes to the first by address (equal fractions).
  CHECK(s.at("a") == 4);
  CHECK(s.at("b") == 3);
  CHECK(s.at("c") == 3);
  const auto t = split_proportional(100, {{"x", 0.001}, {"y", 2.999}});
  CHECK(t.at("x") + t.at("y") == 100);
  CHECK(t.at("x") == 0);
  CHECK(split_proportional(0, {{"a", 1}}).empty());
}

TEST_CASE("payout: solo pays the finder all but the fee") {
  const auto p = solo_plan(5'000'010'000, "finder", FeeRule{kOperator, 2});
  CHECK(check_plan(p).empty());
  REQUIRE(p.entries.size() == 1);
  CHECK(p.fee == 100'000'200);
  CHECK(p.entries[0].output == 5'000'010'000 - 100'000'200);
  CHECK(p.operator_output == p.fee);
  CHECK(output_sum(p) == 5'000'010'000);
  CHECK(p.balance_changes().empty());
  // No operator address: no fee at all.
  const auto q = solo_plan(777, "finder", FeeRule{"", 5});
  CHECK(q.outputs().size() == 1);
  CHECK(q.outputs()[0].second == 777);
}

TEST_CASE("payout: pplns carries small dues and pays them once they add up") {
  const FeeRule fee{kOperator, 1};
  const PplnsRules rules{1000, 10};
  // "small" has 0.5% of the work: 495 of 99,000 units, under the minimum.
  std::map<std::string, double> w = {{"big", 199}, {"small", 1}};
  std::map<std::string, int64_t> balances;
  auto p = pplns_plan(100'000, w, balances, fee, rules);
  CHECK(check_plan(p).empty());
  CHECK(p.fee == 1000);
  CHECK(output_sum(p) == 100'000);
  CHECK(p.balance_changes().at("small") == 495);
  CHECK(p.operator_output == 1000 + 495);  // holds the carried units meanwhile
  balances["small"] = 495;
  p = pplns_plan(100'000, w, balances, fee, rules);
  // 495 + 495 < 1000: still carried.
  CHECK(p.balance_changes().at("small") == 495);
  balances["small"] = 990;
  p = pplns_plan(100'000, w, balances, fee, rules);
  CHECK(check_plan(p).empty());
  const auto changes = p.balance_changes();
  CHECK(changes.at("small") == -990);  // paid out: balance back to zero
  bool paid = false;
  for (const auto& [a, v] : p.outputs()) paid = paid || (a == "small" && v == 1485);
  CHECK(paid);
  CHECK(output_sum(p) == 100'000);
}

TEST_CASE("payout: pplns keeps at most max_outputs, largest first") {
  std::map<std::string, double> w;
  for (size_t i = 0; i < 30; ++i) w[addr(i)] = static_cast<double>(i + 1);
  const auto p = pplns_plan(50'000'000, w, {}, FeeRule{kOperator, 0}, PplnsRules{1, 5});
  CHECK(check_plan(p).empty());
  const auto outs = p.outputs();
  REQUIRE(outs.size() == 6);  // five miners + the operator
  CHECK(outs[0].first == "a29");
  CHECK(outs[4].first == "a25");
  CHECK(outs[5].first == kOperator);
  for (size_t i = 1; i < 5; ++i) CHECK(outs[i - 1].second >= outs[i].second);
}

TEST_CASE("payout: empty window pays the operator the whole value") {
  const auto p = pplns_plan(123'456, {}, {}, FeeRule{kOperator, 1}, PplnsRules{});
  CHECK(check_plan(p).empty());
  REQUIRE(p.outputs().size() == 1);
  CHECK(p.outputs()[0] == std::pair<std::string, int64_t>{kOperator, 123'456});
}

// Property: random share streams through the window, random rules; every
// coinbase sums to exactly the value, nobody gets more than its exact share
// plus one unit (plus what it was owed), and over many blocks every unit an
// address earned is either paid or still in its balance.
TEST_CASE("payout: pplns property test on randomized share streams") {
  std::mt19937_64 rng(btr::test::seed());
  for (int round = 0; round < 40; ++round) {
    const size_t miners = 1 + rng() % 60;
    const PplnsRules rules{static_cast<int64_t>(rng() % 200'000), 1 + rng() % 25};
    const FeeRule fee{kOperator, static_cast<double>(rng() % 500) / 100.0};
    PplnsWindow window(10);
    std::map<std::string, int64_t> balances, earned_total, paid_total;
    int64_t t = 1'700'000'000;
    const double n = 50.0 + static_cast<double>(rng() % 5000);
    for (int block = 0; block < 60; ++block) {
      const int shares = 1 + static_cast<int>(rng() % 200);
      for (int i = 0; i < shares; ++i) {
        // Skewed hashrates: a few large miners, many small ones.
        const double skew = std::pow(static_cast<double>(rng() % 1000) / 1000.0, 3);
        const size_t m =
            std::min(miners - 1, static_cast<size_t>(skew * static_cast<double>(miners)));
        const double d = std::ldexp(1.0, static_cast<int>(rng() % 8)) / 4.0;
        window.add(addr(m), d, t);
        t += static_cast<int64_t>(rng() % 3);
      }
      window.trim(n);
      const auto weights = window.weights(n);
      double wsum = 0;
      for (const auto& [a, w] : weights) wsum += w;
      CHECK(wsum <= n * (1 + 1e-9));
      const int64_t value = 1 + static_cast<int64_t>(rng() % 5'000'000'000ULL);
      const PayoutPlan p = pplns_plan(value, weights, balances, fee, rules);
      REQUIRE_MESSAGE(check_plan(p).empty(), check_plan(p));
      CHECK(output_sum(p) == value);
      size_t miner_outputs = 0;
      for (const PlanEntry& e : p.entries) {
        const double share = weights.count(e.address) ? weights.at(e.address) : 0;
        const double exact = static_cast<double>(value - p.fee) * share / wsum;
        CHECK(static_cast<double>(e.earned) <= exact + 1.0 + 1e-6 * exact);
        CHECK(e.output <= e.earned + std::max<int64_t>(0, balances[e.address]));
        if (e.output > 0) {
          ++miner_outputs;
          CHECK(e.output >= std::max<int64_t>(1, rules.min_output));
        }
        earned_total[e.address] += e.earned;
        paid_total[e.address] += e.output;
      }
      CHECK(miner_outputs <= rules.max_outputs);
      for (const auto& [a, d] : p.balance_changes()) balances[a] += d;
    }
    // Conservation: earned == paid + still owed, for every address.
    for (const auto& [a, e] : earned_total) CHECK(e == paid_total[a] + balances[a]);
    // Carried balances are paid later: with the window gone and a generous
    // budget (everything to the operator), every due over the minimum is paid.
    bool owed = false;
    for (const auto& [a, b] : balances) owed = owed || b >= std::max<int64_t>(1, rules.min_output);
    if (owed) {
      int64_t total_owed = 0;
      for (const auto& [a, b] : balances) total_owed += b;
      const PayoutPlan later =
          pplns_plan(total_owed + 1'000'000'000, {}, balances, FeeRule{kOperator, 0},
                     PplnsRules{rules.min_output, 1000});
      CHECK(check_plan(later).empty());
      for (const auto& [a, b] : balances) {
        if (b >= std::max<int64_t>(1, rules.min_output)) CHECK(later.balance_changes().at(a) == -b);
      }
    }
  }
}

TEST_CASE("pplns window: the last N difficulty, oldest slice in proportion") {
  PplnsWindow w(10);
  w.add("old", 100, 1000);
  w.add("mid", 50, 1010);
  w.add("new", 25, 1020);
  auto x = w.weights(100);
  CHECK(x.at("new") == doctest::Approx(25));
  CHECK(x.at("mid") == doctest::Approx(50));
  CHECK(x.at("old") == doctest::Approx(25));  // a quarter of its slice
  CHECK(w.oldest_needed(100) == 1000);
  CHECK(w.oldest_needed(60) == 1010);
  w.trim(60);
  CHECK(w.slices() == 2);
  CHECK(w.total() == doctest::Approx(75));
  CHECK(w.weights(1000).size() == 2);
  w.add("late", 5, 990);  // late share: joins the newest slice
  CHECK(w.slices() == 2);
  CHECK(w.weights(5).at("late") == doctest::Approx(5.0 * 5 / 30));
}
