// Mempool admission: Bitcoin Core's MemPoolAccept (PreChecks, the fee and
// package-limit checks, PolicyScriptChecks) in its order, so each refusal
// carries the reason Core would give for the same transaction.

#include <cstdio>

#include "core/script/standard.h"
#include "core/validation.h"
#include "node/block_validation.h"
#include "node/chain_state.h"
#include "node/mempool.h"
#include "node/sequence_locks.h"

namespace btr::node {
namespace {

using Kind = MempoolAcceptResult::Kind;

// Core's MIN_STANDARD_TX_NONWITNESS_SIZE: smaller transactions look like a
// 64-byte Merkle node (CVE-2017-12842).
constexpr size_t kMinTxSize = 65;
constexpr const char* kMandatoryPrefix = "mandatory-script-verify-flag-failed (";

std::string fmt_amount_pair(core::Amount a, core::Amount b) {
  return std::to_string(a) + " < " + std::to_string(b);
}

// The interpreter's bare error inside the verifier's "mandatory-...(x)".
std::string script_error(const std::string& reason) {
  const std::string prefix = kMandatoryPrefix;
  if (reason.rfind(prefix, 0) == 0 && reason.size() > prefix.size() && reason.back() == ')') {
    return reason.substr(prefix.size(), reason.size() - prefix.size() - 1);
  }
  return reason;
}

}  // namespace

// Everything accept_at learns about the inputs on the way.
struct Mempool::InputView {
  std::vector<core::TxOut> spent;
  std::vector<int32_t> coin_heights;  // for BIP68: pool coins count as the next block's
  std::set<core::Hash256> parents;
  bool spends_coinbase = false;
  int32_t min_coin_depth = 0;
};

MempoolAcceptResult Mempool::accept_at(const core::Transaction& tx, bool test_only,
                                       int64_t entry_time, bool bypass_limits) {
  MempoolAcceptResult r;
  r.txid = tx.txid();
  r.size = tx.serialized_size();
  auto refuse = [&r](Kind kind, std::string reason, std::string debug = {}) {
    r.kind = kind;
    r.accepted = false;
    r.reject_reason = std::move(reason);
    r.debug_message = std::move(debug);
    return r;
  };

  // PreChecks: the transaction alone.
  if (auto st = core::check_transaction(tx); !st) return refuse(Kind::kInvalid, st.error());
  if (tx.is_coinbase()) return refuse(Kind::kInvalid, "coinbase");
  if (options_.require_standard) {
    if (auto st = core::script::check_standard_tx(tx, options_.policy); !st) {
      return refuse(Kind::kInvalid, st.error());
    }
  }
  if (r.size < kMinTxSize) return refuse(Kind::kInvalid, "tx-size-small");
  const BlockIndex* tip = chain_.tip();
  const int32_t next_height = tip->height() + 1;
  const int64_t tip_mtp = tip->median_time_past();
  // BIP113: lock times compare with the median time past.
  if (!is_final_tx(tx, next_height, tip_mtp)) return refuse(Kind::kInvalid, "non-final");
  if (contains(r.txid)) return refuse(Kind::kAlreadyInMempool, "txn-already-in-mempool");
  for (const core::TxIn& in : tx.inputs) {
    // No replacement: the first spend of an outpoint keeps it.
    if (is_spent(in.prevout)) return refuse(Kind::kInvalid, "txn-mempool-conflict");
  }

  // The inputs, from the pool or the UTXO set.
  for (uint32_t i = 0; i < tx.outputs.size(); ++i) {
    auto coin = chain_.store().get_coin({r.txid, i});
    if (!coin) return refuse(Kind::kInvalid, "storage-error", coin.error());
    if (*coin) return refuse(Kind::kAlreadyInChain, "txn-already-known");
  }
  InputView view;
  core::Amount value_in = 0;
  for (const core::TxIn& in : tx.inputs) {
    std::optional<Coin> coin;
    if (const MempoolEntry* parent = get(in.prevout.txid); parent != nullptr) {
      if (in.prevout.index < parent->tx->outputs.size()) {
        coin = Coin{parent->tx->outputs[in.prevout.index], kMempoolHeight, false};
      }
      view.parents.insert(parent->txid);
      view.coin_heights.push_back(next_height);
    } else {
      auto found = chain_.store().get_coin(in.prevout);
      if (!found) return refuse(Kind::kInvalid, "storage-error", found.error());
      coin = *found;
      if (coin) view.coin_heights.push_back(static_cast<int32_t>(coin->height));
    }
    if (!coin) return refuse(Kind::kMissingInputs, "bad-txns-inputs-missingorspent");
    if (coin->coinbase) {
      view.spends_coinbase = true;
      const int32_t depth = next_height - static_cast<int32_t>(coin->height);
      if (depth < chain_.params().coinbase_maturity) {
        return refuse(Kind::kInvalid, "bad-txns-premature-spend-of-coinbase",
                      "tried to spend coinbase at depth " + std::to_string(depth));
      }
    }
    value_in += coin->out.value;
    if (!core::money_range(coin->out.value) || !core::money_range(value_in)) {
      return refuse(Kind::kInvalid, "bad-txns-inputvalues-outofrange");
    }
    view.spent.push_back(std::move(coin->out));
  }

  // BIP68 against the next block: pool parents count as mined in it.
  const SequenceLock lock = calculate_sequence_lock(
      tx, view.coin_heights, [tip](int32_t h) { return tip->ancestor(h)->median_time_past(); });
  if (!sequence_lock_satisfied(lock, next_height, tip_mtp)) {
    return refuse(Kind::kInvalid, "non-BIP68-final");
  }

  auto value_out = tx.total_output_value();
  if (!value_out) return refuse(Kind::kInvalid, value_out.error());
  if (value_in < *value_out) {
    return refuse(Kind::kInvalid, "bad-txns-in-belowout",
                  "value in (" + std::to_string(value_in) + ") < value out (" +
                      std::to_string(*value_out) + ")");
  }
  r.fee = value_in - *value_out;
  if (!core::money_range(r.fee)) return refuse(Kind::kInvalid, "bad-txns-fee-outofrange");

  if (options_.require_standard) {
    if (auto st = core::script::check_standard_inputs(tx, view.spent, options_.policy); !st) {
      return refuse(Kind::kInvalid, st.error());
    }
  }
  unsigned sigops = core::legacy_sigop_count(tx);
  unsigned policy_sigops = sigops;
  for (size_t i = 0; i < tx.inputs.size(); ++i) {
    policy_sigops +=
        core::script::p2sh_sigop_count(tx.inputs[i].script_sig, view.spent[i].script_pubkey);
  }
  if (policy_sigops > options_.max_standard_sigops) {
    return refuse(Kind::kInvalid, "bad-txns-too-many-sigops", std::to_string(policy_sigops));
  }

  // Fee floors: the pool's rolling minimum, then the relay minimum.
  if (!bypass_limits) {
    const core::Amount pool_floor = core::script::fee_for_size(min_fee_per_kb(), r.size);
    if (min_fee_per_kb() > 0 && r.fee < pool_floor) {
      return refuse(Kind::kInvalid, "mempool min fee not met", fmt_amount_pair(r.fee, pool_floor));
    }
    const core::Amount relay_floor =
        core::script::fee_for_size(options_.policy.min_relay_fee_per_kb, r.size);
    if (r.fee < relay_floor) {
      return refuse(Kind::kInvalid, "min relay fee not met", fmt_amount_pair(r.fee, relay_floor));
    }
  }

  if (auto st = check_chain_limits(view.parents, r.size); !st) {
    return refuse(Kind::kInvalid, "too-long-mempool-chain", st.error());
  }

  // Scripts: policy flags first; a failure that consensus flags forgive is
  // "non-mandatory" (Core's PolicyScriptChecks). Valid signatures land in
  // the shared cache, so the block that confirms this one skips them.
  for (size_t i = 0; i < tx.inputs.size(); ++i) {
    const core::TxOut& spent = view.spent[i];
    if (auto st = verifier_.verify(tx, i, spent, script_flags::kStandard); !st) {
      if (verifier_.verify(tx, i, spent, script_flags::kConsensus)) {
        return refuse(Kind::kInvalid,
                      "non-mandatory-script-verify-flag (" + script_error(st.error()) + ")");
      }
      return refuse(Kind::kInvalid, st.error());
    }
  }

  r.kind = Kind::kAccepted;
  r.accepted = true;
  if (test_only) return r;

  auto entry = std::make_unique<MempoolEntry>();
  entry->tx = std::make_shared<const core::Transaction>(tx);
  entry->txid = r.txid;
  entry->fee = r.fee;
  entry->size = r.size;
  entry->usage = estimate_usage(tx, r.size);
  entry->sigops = sigops;
  entry->time = entry_time;
  entry->entry_height = tip->height();
  entry->spends_coinbase = view.spends_coinbase;
  entry->lock_height = lock.min_height;
  entry->lock_time = lock.min_time;
  entry->parents = std::move(view.parents);
  add_entry(std::move(entry));
  if (!bypass_limits) {
    expire();
    trim_to_size();
    if (!contains(r.txid)) return refuse(Kind::kInvalid, "mempool full");
  }
  return r;
}

core::Status Mempool::check_chain_limits(const std::set<core::Hash256>& parents,
                                         uint64_t size) const {
  const MempoolOptions& o = options_;
  if (parents.size() + 1 > o.ancestor_limit) {
    return core::fail("too many unconfirmed parents [limit: " + std::to_string(o.ancestor_limit) +
                      "]");
  }
  // Every ancestor gains a descendant: each must stay within its limits.
  std::set<core::Hash256> ancestors;
  std::vector<core::Hash256> todo(parents.begin(), parents.end());
  uint64_t ancestor_size = size;
  while (!todo.empty()) {
    const core::Hash256 t = todo.back();
    todo.pop_back();
    if (!ancestors.insert(t).second) continue;
    const MempoolEntry& a = *entries_.at(t);
    ancestor_size += a.size;
    if (a.descendants.size + size > o.descendant_size_limit) {
      return core::fail("exceeds descendant size limit for tx " + t.to_display_hex() +
                        " [limit: " + std::to_string(o.descendant_size_limit) + "]");
    }
    if (a.descendants.count + 1 > o.descendant_limit) {
      return core::fail("too many descendants for tx " + t.to_display_hex() +
                        " [limit: " + std::to_string(o.descendant_limit) + "]");
    }
    if (ancestor_size > o.ancestor_size_limit) {
      return core::fail(
          "exceeds ancestor size limit [limit: " + std::to_string(o.ancestor_size_limit) + "]");
    }
    if (ancestors.size() + 1 > o.ancestor_limit) {
      return core::fail(
          "too many unconfirmed ancestors [limit: " + std::to_string(o.ancestor_limit) + "]");
    }
    for (const core::Hash256& p : a.parents) todo.push_back(p);
  }
  return core::Status::success();
}

uint64_t Mempool::estimate_usage(const core::Transaction& tx, uint64_t size) {
  // Heap bytes of the entry, its transaction and the index nodes pointing at
  // it: Core counts memory, not serialized bytes, against -maxmempool.
  constexpr uint64_t kMapNode = 64;
  uint64_t bytes = sizeof(MempoolEntry) + sizeof(core::Transaction) + 2 * kMapNode + size;
  bytes += tx.inputs.size() * (sizeof(core::TxIn) + kMapNode + sizeof(core::OutPoint));
  bytes += tx.outputs.size() * sizeof(core::TxOut);
  return bytes;
}

}  // namespace btr::node
