#include <doctest/doctest.h>
#include <sqlite3.h>

#include <filesystem>

#include "pool/ledger.h"

using namespace btr::pool;

namespace {
int64_t query_int(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* st = nullptr;
  int64_t v = -1;
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    v = sqlite3_column_int64(st, 0);
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}
std::string query_text(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* st = nullptr;
  std::string v;
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    v = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}
}  // namespace

TEST_CASE("ledger: share counters are written at flush, blocks at once (WAL)") {
  const auto dir = std::filesystem::temp_directory_path() / "btr-ledger-test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string path = (dir / "pool.sqlite").string();
  {
    auto l = SqliteLedger::open(path);
    REQUIRE(l.ok());
    auto& ledger = **l;
    ShareEvent s;
    s.worker = "addr.w1";
    s.accepted = true;
    s.target_difficulty = 2;
    s.unix_time = 10;
    ledger.on_share(s);
    ledger.on_share(s);
    s.accepted = false;
    s.reject_code = 23;
    ledger.on_share(s);
    CHECK(query_int(path, "SELECT count(*) FROM worker_shares") == 0);  // not yet flushed
    BlockEvent b;
    b.height = 5;
    b.hash = "00ab";
    b.prev_hash = "00aa";
    b.worker = "addr.w1";
    b.accepted = true;
    b.submit_result = "accepted";
    ledger.on_block(b);
    CHECK(query_int(path, "SELECT count(*) FROM blocks WHERE height = 5 AND accepted = 1") == 1);
    REQUIRE(ledger.flush().ok());
    CHECK(query_int(path, "SELECT accepted FROM worker_shares WHERE worker = 'addr.w1'") == 2);
    CHECK(query_int(path, "SELECT rejected FROM worker_shares WHERE worker = 'addr.w1'") == 1);
    ledger.on_share(s);
    REQUIRE(ledger.flush().ok());  // counters add up across flushes
    CHECK(query_int(path, "SELECT rejected FROM worker_shares WHERE worker = 'addr.w1'") == 2);
  }
  CHECK(query_text(path, "PRAGMA journal_mode") == "wal");
  std::filesystem::remove_all(dir);
}
