// The pool's bookkeeping: entries, the outpoints they spend, the cached
// ancestor/descendant sums, eviction, expiry and the chain-following side.
// The acceptance checks are in mempool_accept.cpp.

#include "node/mempool.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "node/chain_state.h"
#include "node/log.h"

namespace btr::node {
namespace {

constexpr int64_t kRollingFeeHalfLife = 12 * 3600;  // Core's ROLLING_FEE_HALFLIFE

void add_stats(PackageStats& into, const MempoolEntry& e) {
  into.count += 1;
  into.size += e.size;
  into.fees += e.fee;
  into.sigops += e.sigops;
}

void subtract_stats(PackageStats& from, const MempoolEntry& e) {
  assert(from.count >= 1 && from.size >= e.size);
  from.count -= 1;
  from.size -= e.size;
  from.fees -= e.fee;
  from.sigops -= e.sigops;
}

}  // namespace

const char* removal_reason_name(RemovalReason reason) {
  switch (reason) {
    case RemovalReason::kExpiry:
      return "expiry";
    case RemovalReason::kSizeLimit:
      return "sizelimit";
    case RemovalReason::kReorg:
      return "reorg";
    case RemovalReason::kBlock:
      return "block";
    case RemovalReason::kConflict:
      return "conflict";
  }
  return "unknown";
}

Mempool::Mempool(ChainState& chain, const ScriptVerifier& verifier, MempoolOptions options,
                 Clock clock)
    : chain_(chain), verifier_(verifier), options_(options), clock_(std::move(clock)) {
  chain_.add_listener(this);
}

Mempool::~Mempool() {
  chain_.remove_listener(this);
}

MempoolAcceptResult Mempool::accept(const core::Transaction& tx, bool test_only) {
  MempoolAcceptResult r = accept_at(tx, test_only, clock_(), false);
  if (r.accepted && !test_only) {
    for (MempoolListener* l : listeners_) l->transaction_added(tx);
    notify_changed();
  }
  return r;
}

const MempoolEntry* Mempool::get(const core::Hash256& txid) const {
  const auto it = entries_.find(txid);
  return it == entries_.end() ? nullptr : it->second.get();
}

std::vector<core::Hash256> Mempool::txids() const {
  std::vector<core::Hash256> out;
  out.reserve(entries_.size());
  for (const MempoolEntry* e : entries()) out.push_back(e->txid);
  return out;
}

std::vector<const MempoolEntry*> Mempool::entries() const {
  std::vector<const MempoolEntry*> out;
  out.reserve(entries_.size());
  for (const auto& [txid, e] : entries_) out.push_back(e.get());
  std::sort(out.begin(), out.end(),
            [](const MempoolEntry* a, const MempoolEntry* b) { return a->order < b->order; });
  return out;
}

core::Result<std::optional<Coin>> Mempool::get_coin(const core::OutPoint& outpoint) const {
  if (is_spent(outpoint)) return std::optional<Coin>();
  if (const MempoolEntry* e = get(outpoint.txid); e != nullptr) {
    if (outpoint.index >= e->tx->outputs.size()) return std::optional<Coin>();
    return std::optional<Coin>(Coin{e->tx->outputs[outpoint.index], kMempoolHeight, false});
  }
  return chain_.store().get_coin(outpoint);
}

std::optional<core::Hash256> Mempool::spender(const core::OutPoint& outpoint) const {
  const auto it = spends_.find(outpoint);
  if (it == spends_.end()) return std::nullopt;
  return it->second;
}

void Mempool::add_listener(MempoolListener* listener) {
  assert(listener != nullptr);
  listeners_.push_back(listener);
}

void Mempool::remove_listener(MempoolListener* listener) {
  std::erase(listeners_, listener);
}

void Mempool::notify_changed() {
  if (on_change_) on_change_();
}

// --- the graph ------------------------------------------------------------

std::set<core::Hash256> Mempool::ancestors_of(const MempoolEntry& entry) const {
  std::set<core::Hash256> seen;
  std::vector<const MempoolEntry*> todo{&entry};
  while (!todo.empty()) {
    const MempoolEntry* e = todo.back();
    todo.pop_back();
    for (const core::Hash256& p : e->parents) {
      if (seen.insert(p).second) todo.push_back(get(p));
    }
  }
  return seen;
}

std::set<core::Hash256> Mempool::descendants_of(const MempoolEntry& entry) const {
  std::set<core::Hash256> seen;
  std::vector<const MempoolEntry*> todo{&entry};
  while (!todo.empty()) {
    const MempoolEntry* e = todo.back();
    todo.pop_back();
    for (const core::Hash256& c : e->children) {
      if (seen.insert(c).second) todo.push_back(get(c));
    }
  }
  return seen;
}

std::set<core::Hash256> Mempool::with_descendants(const core::Hash256& txid) const {
  const MempoolEntry* e = get(txid);
  if (e == nullptr) return {};
  std::set<core::Hash256> out = descendants_of(*e);
  out.insert(txid);
  return out;
}

void Mempool::reindex(MempoolEntry& entry, const std::function<void(MempoolEntry&)>& change) {
  by_descendant_score_.erase({entry.descendant_score(), entry.txid});
  change(entry);
  by_descendant_score_.insert({entry.descendant_score(), entry.txid});
}

void Mempool::add_entry(std::unique_ptr<MempoolEntry> entry) {
  MempoolEntry& e = *entry;
  e.order = next_entry_order_++;
  e.ancestors = {};
  e.descendants = {};
  add_stats(e.ancestors, e);
  add_stats(e.descendants, e);
  for (const core::Hash256& p : e.parents) entries_.at(p)->children.insert(e.txid);
  for (const core::Hash256& a : ancestors_of(e)) {
    MempoolEntry& anc = *entries_.at(a);
    add_stats(e.ancestors, anc);
    reindex(anc, [&e](MempoolEntry& x) { add_stats(x.descendants, e); });
  }
  for (const core::TxIn& in : e.tx->inputs) spends_[in.prevout] = e.txid;
  by_descendant_score_.insert({e.descendant_score(), e.txid});
  total_bytes_ += e.size;
  total_usage_ += e.usage;
  total_fee_ += e.fee;
  oldest_time_ = std::min(oldest_time_, e.time);
  ++sequence_;
  entries_[e.txid] = std::move(entry);
}

void Mempool::remove_set(const std::set<core::Hash256>& txids, RemovalReason reason) {
  if (txids.empty()) return;
  // First fix the sums of the entries that stay, while the graph is whole.
  for (const core::Hash256& t : txids) {
    const MempoolEntry& gone = *entries_.at(t);
    for (const core::Hash256& a : ancestors_of(gone)) {
      if (txids.count(a) != 0) continue;
      reindex(*entries_.at(a), [&gone](MempoolEntry& x) { subtract_stats(x.descendants, gone); });
    }
    for (const core::Hash256& d : descendants_of(gone)) {
      if (txids.count(d) != 0) continue;
      subtract_stats(entries_.at(d)->ancestors, gone);
    }
  }
  std::vector<std::shared_ptr<const core::Transaction>> removed;
  removed.reserve(txids.size());
  for (const core::Hash256& t : txids) {
    auto it = entries_.find(t);
    MempoolEntry& e = *it->second;
    for (const core::Hash256& p : e.parents) {
      if (auto pit = entries_.find(p); pit != entries_.end()) pit->second->children.erase(t);
    }
    for (const core::Hash256& c : e.children) {
      if (auto cit = entries_.find(c); cit != entries_.end()) cit->second->parents.erase(t);
    }
    for (const core::TxIn& in : e.tx->inputs) spends_.erase(in.prevout);
    by_descendant_score_.erase({e.descendant_score(), t});
    total_bytes_ -= e.size;
    total_usage_ -= e.usage;
    total_fee_ -= e.fee;
    removed.push_back(e.tx);
    entries_.erase(it);
    ++sequence_;
  }
  if (!silent_) {
    for (const auto& tx : removed) {
      for (MempoolListener* l : listeners_) l->transaction_removed(*tx, reason);
    }
  }
}

// --- limits ---------------------------------------------------------------

core::Amount Mempool::min_fee_per_kb() const {
  if (rolling_min_fee_per_kb_ <= 0) return 0;
  double rate = rolling_min_fee_per_kb_;
  // The floor decays only once a block arrived after the last eviction.
  if (decay_from_ > 0) {
    double half_life = kRollingFeeHalfLife;
    if (total_usage_ < options_.max_bytes / 4) {
      half_life /= 4;
    } else if (total_usage_ < options_.max_bytes / 2) {
      half_life /= 2;
    }
    const int64_t elapsed = std::max<int64_t>(0, clock_() - decay_from_);
    rate /= std::pow(2.0, static_cast<double>(elapsed) / half_life);
  }
  if (rate < static_cast<double>(options_.incremental_fee_per_kb) / 2) return 0;
  return std::max(static_cast<core::Amount>(std::llround(rate)), options_.incremental_fee_per_kb);
}

void Mempool::settle_rolling_fee() {
  // Fold the decay so far into the stored rate (Core lowers it in steps).
  const core::Amount now_rate = min_fee_per_kb();
  rolling_min_fee_per_kb_ = static_cast<double>(now_rate);
  decay_from_ = rolling_min_fee_per_kb_ > 0 ? clock_() : 0;
}

void Mempool::trim_to_size() {
  bool evicted = false;
  while (total_usage_ > options_.max_bytes && !by_descendant_score_.empty()) {
    const auto [score, txid] = *by_descendant_score_.begin();
    const MempoolEntry& worst = *entries_.at(txid);
    // Newcomers must pay more than what was just thrown out (Core's
    // trackPackageRemoved with the incremental relay fee added).
    const double removed_rate =
        static_cast<double>(worst.descendant_rate().per_kb() + options_.incremental_fee_per_kb);
    settle_rolling_fee();
    rolling_min_fee_per_kb_ = std::max(rolling_min_fee_per_kb_, removed_rate);
    decay_from_ = 0;
    remove_set(with_descendants(txid), RemovalReason::kSizeLimit);
    evicted = true;
  }
  if (evicted) {
    log_debug("mempool: trimmed to " + std::to_string(total_usage_) + " bytes, floor " +
              std::to_string(min_fee_per_kb()) + " per kB");
  }
}

size_t Mempool::expire() {
  const int64_t cutoff = clock_() - options_.expiry_seconds;
  // Runs on every admission: skip the scan while nothing can be that old.
  if (oldest_time_ >= cutoff) return 0;
  std::set<core::Hash256> old;
  for (const auto& [txid, e] : entries_) {
    if (e->time < cutoff) old.merge(with_descendants(txid));
  }
  remove_set(old, RemovalReason::kExpiry);
  oldest_time_ = std::numeric_limits<int64_t>::max();
  for (const auto& [txid, e] : entries_) oldest_time_ = std::min(oldest_time_, e->time);
  if (!old.empty()) notify_changed();
  return old.size();
}

// --- following the chain ----------------------------------------------------

void Mempool::block_connected(const core::Block& block, const BlockIndex& index) {
  (void)index;
  std::set<core::Hash256> confirmed;
  std::set<core::Hash256> conflicts;
  for (size_t i = 1; i < block.transactions.size(); ++i) {
    const core::Transaction& tx = block.transactions[i];
    const core::Hash256 txid = tx.txid();
    if (contains(txid)) confirmed.insert(txid);
    for (const core::TxIn& in : tx.inputs) {
      const auto it = spends_.find(in.prevout);
      if (it != spends_.end() && it->second != txid) conflicts.merge(with_descendants(it->second));
    }
  }
  // A confirmed transaction's pool children stay (their parent is now a
  // chain coin); conflicts leave with everything built on them.
  for (const core::Hash256& c : conflicts) confirmed.erase(c);
  remove_set(confirmed, RemovalReason::kBlock);
  remove_set(conflicts, RemovalReason::kConflict);
  if (rolling_min_fee_per_kb_ > 0 && decay_from_ == 0) decay_from_ = clock_();
  if (!confirmed.empty() || !conflicts.empty()) notify_changed();
}

void Mempool::block_disconnected(const core::Block& block, const BlockIndex& index) {
  (void)index;
  reorg_pending_ = true;
  // Newest block first arrives here; readmission goes oldest block first.
  disconnected_.emplace_back(block.transactions.begin() + 1, block.transactions.end());
}

void Mempool::tip_changed(const BlockIndex& tip) {
  (void)tip;
  if (reorg_pending_) rebuild_after_reorg();
  expire();
}

void Mempool::rebuild_after_reorg() {
  reorg_pending_ = false;
  std::vector<std::vector<core::Transaction>> blocks;
  blocks.swap(disconnected_);
  // Everything is re-checked against the new chain: the disconnected
  // blocks' transactions first (oldest block first, so parents come before
  // children), then the previous pool in its entry order. Entries keep their
  // entry time; transactions that come back are not announced again.
  struct Old {
    std::shared_ptr<const core::Transaction> tx;
    int64_t time;
  };
  std::vector<Old> old;
  for (const MempoolEntry* e : entries()) old.push_back({e->tx, e->time});
  silent_ = true;
  std::set<core::Hash256> all;
  for (const Old& o : old) all.insert(o.tx->txid());
  remove_set(all, RemovalReason::kReorg);
  silent_ = false;
  size_t readded = 0;
  std::vector<core::Transaction> added;
  const int64_t now = clock_();
  for (auto b = blocks.rbegin(); b != blocks.rend(); ++b) {
    for (const core::Transaction& tx : *b) {
      if (accept_at(tx, false, now, true).accepted) {
        added.push_back(tx);
        ++readded;
      }
    }
  }
  for (const Old& o : old) {
    if (!accept_at(*o.tx, false, o.time, true).accepted) {
      for (MempoolListener* l : listeners_) l->transaction_removed(*o.tx, RemovalReason::kReorg);
    }
  }
  trim_to_size();
  for (const core::Transaction& tx : added) {
    for (MempoolListener* l : listeners_) l->transaction_added(tx);
  }
  log_info("mempool: reorganization re-admitted " + std::to_string(readded) +
           " transactions of disconnected blocks; pool holds " + std::to_string(size()));
  notify_changed();
}

}  // namespace btr::node
