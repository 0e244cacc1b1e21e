// A pool killed in the middle of a ledger flush: the file must reopen intact,
// with every flush either fully there or not at all (one transaction each).
#include <doctest/doctest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <random>

#include "pool/ledger.h"
#include "test/common/test_util.h"
#include "test/pool/net/net_util.h"

using namespace btr;

namespace {

constexpr int kWorkers = 50;
constexpr int kSharesPerFlush = 3;  // per worker

// Child: flush complete batches forever; in batch `kill_batch` it dies by
// SIGKILL before row `kill_row` of the flush (the transaction is open and
// partly written).
[[noreturn]] void child(const std::string& path, int kill_batch, size_t kill_row) {
  auto l = pool::SqliteLedger::open(path);
  if (!l.ok()) _exit(2);
  auto& ledger = **l;
  int batch = 0;
  ledger.set_flush_hook([&](size_t row) {
    if (batch == kill_batch && row == kill_row) ::kill(::getpid(), SIGKILL);
  });
  for (;; ++batch) {
    if (batch > kill_batch) _exit(4);  // the hook never fired: fail, never spin
    for (int w = 0; w < kWorkers; ++w) {
      for (int k = 0; k < kSharesPerFlush; ++k) {
        pool::ShareEvent s;
        s.address = "addr" + std::to_string(w % 7);
        s.worker = s.address + ".w" + std::to_string(w);
        s.accepted = true;
        s.target_difficulty = 2;
        s.unix_time = 1'700'000'000 + batch;
        ledger.on_share(s);
      }
    }
    if (!ledger.flush().ok()) _exit(3);
  }
}

int64_t scalar(sqlite3* db, const char* sql) {
  sqlite3_stmt* st = nullptr;
  int64_t v = -1;
  if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
    v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return v;
}

}  // namespace

TEST_CASE("ledger: a process killed in the middle of a flush leaves a consistent file") {
  std::mt19937_64 rng(test::seed());
  test::TempDir dir;
  const std::string path = (dir.path / "pool.sqlite").string();
  int expected_batches = 0;
  for (int round = 0; round < 4; ++round) {
    const int kill_batch = 1 + static_cast<int>(rng() % 5);
    const size_t kill_row = 1 + rng() % (kWorkers - 1);  // inside the flush (one row per worker)
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) child(path, kill_batch, kill_row);
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFSIGNALED(status));
    CHECK(WTERMSIG(status) == SIGKILL);
    expected_batches += kill_batch;  // the batches before the killed one

    // Reopen like a restarted pool: the open must succeed and recover the WAL.
    auto reopened = pool::SqliteLedger::open(path);
    REQUIRE(reopened.ok());
    sqlite3* db = (*reopened)->db();
    char* err = nullptr;
    std::string integrity;
    sqlite3_exec(
        db, "PRAGMA integrity_check",
        [](void* out, int, char** values, char**) {
          *static_cast<std::string*>(out) += values[0] != nullptr ? values[0] : "";
          return 0;
        },
        &integrity, &err);
    sqlite3_free(err);
    CHECK(integrity == "ok");
    // Whole flushes only: every worker has the same count, a multiple of a batch.
    const int64_t total = scalar(db, "SELECT sum(accepted) FROM worker_totals");
    CHECK(total == int64_t{expected_batches} * kWorkers * kSharesPerFlush);
    CHECK(scalar(db, "SELECT count(DISTINCT accepted) FROM worker_totals") == 1);
    CHECK(scalar(db, "SELECT sum(accepted) FROM share_slices") == total);
    CHECK((*reopened)->accepted_shares() == static_cast<uint64_t>(total));
  }
}
