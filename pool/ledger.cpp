#include "pool/ledger.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "pool/ledger_sql.h"

namespace btr::pool {
namespace {

// auto_vacuum must be chosen before the first table exists; incremental
// vacuum after each roll-up hands freed pages back, so the file shrinks
// with the data instead of only ever growing.
constexpr const char* kPragmas =
    "PRAGMA auto_vacuum=INCREMENTAL; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
    "PRAGMA foreign_keys=ON;";

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS share_slices (
  slice_start INTEGER NOT NULL,
  worker TEXT NOT NULL,
  address TEXT NOT NULL,
  accepted INTEGER NOT NULL,
  rejected INTEGER NOT NULL,
  difficulty REAL NOT NULL,
  best_share REAL NOT NULL,
  first_time INTEGER NOT NULL,
  last_time INTEGER NOT NULL,
  PRIMARY KEY (slice_start, worker)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS share_slices_address ON share_slices (address, slice_start);
CREATE TABLE IF NOT EXISTS worker_totals (
  worker TEXT PRIMARY KEY,
  address TEXT NOT NULL,
  accepted INTEGER NOT NULL DEFAULT 0,
  rejected INTEGER NOT NULL DEFAULT 0,
  difficulty REAL NOT NULL DEFAULT 0,
  best_share REAL NOT NULL DEFAULT 0,
  first_time INTEGER NOT NULL DEFAULT 0,
  last_time INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS worker_totals_address ON worker_totals (address);
CREATE TABLE IF NOT EXISTS reject_reasons (
  reason TEXT PRIMARY KEY,
  count INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS pool_hourly (
  hour INTEGER PRIMARY KEY,
  accepted INTEGER NOT NULL,
  difficulty REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS address_daily (
  day INTEGER NOT NULL,
  address TEXT NOT NULL,
  accepted INTEGER NOT NULL,
  difficulty REAL NOT NULL,
  PRIMARY KEY (day, address)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS blocks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  height INTEGER NOT NULL,
  hash TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  address TEXT NOT NULL,
  worker TEXT NOT NULL,
  share_difficulty REAL NOT NULL,
  submit_accepted INTEGER NOT NULL,
  submit_result TEXT NOT NULL,
  found_time INTEGER NOT NULL,
  status TEXT NOT NULL,
  confirmations INTEGER NOT NULL DEFAULT 0,
  value INTEGER NOT NULL DEFAULT 0,
  scheme TEXT NOT NULL DEFAULT 'solo',
  UNIQUE (height, hash)
);
CREATE TABLE IF NOT EXISTS block_payouts (
  block_id INTEGER NOT NULL REFERENCES blocks(id),
  address TEXT NOT NULL,
  is_operator INTEGER NOT NULL DEFAULT 0,
  earned INTEGER NOT NULL,
  balance_paid INTEGER NOT NULL,
  output INTEGER NOT NULL,
  carried INTEGER NOT NULL,
  reversed INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (block_id, address, is_operator)
);
CREATE INDEX IF NOT EXISTS block_payouts_address ON block_payouts (address);
CREATE TABLE IF NOT EXISTS balances (
  address TEXT PRIMARY KEY,
  balance INTEGER NOT NULL
);
)";

}  // namespace

SqliteLedger::SqliteLedger(sqlite3* db, LedgerOptions options)
    : db_(db), options_(std::move(options)) {
  if (options_.slice_s < 1) options_.slice_s = 60;
}

core::Result<std::unique_ptr<SqliteLedger>> SqliteLedger::open(const std::string& path,
                                                               LedgerOptions options) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    std::string err = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return core::fail("ledger: cannot open " + path + ": " + err);
  }
  std::unique_ptr<SqliteLedger> ledger(new SqliteLedger(db, std::move(options)));
  sqlite3_busy_timeout(db, 2000);
  for (const char* sql : {kPragmas, kSchema}) {
    if (auto st = ledger->exec(sql); !st.ok()) return core::fail(st.error());
  }
  if (!ledger->options_.fsync) (void)ledger->exec("PRAGMA synchronous=OFF;");
  if (auto st = ledger->load_state(); !st.ok()) return core::fail(st.error());
  return ledger;
}

SqliteLedger::~SqliteLedger() {
  if (auto st = flush(); !st.ok()) std::fprintf(stderr, "%s\n", st.error().c_str());
  sqlite3_close(db_);
}

int64_t SqliteLedger::now() const {
  return options_.clock ? options_.clock() : static_cast<int64_t>(std::time(nullptr));
}

core::Status SqliteLedger::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err != nullptr ? err : "unknown";
    sqlite3_free(err);
    return core::fail(std::string("ledger: ") + msg);
  }
  return core::Status::success();
}

// Balances and the PPLNS window come back from the file: raw slices are kept
// for at least the window (retention), so a restart loses no PPLNS credit.
core::Status SqliteLedger::load_state() {
  reload_balances();
  SqlStmt s(db_,
            "SELECT slice_start, address, sum(difficulty) FROM share_slices"
            " GROUP BY slice_start, address ORDER BY slice_start");
  if (!s.ok()) return core::fail("ledger: " + s.error());
  while (s.step() == SQLITE_ROW) window_.add(s.text(1), s.f64(2), s.i64(0));
  SqlStmt a(db_, "SELECT coalesce(sum(accepted), 0) FROM worker_totals");
  if (a.step() == SQLITE_ROW) accepted_total_ = static_cast<uint64_t>(a.i64(0));
  SqlStmt r(db_, "SELECT reason, count FROM reject_reasons");
  while (r.step() == SQLITE_ROW) rejected_total_[r.text(0)] = static_cast<uint64_t>(r.i64(1));
  last_rollup_ = now();
  return core::Status::success();
}

void SqliteLedger::on_share(const ShareEvent& share) {
  const int64_t t = share.unix_time;
  Pending& p = pending_[{t - t % options_.slice_s, share.worker}];
  if (p.first_time == 0) p.first_time = t;
  p.first_time = std::min(p.first_time, t);
  p.last_time = std::max(p.last_time, t);
  p.address = share.address;
  if (share.accepted) {
    ++p.accepted;
    p.difficulty += share.target_difficulty;
    p.best_share = std::max(p.best_share, share.share_difficulty);
    if (!share.address.empty()) window_.add(share.address, share.target_difficulty, t);
    ++accepted_total_;
    last_share_[share.worker] = std::max(last_share_[share.worker], t);
    offline_.erase(share.worker);
  } else {
    ++p.rejected;
    const std::string reason = share.reject_reason.empty() ? "unknown" : share.reject_reason;
    ++pending_rejects_[reason];
    ++rejected_total_[reason];
  }
}

std::vector<std::string> SqliteLedger::take_offline_workers(int64_t now, double offline_s) {
  std::vector<std::string> out;
  for (auto it = last_share_.begin(); it != last_share_.end();) {
    const double silent = static_cast<double>(now - it->second);
    if (silent > offline_s && offline_.count(it->first) == 0) {
      out.push_back(it->first);
      offline_.insert(it->first);
    }
    // Forget workers long gone so the map does not grow without bound.
    if (silent > 10 * offline_s + 86400) {
      offline_.erase(it->first);
      it = last_share_.erase(it);
    } else {
      ++it;
    }
  }
  return out;
}

core::Status SqliteLedger::flush() {
  if (!pending_.empty() || !pending_rejects_.empty()) {
    if (auto st = exec("BEGIN IMMEDIATE;"); !st.ok()) return st;
    if (auto st = write_pending(); !st.ok()) {
      (void)exec("ROLLBACK;");
      return st;
    }
    if (auto st = exec("COMMIT;"); !st.ok()) {
      (void)exec("ROLLBACK;");
      return st;
    }
    pending_.clear();
    pending_rejects_.clear();
  }
  const int64_t t = now();
  if (t - last_rollup_ >= options_.rollup_interval_s) {
    last_rollup_ = t;
    return roll_up(t);
  }
  return core::Status::success();
}

core::Status SqliteLedger::write_pending() {
  SqlStmt slice(
      db_,
      "INSERT INTO share_slices (slice_start, worker, address, accepted, rejected,"
      " difficulty, best_share, first_time, last_time) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)"
      " ON CONFLICT(slice_start, worker) DO UPDATE SET accepted = accepted + ?4,"
      " rejected = rejected + ?5, difficulty = difficulty + ?6,"
      " best_share = max(best_share, ?7), first_time = min(first_time, ?8),"
      " last_time = max(last_time, ?9)");
  SqlStmt total(db_,
                "INSERT INTO worker_totals (worker, address, accepted, rejected, difficulty,"
                " best_share, first_time, last_time) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)"
                " ON CONFLICT(worker) DO UPDATE SET accepted = accepted + ?3,"
                " rejected = rejected + ?4, difficulty = difficulty + ?5,"
                " best_share = max(best_share, ?6), last_time = max(last_time, ?8)");
  SqlStmt reject(db_,
                 "INSERT INTO reject_reasons (reason, count) VALUES (?1, ?2)"
                 " ON CONFLICT(reason) DO UPDATE SET count = count + ?2");
  if (!slice.ok() || !total.ok() || !reject.ok()) return core::fail("ledger: " + slice.error());
  size_t row = 0;
  for (const auto& [key, p] : pending_) {
    if (flush_hook_) flush_hook_(row++);
    slice.reset();
    slice.bind(1, key.first).bind(2, key.second).bind(3, p.address);
    slice.bind(4, static_cast<int64_t>(p.accepted)).bind(5, static_cast<int64_t>(p.rejected));
    slice.bind(6, p.difficulty).bind(7, p.best_share).bind(8, p.first_time).bind(9, p.last_time);
    if (!slice.run()) return core::fail("ledger: " + slice.error());
    total.reset();
    total.bind(1, key.second).bind(2, p.address).bind(3, static_cast<int64_t>(p.accepted));
    total.bind(4, static_cast<int64_t>(p.rejected)).bind(5, p.difficulty).bind(6, p.best_share);
    total.bind(7, p.first_time).bind(8, p.last_time);
    if (!total.run()) return core::fail("ledger: " + total.error());
  }
  for (const auto& [reason, count] : pending_rejects_) {
    if (flush_hook_) flush_hook_(row++);
    reject.reset();
    reject.bind(1, reason).bind(2, static_cast<int64_t>(count));
    if (!reject.run()) return core::fail("ledger: " + reject.error());
  }
  return core::Status::success();
}

}  // namespace btr::pool
