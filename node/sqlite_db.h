#pragma once
// A thin RAII layer over the SQLite C API: a connection, prepared statements
// with typed binds and column reads, and a transaction guard that rolls back
// unless committed. Errors are returned as core::Status with SQLite's message.

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"

namespace btr::node {

class SqliteStmt {
 public:
  SqliteStmt() = default;
  explicit SqliteStmt(sqlite3_stmt* s) : stmt_(s) {}
  ~SqliteStmt() { sqlite3_finalize(stmt_); }
  SqliteStmt(SqliteStmt&& o) noexcept : stmt_(o.stmt_) { o.stmt_ = nullptr; }
  SqliteStmt& operator=(SqliteStmt&& o) noexcept {
    std::swap(stmt_, o.stmt_);
    return *this;
  }

  // Binds are 1-based, as SQLite's.
  SqliteStmt& bind(int i, int64_t v);
  SqliteStmt& bind(int i, std::span<const uint8_t> blob);
  SqliteStmt& bind_text(int i, const std::string& text);
  // SQLITE_ROW -> true, SQLITE_DONE -> false; anything else -> error.
  core::Result<bool> step();
  // step() expecting SQLITE_DONE, then reset.
  core::Status exec();
  void reset();

  int64_t column_int(int i) const;
  std::vector<uint8_t> column_blob(int i) const;
  std::string column_text(int i) const;
  bool column_is_null(int i) const;

  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

class SqliteDb {
 public:
  static core::Result<std::unique_ptr<SqliteDb>> open(const std::filesystem::path& path);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  core::Status exec(const std::string& sql);
  // Asserts on a malformed statement: SQL text is part of the program.
  SqliteStmt prepare(const std::string& sql);
  std::string last_error() const { return sqlite3_errmsg(db_); }
  sqlite3* handle() const { return db_; }

 private:
  explicit SqliteDb(sqlite3* db) : db_(db) {}
  sqlite3* db_;
};

// BEGIN IMMEDIATE on construction; ROLLBACK on destruction unless commit()
// succeeded.
class SqliteTxn {
 public:
  explicit SqliteTxn(SqliteDb& db);
  ~SqliteTxn();
  SqliteTxn(const SqliteTxn&) = delete;
  SqliteTxn& operator=(const SqliteTxn&) = delete;
  bool began() const { return began_; }
  core::Status commit();

 private:
  SqliteDb& db_;
  bool began_ = false;
  bool done_ = false;
};

}  // namespace btr::node
