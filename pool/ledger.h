#pragma once
// The pool's accounting in SQLite (WAL, <datadir>/pool.sqlite). The server
// reports every share it answered and every block it submitted; the ledger
// aggregates shares in memory per worker and writes them in one transaction
// per flush (every few seconds and at shutdown), so a crash loses at most one
// flush interval and never leaves a half-written flush. Blocks and their
// payouts are written at once, in one transaction each.
//
// Tables (ledger.cpp has the schema): share_slices (raw per worker per
// slice_s), worker_totals (lifetime), reject_reasons, pool_hourly and
// address_daily (roll-ups), blocks (unique on height and hash; status
// pending -> confirmed | orphaned, or rejected when the node refused it),
// block_payouts (the plan of the block's job, per address), balances.
// Retention (ledger_retention.cpp): raw slices older than both the PPLNS
// window and stats_horizon_s are rolled up into pool_hourly/address_daily.
// Single-threaded: the event loop owns it.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/result.h"
#include "pool/payout/payout_plan.h"
#include "pool/payout/pplns_window.h"

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
  // The payout the block's job carried (null: an old-style job, recorded
  // as a solo payout of nothing).
  std::shared_ptr<const payout::PayoutPlan> plan;
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

struct LedgerOptions {
  int64_t slice_s = 60;                 // raw share slice length in the file
  int64_t stats_horizon_s = 24 * 3600;  // raw slices kept at least this long
  int64_t history_s = 90 * 24 * 3600;   // address_daily rows kept this long
  int64_t confirmations = 100;          // coinbase maturity
  int64_t rollup_interval_s = 60;       // retention pass at most this often
  bool fsync = true;  // false: synchronous=OFF, for simulations only (an OS crash may lose flushes)
  std::function<int64_t()> clock;  // unix seconds; default: time()
};

// A pending block and what the node's active chain holds at its height.
struct ChainCheck {
  int64_t height = 0;
  std::string hash;            // the block's hash
  std::string hash_at_height;  // getblockhash(height); "" when the chain is shorter
};

struct PendingBlock {
  int64_t height = 0;
  std::string hash;
};

class SqliteLedger final : public ShareSink, public BlockSink {
 public:
  struct Pending {  // not yet flushed, per (slice start, worker)
    std::string address;
    uint64_t accepted = 0;
    uint64_t rejected = 0;
    double difficulty = 0;
    double best_share = 0;
    int64_t first_time = 0;
    int64_t last_time = 0;
  };
  using PendingMap = std::map<std::pair<int64_t, std::string>, Pending>;

  static core::Result<std::unique_ptr<SqliteLedger>> open(const std::string& path,
                                                          LedgerOptions options = {});
  ~SqliteLedger() override;
  SqliteLedger(const SqliteLedger&) = delete;
  SqliteLedger& operator=(const SqliteLedger&) = delete;

  void on_share(const ShareEvent& share) override;
  // Records the block (once per height and hash); an accepted block's
  // payouts and balance changes are applied in the same transaction.
  void on_block(const BlockEvent& block) override;
  // Writes what is buffered in one transaction; runs retention when due.
  core::Status flush();

  // The payout of a job built now (ledger_blocks.cpp): PPLNS from the window
  // and the carried balances, or SOLO to `finder`.
  // window_n: N, the PPLNS window in difficulty (factor * network difficulty).
  payout::PayoutPlan plan_for_job(payout::Scheme scheme, int64_t value, const std::string& finder,
                                  double window_n, const payout::FeeRule& fee,
                                  const payout::PplnsRules& rules);
  std::vector<PendingBlock> pending_blocks() const;
  // Applies the node's view: confirmations, confirmed at options.confirmations,
  // orphaned (credits reversed) when the chain holds another block there.
  // Returns the blocks whose status changed, as "hash:status".
  std::vector<std::string> apply_chain_checks(int64_t tip_height,
                                              const std::vector<ChainCheck>& checks);
  int64_t balance(const std::string& address) const;
  const std::map<std::string, int64_t>& balances() const { return balances_; }

  // Retention (ledger_retention.cpp); `now` in unix seconds.
  core::Status roll_up(int64_t now);

  sqlite3* db() const { return db_; }  // read-only queries (pool/http/ledger_queries)
  const LedgerOptions& options() const { return options_; }
  int64_t now() const;
  uint64_t pending_workers() const { return pending_.size(); }
  const PendingMap& pending() const { return pending_; }
  // Lifetime share counts (file + not yet flushed).
  uint64_t accepted_shares() const { return accepted_total_; }
  const std::map<std::string, uint64_t>& rejected_by_reason() const { return rejected_total_; }
  // Workers whose last accepted share is older than offline_s, each
  // reported once until it shares again; `now` in unix seconds.
  std::vector<std::string> take_offline_workers(int64_t now, double offline_s);
  size_t online_workers() const { return last_share_.size() - offline_.size(); }
  double window_total() const { return window_.total(); }
  // Test hook: called before each row a flush writes (row index).
  void set_flush_hook(std::function<void(size_t)> hook) { flush_hook_ = std::move(hook); }

 private:
  SqliteLedger(sqlite3* db, LedgerOptions options);
  core::Status exec(const char* sql);
  core::Status load_state();
  void reload_balances();
  core::Status write_pending();
  core::Status record_block(const BlockEvent& b, int64_t& block_id, bool& inserted);
  core::Status record_payouts(int64_t block_id, const payout::PayoutPlan& plan);
  core::Status reverse_payouts(int64_t block_id);
  core::Status add_balance(const std::string& address, int64_t delta);

  sqlite3* db_;
  LedgerOptions options_;
  PendingMap pending_;
  uint64_t accepted_total_ = 0;
  std::map<std::string, uint64_t> rejected_total_;
  std::map<std::string, int64_t> last_share_;  // worker -> unix time of its last accepted share
  std::set<std::string> offline_;              // workers reported offline
  std::map<std::string, uint64_t> pending_rejects_;  // reason -> count
  std::map<std::string, int64_t> balances_;
  payout::PplnsWindow window_{10};
  double last_window_n_ = 0;
  int64_t last_rollup_ = 0;
  std::function<void(size_t)> flush_hook_;
};

// Kept for code that names the old interface: the ledger is SqliteLedger.
using Ledger = SqliteLedger;

}  // namespace btr::pool
