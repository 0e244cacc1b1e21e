#pragma once
// The memory pool: unconfirmed transactions the node would put in its next
// block and relay. A transaction enters through accept() (sendrawtransaction,
// testmempoolaccept, later P2P relay) after the consensus checks against the
// UTXO set plus the pool and the relay policy (standardness, fee floors,
// chain limits); no replacement: a spend of an outpoint the pool already
// spends is refused ("txn-mempool-conflict"). The pool follows the chain as
// a ChainListener: a connected block removes what it confirmed and what
// conflicts with it, a reorganization puts the disconnected blocks'
// transactions back. Limits: 25 ancestors and 25 descendants (count, and
// 101 kB of size each way), a byte budget (-maxmempool, evicting the lowest
// descendant fee rate) and an age limit (-mempoolexpiry).
//
// Everything runs on the node's event-loop thread; nothing here locks.
// Reasons are Bitcoin Core's reject reasons (TxValidationState strings).

#include <cstdint>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/amount.h"
#include "core/result.h"
#include "core/script/standard.h"
#include "core/transaction.h"
#include "node/chain_listener.h"
#include "node/coin.h"
#include "node/mempool_entry.h"
#include "node/script_verifier.h"

namespace btr::node {

class ChainState;

// Why a transaction left the pool (Core's MemPoolRemovalReason).
enum class RemovalReason { kExpiry, kSizeLimit, kReorg, kBlock, kConflict };
const char* removal_reason_name(RemovalReason reason);

struct MempoolAcceptResult {
  // Which RPC error a refusal maps to (sendrawtransaction): kMissingInputs
  // -> -25, kAlreadyInChain -> -27, kInvalid -> -26.
  enum class Kind { kAccepted, kInvalid, kMissingInputs, kAlreadyInChain, kAlreadyInMempool };
  Kind kind = Kind::kInvalid;
  bool accepted = false;      // in the pool now (or would be, with test_only)
  std::string reject_reason;  // Core's reason, e.g. "txn-mempool-conflict"
  std::string debug_message;  // detail Core appends after ", " (may be empty)
  core::Hash256 txid;
  core::Amount fee = 0;  // set once the inputs were found
  size_t size = 0;       // serialized bytes (= vsize: no witness)

  // Core's TxValidationState::ToString(): "reason" or "reason, detail".
  std::string message() const {
    return debug_message.empty() ? reject_reason : reject_reason + ", " + debug_message;
  }
};

// Observers of the pool (wallet, P2P relay). Called on the loop thread after
// the pool changed; they must not call accept() re-entrantly.
class MempoolListener {
 public:
  virtual ~MempoolListener() = default;
  virtual void transaction_added(const core::Transaction& tx) { (void)tx; }
  // Also called with kBlock for transactions a connected block confirmed.
  virtual void transaction_removed(const core::Transaction& tx, RemovalReason reason) {
    (void)tx;
    (void)reason;
  }
};

struct MempoolOptions {
  uint64_t max_bytes = 300ull * 1000 * 1000;   // -maxmempool (MB, as Core counts)
  int64_t expiry_seconds = 336 * 3600;         // -mempoolexpiry (hours, default two weeks)
  core::script::PolicyParams policy;           // -minrelaytxfee, -dustrelayfee, sizes
  core::Amount incremental_fee_per_kb = 1000;  // raise of the floor after an eviction
  unsigned max_standard_sigops = 4000;         // Core's MAX_STANDARD_TX_SIGOPS_COST / 4
  size_t ancestor_limit = 25;                  // -limitancestorcount
  size_t descendant_limit = 25;                // -limitdescendantcount
  size_t ancestor_size_limit = 101'000;        // -limitancestorsize (bytes)
  size_t descendant_size_limit = 101'000;      // -limitdescendantsize (bytes)
  bool require_standard = true;                // false: -acceptnonstdtxn (regtest/testnet)
};

class Mempool final : public ChainListener {
 public:
  using Clock = std::function<int64_t()>;  // seconds since the epoch

  Mempool(ChainState& chain, const ScriptVerifier& verifier, MempoolOptions options, Clock clock);
  ~Mempool() override;
  Mempool(const Mempool&) = delete;
  Mempool& operator=(const Mempool&) = delete;

  // All checks; with test_only the pool is left unchanged (testmempoolaccept).
  MempoolAcceptResult accept(const core::Transaction& tx, bool test_only = false);

  bool contains(const core::Hash256& txid) const { return entries_.count(txid) != 0; }
  const MempoolEntry* get(const core::Hash256& txid) const;
  std::vector<core::Hash256> txids() const;
  // Every entry, in the order they entered (parents before children).
  std::vector<const MempoolEntry*> entries() const;
  size_t size() const { return entries_.size(); }
  uint64_t bytes() const { return total_bytes_; }  // sum of serialized sizes
  uint64_t usage() const { return total_usage_; }  // estimated memory use (maxmempool)
  core::Amount total_fee() const { return total_fee_; }
  // Counts every add and every removal (templates, getrawmempool's sequence).
  uint64_t sequence() const { return sequence_; }

  // The coin at `outpoint` as the pool sees it: an output of a pool
  // transaction (height kMempoolHeight) or an unspent chain coin; nullopt
  // when it does not exist or a pool transaction already spends it. The
  // error is a storage failure.
  core::Result<std::optional<Coin>> get_coin(const core::OutPoint& outpoint) const;
  // The pool transaction spending `outpoint`, if any.
  std::optional<core::Hash256> spender(const core::OutPoint& outpoint) const;
  bool is_spent(const core::OutPoint& outpoint) const { return spends_.count(outpoint) != 0; }
  // In-pool ancestors / descendants of an entry (itself excluded).
  std::set<core::Hash256> ancestors_of(const MempoolEntry& entry) const;
  std::set<core::Hash256> descendants_of(const MempoolEntry& entry) const;

  // The floor a new transaction's fee rate must reach now (units per 1000
  // bytes): the relay minimum, raised for a while after evictions.
  core::Amount min_fee_per_kb() const;
  // Removes entries older than the expiry; returns how many left.
  size_t expire();

  void add_listener(MempoolListener* listener);
  void remove_listener(MempoolListener* listener);
  // Called (once per change batch) whenever the set of transactions changed.
  void set_change_callback(std::function<void()> callback) { on_change_ = std::move(callback); }

  const MempoolOptions& options() const { return options_; }

  // ChainListener
  void block_connected(const core::Block& block, const BlockIndex& index) override;
  void block_disconnected(const core::Block& block, const BlockIndex& index) override;
  void tip_changed(const BlockIndex& tip) override;

  static constexpr uint32_t kMempoolHeight = 0x7fffffff;  // Core's MEMPOOL_HEIGHT

 private:
  struct InputView;

  // bypass_limits: re-admission after a reorganization (no fee floors, no
  // trimming per transaction; the caller trims once at the end).
  MempoolAcceptResult accept_at(const core::Transaction& tx, bool test_only, int64_t entry_time,
                                bool bypass_limits);
  // Core's ancestor/descendant limits for a newcomer with these parents.
  core::Status check_chain_limits(const std::set<core::Hash256>& parents, uint64_t size) const;
  static uint64_t estimate_usage(const core::Transaction& tx, uint64_t size);
  void add_entry(std::unique_ptr<MempoolEntry> entry);
  // Removes `txids` (fixing the cached sums of the entries that stay) and
  // tells the listeners unless silent_.
  void remove_set(const std::set<core::Hash256>& txids, RemovalReason reason);
  // Re-keys an entry in the eviction index around a change of its sums.
  void reindex(MempoolEntry& entry, const std::function<void(MempoolEntry&)>& change);
  std::set<core::Hash256> with_descendants(const core::Hash256& txid) const;
  void trim_to_size();
  void settle_rolling_fee();
  void rebuild_after_reorg();
  void notify_changed();

  ChainState& chain_;
  const ScriptVerifier& verifier_;
  MempoolOptions options_;
  Clock clock_;
  std::map<core::Hash256, std::unique_ptr<MempoolEntry>> entries_;
  std::map<core::OutPoint, core::Hash256> spends_;  // outpoint -> pool tx spending it
  // Eviction order: lowest descendant score first.
  std::set<std::pair<FeeRateKey, core::Hash256>> by_descendant_score_;
  uint64_t total_bytes_ = 0;
  uint64_t total_usage_ = 0;
  core::Amount total_fee_ = 0;
  uint64_t sequence_ = 0;
  uint64_t next_entry_order_ = 0;
  // No entry is older than this (a lower bound; exact after each expiry scan).
  int64_t oldest_time_ = std::numeric_limits<int64_t>::max();
  // Floor after evictions (Core's rollingMinimumFeeRate): it halves every
  // 12 hours (faster while the pool is well below its limit), counted from
  // the first block after the last eviction (decay_from_; 0 = none yet).
  double rolling_min_fee_per_kb_ = 0;
  int64_t decay_from_ = 0;
  // Transactions of the blocks disconnected in the reorganization in
  // progress, newest block first; re-admitted when the tip settles.
  std::vector<std::vector<core::Transaction>> disconnected_;
  bool reorg_pending_ = false;
  bool silent_ = false;
  std::vector<MempoolListener*> listeners_;
  std::function<void()> on_change_;
};

}  // namespace btr::node
