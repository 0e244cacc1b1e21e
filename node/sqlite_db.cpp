#include "node/sqlite_db.h"

#include <cassert>

namespace btr::node {

SqliteStmt& SqliteStmt::bind(int i, int64_t v) {
  sqlite3_bind_int64(stmt_, i, v);
  return *this;
}

SqliteStmt& SqliteStmt::bind(int i, std::span<const uint8_t> blob) {
  // An empty span still binds a zero-length blob, not NULL.
  static const uint8_t kEmpty = 0;
  sqlite3_bind_blob(stmt_, i, blob.empty() ? &kEmpty : blob.data(), static_cast<int>(blob.size()),
                    SQLITE_TRANSIENT);
  return *this;
}

SqliteStmt& SqliteStmt::bind_text(int i, const std::string& text) {
  sqlite3_bind_text(stmt_, i, text.c_str(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  return *this;
}

core::Result<bool> SqliteStmt::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  std::string msg = sqlite3_errmsg(sqlite3_db_handle(stmt_));
  sqlite3_reset(stmt_);
  return core::fail("sqlite: " + msg);
}

core::Status SqliteStmt::exec() {
  auto r = step();
  reset();
  if (!r) return core::fail(r.error());
  return core::Status::success();
}

void SqliteStmt::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t SqliteStmt::column_int(int i) const {
  return sqlite3_column_int64(stmt_, i);
}

std::vector<uint8_t> SqliteStmt::column_blob(int i) const {
  const auto* p = static_cast<const uint8_t*>(sqlite3_column_blob(stmt_, i));
  const int n = sqlite3_column_bytes(stmt_, i);
  if (p == nullptr || n <= 0) return {};
  return std::vector<uint8_t>(p, p + n);
}

std::string SqliteStmt::column_text(int i) const {
  const auto* p = sqlite3_column_text(stmt_, i);
  return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p));
}

bool SqliteStmt::column_is_null(int i) const {
  return sqlite3_column_type(stmt_, i) == SQLITE_NULL;
}

core::Result<std::unique_ptr<SqliteDb>> SqliteDb::open(const std::filesystem::path& path) {
  sqlite3* db = nullptr;
  const int rc =
      sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db != nullptr ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return core::fail("cannot open " + path.string() + ": " + msg);
  }
  sqlite3_busy_timeout(db, 5000);
  return std::unique_ptr<SqliteDb>(new SqliteDb(db));
}

SqliteDb::~SqliteDb() {
  sqlite3_close_v2(db_);
}

core::Status SqliteDb::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err != nullptr ? err : "unknown error";
    sqlite3_free(err);
    return core::fail("sqlite: " + msg);
  }
  return core::Status::success();
}

SqliteStmt SqliteDb::prepare(const std::string& sql) {
  sqlite3_stmt* s = nullptr;
  const int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &s, nullptr);
  assert(rc == SQLITE_OK && "malformed SQL in the program");
  (void)rc;
  return SqliteStmt(s);
}

SqliteTxn::SqliteTxn(SqliteDb& db) : db_(db) {
  began_ = db_.exec("BEGIN IMMEDIATE").ok();
}

SqliteTxn::~SqliteTxn() {
  if (began_ && !done_) (void)db_.exec("ROLLBACK");
}

core::Status SqliteTxn::commit() {
  if (!began_) return core::fail("sqlite: transaction did not begin");
  auto st = db_.exec("COMMIT");
  if (st) done_ = true;
  return st;
}

}  // namespace btr::node
