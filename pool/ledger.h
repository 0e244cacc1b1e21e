#pragma once
// The pool server's hook into accounting. The server reports every share it
// answered and every block it submitted through these two interfaces; the
// accounting issue replaces SqliteLedger with the full ledger (payouts, PPLNS)
// without touching the server. All calls come from the event-loop thread.

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "core/result.h"

struct sqlite3;

namespace btr::pool {

struct ShareEvent {
  std::string address;           // payout address from the username
  std::string worker;            // full username as authorized
  double target_difficulty = 0;  // difficulty the share was judged against
  double share_difficulty = 0;   // diff1 / hash (0 when it was never hashed)
  bool accepted = false;
  int reject_code = 0;  // 20..25 when rejected
  std::string reject_reason;
  int64_t unix_time = 0;
};

struct BlockEvent {
  int64_t height = 0;
  std::string hash;       // display hex
  std::string prev_hash;  // display hex
  std::string address;
  std::string worker;
  double share_difficulty = 0;
  bool accepted = false;      // submitblock returned null or "duplicate"
  std::string submit_result;  // "accepted" or the node's reason / transport error
  int64_t unix_time = 0;
};

class ShareSink {
 public:
  virtual ~ShareSink() = default;
  virtual void on_share(const ShareEvent& share) = 0;
};

class BlockSink {
 public:
  virtual ~BlockSink() = default;
  virtual void on_block(const BlockEvent& block) = 0;
};

class Ledger : public ShareSink, public BlockSink {
 public:
  // Writes what is buffered; called every few seconds and at shutdown.
  virtual core::Status flush() = 0;
};

// Minimal SQLite ledger (WAL): found blocks are written at once, per-worker
// share counters are aggregated in memory and written in one transaction per
// flush, so a crash loses at most one flush interval and never corrupts it.
class SqliteLedger final : public Ledger {
 public:
  static core::Result<std::unique_ptr<SqliteLedger>> open(const std::string& path);
  ~SqliteLedger() override;
  SqliteLedger(const SqliteLedger&) = delete;
  SqliteLedger& operator=(const SqliteLedger&) = delete;

  void on_share(const ShareEvent& share) override;
  void on_block(const BlockEvent& block) override;
  core::Status flush() override;

  uint64_t pending_workers() const { return pending_.size(); }

 private:
  explicit SqliteLedger(sqlite3* db) : db_(db) {}
  core::Status exec(const char* sql);

  struct Counters {
    uint64_t accepted = 0;
    uint64_t rejected = 0;
    double difficulty_sum = 0;
    double best_share = 0;
    int64_t last_time = 0;
  };
  sqlite3* db_;
  std::map<std::string, Counters> pending_;
};

}  // namespace btr::pool
