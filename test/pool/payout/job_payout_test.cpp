#include <doctest/doctest.h>

#include <random>

#include "core/hex.h"
#include "pool/work_manager.h"
#include "test/common/test_util.h"
#include "test/pool/pool_test_util.h"

using namespace btr;
using namespace btr::pool;

namespace {

std::vector<uint8_t> script_of(uint8_t tag) {
  return {0x76, 0xa9, 0x14, tag, tag, tag, tag, tag, tag, tag, tag,  tag, tag,
          tag,  tag,  tag,  tag, tag, tag, tag, tag, tag, tag, 0x88, 0xac};
}

// A planner like the ledger's: PPLNS over fixed weights, SOLO to the miner;
// addresses "a".."z" map to scripts by their letter.
std::optional<PlannedPayout> plan(const PayoutSet& set, const BlockTemplate& t, int& calls) {
  ++calls;
  const payout::FeeRule fee{"o", 1};
  auto p = std::make_shared<payout::PayoutPlan>(
      set.scheme == payout::Scheme::kPplns
          ? payout::pplns_plan(t.coinbase_value, {{"a", 3}, {"b", 1}}, {}, fee, {1, 10})
          : payout::solo_plan(t.coinbase_value, set.miner_address, fee));
  PlannedPayout out;
  for (const auto& [address, amount] : p->outputs())
    out.outputs.push_back({script_of(static_cast<uint8_t>(address[0])), amount});
  out.plan = p;
  return out;
}

}  // namespace

TEST_CASE("jobs: coinbase outputs come from the payout plan, rebuilt with every template") {
  std::mt19937_64 rng(test::seed());
  WorkManager work("/t/", FeeSettings{}, 4);
  int calls = 0;
  work.set_payout_planner(
      [&](const PayoutSet& s, const BlockTemplate& t) { return plan(s, t, calls); });
  work.on_template(
      std::make_shared<const BlockTemplate>(test::make_template(2, test::kRegtestBits, 500, rng)));

  const PayoutSet miner_x(script_of('x'), 8, payout::Scheme::kPplns, "x");
  const PayoutSet miner_y(script_of('y'), 8, payout::Scheme::kPplns, "y");
  const JobLines* jx = work.job_for(miner_x);
  const JobLines* jy = work.job_for(miner_y);
  REQUIRE(jx != nullptr);
  CHECK(jx == jy);  // PPLNS: one job (and notify line) for every miner
  CHECK(calls == 1);
  REQUIRE(jx->job->plan);
  const auto& p = *jx->job->plan;
  CHECK(payout::check_plan(p).empty());
  // coinb2: the outputs in the plan's order, amounts little-endian.
  const std::string coinb2 = core::to_hex(jx->job->notify.coinb2);
  for (const auto& [address, amount] : p.outputs()) {
    std::vector<uint8_t> le(8);
    for (int i = 0; i < 8; ++i)
      le[static_cast<size_t>(i)] = static_cast<uint8_t>(amount >> (8 * i));
    CHECK(coinb2.find(core::to_hex(le) + "19" +
                      core::to_hex(script_of(static_cast<uint8_t>(address[0])))) !=
          std::string::npos);
  }

  // SOLO miners each get their own job paying them.
  const PayoutSet solo_x(script_of('x'), 8, payout::Scheme::kSolo, "x");
  const PayoutSet solo_y(script_of('y'), 8, payout::Scheme::kSolo, "y");
  const JobLines* sx = work.job_for(solo_x);
  const JobLines* sy = work.job_for(solo_y);
  REQUIRE(sx != nullptr);
  REQUIRE(sy != nullptr);
  CHECK(sx != sy);
  CHECK(sx->job->plan->entries.at(0).address == "x");

  // A new template: the plan is computed again. The JobLines pointers above
  // belong to the old template's cache and die with it; keep the id by value.
  const std::string first_job_id = jx->job->notify.job_id;
  work.on_template(
      std::make_shared<const BlockTemplate>(test::make_template(3, test::kRegtestBits, 501, rng)));
  const JobLines* jx2 = work.job_for(miner_x);
  REQUIRE(jx2 != nullptr);
  CHECK(calls == 4);
  CHECK(jx2->job->notify.job_id != first_job_id);
  // Renewing one PPLNS session gives it a job id it never had.
  const std::string before = jx2->job->notify.job_id;
  work.renew_job(PayoutSet(script_of('x'), 8));
  const JobLines* renewed = work.job_for(miner_x);
  REQUIRE(renewed != nullptr);
  CHECK(renewed->job->notify.job_id != before);

  // A planner that refuses means no job (never a coinbase that pays wrongly).
  work.set_payout_planner(
      [](const PayoutSet&, const BlockTemplate&) { return std::optional<PlannedPayout>{}; });
  work.on_template(
      std::make_shared<const BlockTemplate>(test::make_template(1, test::kRegtestBits, 502, rng)));
  CHECK(work.job_for(miner_x) == nullptr);
}
