#include "pool/ledger.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdio>

namespace btr::pool {
namespace {

constexpr const char* kSchema = R"(
CREATE TABLE IF NOT EXISTS blocks (
  height INTEGER NOT NULL,
  hash TEXT NOT NULL UNIQUE,
  prev_hash TEXT NOT NULL,
  address TEXT NOT NULL,
  worker TEXT NOT NULL,
  share_difficulty REAL NOT NULL,
  accepted INTEGER NOT NULL,
  submit_result TEXT NOT NULL,
  found_time INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS worker_shares (
  worker TEXT PRIMARY KEY,
  accepted INTEGER NOT NULL DEFAULT 0,
  rejected INTEGER NOT NULL DEFAULT 0,
  difficulty_sum REAL NOT NULL DEFAULT 0,
  best_share REAL NOT NULL DEFAULT 0,
  last_time INTEGER NOT NULL DEFAULT 0
);
)";

// Finalizes a prepared statement on every path out of a scope.
struct Stmt {
  sqlite3_stmt* s = nullptr;
  ~Stmt() { sqlite3_finalize(s); }
};

}  // namespace

core::Result<std::unique_ptr<SqliteLedger>> SqliteLedger::open(const std::string& path) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) !=
      SQLITE_OK) {
    std::string err = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return core::fail("ledger: cannot open " + path + ": " + err);
  }
  std::unique_ptr<SqliteLedger> ledger(new SqliteLedger(db));
  sqlite3_busy_timeout(db, 2000);
  for (const char* sql : {"PRAGMA journal_mode=WAL;", "PRAGMA synchronous=NORMAL;", kSchema}) {
    auto st = ledger->exec(sql);
    if (!st.ok()) return core::fail(st.error());
  }
  return ledger;
}

SqliteLedger::~SqliteLedger() {
  (void)flush();
  sqlite3_close(db_);
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

void SqliteLedger::on_share(const ShareEvent& share) {
  Counters& c = pending_[share.worker];
  if (share.accepted) {
    ++c.accepted;
    c.difficulty_sum += share.target_difficulty;
    c.best_share = std::max(c.best_share, share.share_difficulty);
  } else {
    ++c.rejected;
  }
  c.last_time = std::max(c.last_time, share.unix_time);
}

void SqliteLedger::on_block(const BlockEvent& b) {
  Stmt st;
  const char* sql =
      "INSERT OR REPLACE INTO blocks (height, hash, prev_hash, address, worker, share_difficulty,"
      " accepted, submit_result, found_time) VALUES (?,?,?,?,?,?,?,?,?)";
  if (sqlite3_prepare_v2(db_, sql, -1, &st.s, nullptr) != SQLITE_OK) {
    std::fprintf(stderr, "ledger: %s\n", sqlite3_errmsg(db_));
    return;
  }
  sqlite3_bind_int64(st.s, 1, b.height);
  sqlite3_bind_text(st.s, 2, b.hash.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st.s, 3, b.prev_hash.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st.s, 4, b.address.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text(st.s, 5, b.worker.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_double(st.s, 6, b.share_difficulty);
  sqlite3_bind_int(st.s, 7, b.accepted ? 1 : 0);
  sqlite3_bind_text(st.s, 8, b.submit_result.c_str(), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64(st.s, 9, b.unix_time);
  if (sqlite3_step(st.s) != SQLITE_DONE) {
    std::fprintf(stderr, "ledger: block insert failed: %s\n", sqlite3_errmsg(db_));
  }
}

core::Status SqliteLedger::flush() {
  if (pending_.empty()) return core::Status::success();
  if (auto st = exec("BEGIN IMMEDIATE;"); !st.ok()) return st;
  Stmt st;
  const char* sql =
      "INSERT INTO worker_shares (worker, accepted, rejected, difficulty_sum, best_share,"
      " last_time) VALUES (?1,?2,?3,?4,?5,?6) ON CONFLICT(worker) DO UPDATE SET"
      " accepted = accepted + ?2, rejected = rejected + ?3,"
      " difficulty_sum = difficulty_sum + ?4, best_share = max(best_share, ?5),"
      " last_time = max(last_time, ?6)";
  if (sqlite3_prepare_v2(db_, sql, -1, &st.s, nullptr) != SQLITE_OK) {
    std::string err = sqlite3_errmsg(db_);
    (void)exec("ROLLBACK;");
    return core::fail("ledger: " + err);
  }
  for (const auto& [worker, c] : pending_) {
    sqlite3_reset(st.s);
    sqlite3_bind_text(st.s, 1, worker.c_str(), -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st.s, 2, static_cast<sqlite3_int64>(c.accepted));
    sqlite3_bind_int64(st.s, 3, static_cast<sqlite3_int64>(c.rejected));
    sqlite3_bind_double(st.s, 4, c.difficulty_sum);
    sqlite3_bind_double(st.s, 5, c.best_share);
    sqlite3_bind_int64(st.s, 6, c.last_time);
    if (sqlite3_step(st.s) != SQLITE_DONE) {
      std::string err = sqlite3_errmsg(db_);
      (void)exec("ROLLBACK;");
      return core::fail("ledger: " + err);
    }
  }
  if (auto c = exec("COMMIT;"); !c.ok()) return c;
  pending_.clear();
  return core::Status::success();
}

}  // namespace btr::pool
