#pragma once
// A prepared SQLite statement that finalizes itself, with typed binds and
// reads. Internal to the ledger and its read-only queries.

#include <sqlite3.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace btr::pool {

class SqlStmt {
 public:
  SqlStmt(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &s_, nullptr) != SQLITE_OK) s_ = nullptr;
  }
  ~SqlStmt() { sqlite3_finalize(s_); }
  SqlStmt(const SqlStmt&) = delete;
  SqlStmt& operator=(const SqlStmt&) = delete;

  bool ok() const { return s_ != nullptr; }
  std::string error() const { return sqlite3_errmsg(db_); }

  SqlStmt& bind(int i, int64_t v) {
    sqlite3_bind_int64(s_, i, v);
    return *this;
  }
  SqlStmt& bind(int i, double v) {
    sqlite3_bind_double(s_, i, v);
    return *this;
  }
  SqlStmt& bind(int i, std::string_view v) {
    sqlite3_bind_text(s_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  // SQLITE_ROW, SQLITE_DONE or an error code.
  int step() { return s_ == nullptr ? SQLITE_MISUSE : sqlite3_step(s_); }
  bool run() { return step() == SQLITE_DONE; }
  void reset() {
    sqlite3_reset(s_);
    sqlite3_clear_bindings(s_);
  }

  int64_t i64(int col) const { return sqlite3_column_int64(s_, col); }
  double f64(int col) const { return sqlite3_column_double(s_, col); }
  std::string text(int col) const {
    const auto* p = sqlite3_column_text(s_, col);
    return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p));
  }

 private:
  sqlite3* db_;
  sqlite3_stmt* s_ = nullptr;
};

}  // namespace btr::pool
