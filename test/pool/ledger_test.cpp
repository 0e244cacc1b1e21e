#include <doctest/doctest.h>
#include <sqlite3.h>

#include <filesystem>
#include <random>

#include "pool/ledger.h"
#include "test/common/test_util.h"
#include "test/pool/pool_test_util.h"

using namespace btr;
using namespace btr::pool;

namespace {

double query_num(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  double v = -1;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    v = sqlite3_column_double(st, 0);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

std::string query_text(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  sqlite3_stmt* st = nullptr;
  std::string v;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != nullptr) {
    v = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

BlockEvent block(int64_t height, const std::string& hash, std::shared_ptr<payout::PayoutPlan> plan,
                 bool accepted = true) {
  BlockEvent b;
  b.height = height;
  b.hash = hash;
  b.prev_hash = "00";
  b.address = "finder";
  b.worker = "finder.w";
  b.accepted = accepted;
  b.submit_result = accepted ? "accepted" : "high-hash";
  b.unix_time = 1'700'000'000;
  b.plan = std::move(plan);
  return b;
}

const payout::FeeRule kFee{"operator", 1.0};
const payout::PplnsRules kRules{5000, 10};

}  // namespace

TEST_CASE("ledger: shares are written at flush, per worker and per reject reason (WAL)") {
  test::ScratchDir dir;
  int64_t now = 1'700'000'000;
  LedgerOptions opt;
  opt.clock = [&] { return now; };
  {
    auto l = SqliteLedger::open(dir.file("pool.sqlite"), opt);
    REQUIRE(l.ok());
    auto& ledger = **l;
    ledger.on_share(test::make_share("A", "w1", 2, now));
    ledger.on_share(test::make_share("A", "w1", 2, now + 1));
    ledger.on_share(test::make_share("A", "w1", 2, now + 2, false, "Duplicate share"));
    ledger.on_share(test::make_share("A", "w2", 8, now + 3, false, "Stale"));
    CHECK(query_num(dir.file("pool.sqlite"), "SELECT count(*) FROM worker_totals") ==
          0);  // not yet
    CHECK(ledger.accepted_shares() == 2);
    REQUIRE(ledger.flush().ok());
    CHECK(query_num(dir.file("pool.sqlite"),
                    "SELECT accepted FROM worker_totals WHERE worker='A.w1'") == 2);
    CHECK(query_num(dir.file("pool.sqlite"),
                    "SELECT rejected FROM worker_totals WHERE worker='A.w1'") == 1);
    CHECK(query_num(dir.file("pool.sqlite"),
                    "SELECT difficulty FROM worker_totals WHERE worker='A.w1'") == 4);
    CHECK(query_num(dir.file("pool.sqlite"),
                    "SELECT best_share FROM worker_totals WHERE worker='A.w1'") == 3);
    CHECK(query_num(dir.file("pool.sqlite"),
                    "SELECT count FROM reject_reasons WHERE reason='Stale'") == 1);
    ledger.on_share(test::make_share("A", "w1", 2, now + 70, false, "Stale"));
    REQUIRE(ledger.flush().ok());
    CHECK(query_num(dir.file("pool.sqlite"),
                    "SELECT count FROM reject_reasons WHERE reason='Stale'") == 2);
    CHECK(query_num(dir.file("pool.sqlite"), "SELECT count(*) FROM share_slices") ==
          3);  // two minutes, 2+1
  }
  CHECK(query_text(dir.file("pool.sqlite"), "PRAGMA journal_mode") == "wal");
  // Reopened: the lifetime counters come back from the file.
  auto again = SqliteLedger::open(dir.file("pool.sqlite"), opt);
  REQUIRE(again.ok());
  CHECK((*again)->accepted_shares() == 2);
  CHECK((*again)->rejected_by_reason().at("Stale") == 2);
  CHECK((*again)->window_total() == doctest::Approx(4));
}

TEST_CASE("ledger: a block is recorded once and credits the plan its job carried") {
  test::ScratchDir dir;
  auto l = SqliteLedger::open(dir.file("pool.sqlite"));
  REQUIRE(l.ok());
  auto& ledger = **l;
  for (int i = 0; i < 99; ++i) ledger.on_share(test::make_share("big", "w", 10, 1'700'000'000 + i));
  ledger.on_share(test::make_share("tiny", "w", 1, 1'700'000'100));
  const auto plan = std::make_shared<payout::PayoutPlan>(
      ledger.plan_for_job(payout::Scheme::kPplns, 1'000'000, "", 1e9, kFee, kRules));
  REQUIRE(payout::check_plan(*plan).empty());
  const int64_t tiny_due = plan->balance_changes().at("tiny");
  CHECK(tiny_due > 0);
  CHECK(tiny_due < 5000);
  ledger.on_block(block(101, "h101", plan));
  ledger.on_block(block(101, "h101", plan));  // reported twice: counted once
  CHECK(query_num(dir.file("pool.sqlite"), "SELECT count(*) FROM blocks") == 1);
  CHECK(query_text(dir.file("pool.sqlite"), "SELECT status FROM blocks") == "pending");
  CHECK(ledger.balance("tiny") == tiny_due);
  CHECK(query_num(dir.file("pool.sqlite"), "SELECT balance FROM balances WHERE address='tiny'") ==
        tiny_due);
  CHECK(query_num(dir.file("pool.sqlite"), "SELECT sum(output) FROM block_payouts") == 1'000'000);
  // A block the node refused credits nothing.
  ledger.on_block(block(102, "h102", plan, false));
  CHECK(query_text(dir.file("pool.sqlite"), "SELECT status FROM blocks WHERE hash='h102'") ==
        "rejected");
  CHECK(ledger.balance("tiny") == tiny_due);
}

TEST_CASE("ledger: confirmed at 100 confirmations, orphaned blocks reverse exactly their credits") {
  test::ScratchDir dir;
  auto l = SqliteLedger::open(dir.file("pool.sqlite"));
  REQUIRE(l.ok());
  auto& ledger = **l;
  std::mt19937_64 rng(btr::test::seed());
  int64_t t = 1'700'000'000;
  std::vector<std::map<std::string, int64_t>> deltas;
  for (int b = 0; b < 6; ++b) {
    for (int i = 0; i < 200; ++i) {
      ledger.on_share(test::make_share("m" + std::to_string(rng() % 12), "w",
                                       static_cast<double>(1 + rng() % 4), t++));
    }
    auto plan = std::make_shared<payout::PayoutPlan>(
        ledger.plan_for_job(payout::Scheme::kPplns, 50'000'000 + static_cast<int64_t>(rng() % 1000),
                            "", 300, kFee, payout::PplnsRules{2'000'000, 4}));
    REQUIRE(payout::check_plan(*plan).empty());
    deltas.push_back(plan->balance_changes());
    ledger.on_block(block(200 + b, "h" + std::to_string(b), plan));
  }
  const auto before = ledger.balances();
  // Block 2 leaves the chain; the others stay. Tip at 299: 200 has 100 confirmations.
  std::vector<ChainCheck> checks;
  for (const auto& p : ledger.pending_blocks()) {
    ChainCheck c{p.height, p.hash, p.hash};
    if (p.hash == "h2") c.hash_at_height = "other";
    checks.push_back(c);
  }
  const auto changed = ledger.apply_chain_checks(299, checks);
  CHECK(std::find(changed.begin(), changed.end(), "h2:orphaned") != changed.end());
  CHECK(std::find(changed.begin(), changed.end(), "h0:confirmed") != changed.end());
  CHECK(query_text(dir.file("pool.sqlite"), "SELECT status FROM blocks WHERE hash='h1'") ==
        "pending");
  CHECK(query_num(dir.file("pool.sqlite"), "SELECT confirmations FROM blocks WHERE hash='h1'") ==
        99);
  for (const auto& [address, b] : before) {
    const int64_t d = deltas[2].count(address) ? deltas[2].at(address) : 0;
    CHECK(ledger.balance(address) == b - d);
    CHECK(query_num(dir.file("pool.sqlite"), "SELECT balance FROM balances WHERE address='" +
                                                 address + "'") == static_cast<double>(b - d));
  }
  CHECK(query_num(dir.file("pool.sqlite"),
                  "SELECT count(*) FROM block_payouts WHERE reversed = 1") > 0);
  // Checked again: nothing is reversed twice.
  const auto after = ledger.balances();
  (void)ledger.apply_chain_checks(300, checks);
  CHECK(ledger.balances() == after);
  // A chain shorter than the block orphans it too.
  (void)ledger.apply_chain_checks(201, {ChainCheck{205, "h5", ""}});
  CHECK(query_text(dir.file("pool.sqlite"), "SELECT status FROM blocks WHERE hash='h5'") ==
        "orphaned");
}

TEST_CASE("ledger: the PPLNS window and balances survive a restart") {
  test::ScratchDir dir;
  std::map<std::string, double> weights_before;
  {
    auto l = SqliteLedger::open(dir.file("pool.sqlite"));
    REQUIRE(l.ok());
    for (int i = 0; i < 50; ++i)
      (*l)->on_share(test::make_share(i % 2 ? "x" : "y", "w", 1 + i % 3, 1'700'000'000 + i * 7));
    const auto p = (*l)->plan_for_job(payout::Scheme::kPplns, 1'000'000, "", 1e6, kFee, kRules);
    for (const auto& e : p.entries) weights_before[e.address] = static_cast<double>(e.earned);
  }
  auto l = SqliteLedger::open(dir.file("pool.sqlite"));
  REQUIRE(l.ok());
  const auto p = (*l)->plan_for_job(payout::Scheme::kPplns, 1'000'000, "", 1e6, kFee, kRules);
  for (const auto& e : p.entries) CHECK(static_cast<double>(e.earned) == weights_before[e.address]);
}

// Months of shares: raw slices older than the PPLNS window and the stats
// horizon are rolled up, so the file stops growing once both are covered.
TEST_CASE("ledger: retention keeps the file small over a simulated 120 days") {
  test::ScratchDir dir;
  int64_t now = 1'700'000'000;
  LedgerOptions opt;
  opt.clock = [&] { return now; };
  opt.stats_horizon_s = 24 * 3600;
  opt.history_s = 30 * 24 * 3600;
  opt.rollup_interval_s = 3600;
  opt.fsync = false;  // months in seconds: the disk's flush latency is not under test here
  auto l = SqliteLedger::open(dir.file("pool.sqlite"), opt);
  REQUIRE(l.ok());
  auto& ledger = **l;
  constexpr int kWorkers = 40;
  std::vector<uintmax_t> size_at_day;
  double submitted = 0;
  for (int day = 0; day < 120; ++day) {
    // One flush every 10 simulated minutes, each worker with a share in it
    // (the slices are per minute, so every flush writes new rows).
    for (int step = 0; step < 144; ++step) {
      for (int w = 0; w < kWorkers; ++w) {
        ledger.on_share(
            test::make_share("addr" + std::to_string(w % 10), "w" + std::to_string(w), 4, now));
        submitted += 4;
      }
      now += 600;
      REQUIRE(ledger.flush().ok());
      // A job now and then keeps the PPLNS window (N = 2,000) current.
      if (step % 36 == 0)
        (void)ledger.plan_for_job(payout::Scheme::kPplns, 1'000'000, "", 2000, kFee, kRules);
    }
    REQUIRE(ledger.flush().ok());
    size_at_day.push_back(std::filesystem::file_size(dir.file("pool.sqlite")));
  }
  const uintmax_t at_40 = size_at_day[39];
  const uintmax_t at_120 = size_at_day[119];
  MESSAGE("ledger file after 40 days: " << at_40 << " bytes, after 120 days: " << at_120
                                        << " bytes (" << kWorkers << " workers, 10 addresses)");
  CHECK(at_120 < 2 * 1024 * 1024);
  CHECK(at_120 <= at_40 + 64 * 1024);  // flat once the horizons are covered
  // Raw slices: only the last day (the window is shorter); nothing lost overall.
  CHECK(query_num(dir.file("pool.sqlite"), "SELECT min(slice_start) FROM share_slices") >=
        static_cast<double>(now - 25 * 3600));
  const double rolled =
      query_num(dir.file("pool.sqlite"), "SELECT sum(difficulty) FROM pool_hourly");
  const double raw = query_num(dir.file("pool.sqlite"), "SELECT sum(difficulty) FROM share_slices");
  CHECK(rolled + raw == doctest::Approx(submitted));
  CHECK(query_num(dir.file("pool.sqlite"), "SELECT sum(difficulty) FROM worker_totals") ==
        doctest::Approx(submitted));
  CHECK(query_num(dir.file("pool.sqlite"), "SELECT count(DISTINCT day) FROM address_daily") <= 31);
}
