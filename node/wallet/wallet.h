#pragma once
// The node's wallet: keys (KeyManager), the transactions that pay to or
// spend from them, balances, and building, signing and submitting new
// transactions. It is kept apart from consensus code: it only observes the
// chain (ChainListener) and the memory pool (MempoolListener) and reads
// blocks and coins through their public interfaces.
//
// A transaction's depth is never stored: it is read from the chain on every
// query (confirmations = tip height - block height + 1 while its block is in
// the active chain; 0 while the pool holds it; -1 otherwise), so a
// reorganization needs no bookkeeping beyond forgetting the block of a
// disconnected transaction.
//
// Runs on the node's event-loop thread, as the chain and the pool do.

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/chain_params.h"
#include "core/result.h"
#include "core/transaction.h"
#include "node/chain_listener.h"
#include "node/mempool.h"
#include "node/wallet/balance.h"
#include "node/wallet/coin_selection.h"
#include "node/wallet/key_manager.h"
#include "node/wallet/wallet_db.h"

namespace btr::node {
class ChainState;
struct BlockIndex;
}  // namespace btr::node

namespace btr::node::wallet {

struct WalletTx {
  core::Transaction tx;
  TxRow row;
};

// One output paying to the wallet, with its state now.
struct WalletOutput {
  core::OutPoint outpoint;
  core::TxOut out;
  core::Hash160 key_hash;
  OutputState state;
  const WalletTx* wtx = nullptr;
};

struct Recipient {
  core::Script script_pubkey;
  core::Amount amount = 0;
  bool subtract_fee = false;
};

struct CreatedTx {
  core::Transaction tx;
  core::Amount fee = 0;
  int change_position = -1;
};

struct WalletOptions {
  core::Amount fallback_fee_per_kb = 20'000;  // -fallbackfee (units per 1000 bytes)
  core::Amount max_fee = core::kCoin / 10;    // -maxtxfee: refuse fees above this
};

class Wallet final : public ChainListener, public MempoolListener {
 public:
  using Clock = std::function<int64_t()>;
  // Fee rate for a confirmation target (units per 1000 bytes), when known.
  using FeeEstimator = std::function<std::optional<core::Amount>(int conf_target)>;

  // Opens (or creates) DATADIR/wallet.sqlite, catches up with the chain and
  // registers as a listener of the chain and the pool (pool may be null).
  static core::Result<std::unique_ptr<Wallet>> open(const std::filesystem::path& path,
                                                    const core::ChainParams& params,
                                                    ChainState& chain, Mempool* mempool,
                                                    WalletOptions options, Clock clock);
  ~Wallet() override;
  Wallet(const Wallet&) = delete;
  Wallet& operator=(const Wallet&) = delete;

  KeyManager& keys() { return *keys_; }
  const core::ChainParams& params() const { return params_; }
  ChainState& chain() { return chain_; }
  Mempool* mempool() { return mempool_; }
  BalanceRules rules() const;

  std::optional<core::Hash160> is_mine(const core::TxOut& out) const;
  int32_t depth(const WalletTx& wtx) const;
  // Unconfirmed but safe to spend: in the pool and every input is ours.
  bool trusted(const WalletTx& wtx) const;
  // Sum of our outputs this transaction spends (0: not from us).
  core::Amount debit(const core::Transaction& tx) const;
  core::Amount credit(const core::Transaction& tx) const;

  std::vector<WalletOutput> outputs() const;
  Balances balances() const { return compute_balances(states(), rules()); }
  core::Amount balance(int32_t minconf) const { return balance_at(states(), minconf, rules()); }
  const std::map<core::Hash256, WalletTx>& transactions() const { return txs_; }
  const WalletTx* find_tx(const core::Hash256& txid) const;
  const BlockIndex* last_processed() const;

  // Funds, signs and returns a transaction paying `recipients` at
  // `fee_per_kb`, change to a new internal key. Reasons: "wallet-locked",
  // "insufficient-funds", "amount-too-small", "fee-too-high".
  core::Result<CreatedTx> create_transaction(const std::vector<Recipient>& recipients,
                                             core::Amount fee_per_kb, int32_t minconf);
  // Submits to the pool and records it.
  MempoolAcceptResult commit(const core::Transaction& tx);
  // The fee rate a send uses: `explicit_rate` if set, else settxfee, the
  // estimator, then the fallback; never below the pool's floor.
  // `reason` (optional) gets Core's fee_reason text.
  core::Amount fee_rate(std::optional<core::Amount> explicit_rate, int conf_target,
                        std::string* reason = nullptr) const;
  void set_pay_tx_fee(core::Amount per_kb) { pay_tx_fee_per_kb_ = per_kb; }
  core::Amount pay_tx_fee() const { return pay_tx_fee_per_kb_; }
  void set_fee_estimator(FeeEstimator e) { estimator_ = std::move(e); }
  const WalletOptions& options() const { return options_; }
  // The lowest fee rate the pool relays now (its floor, raised after evictions).
  core::Amount relay_floor() const;

  // Signs every input of `tx` it can with the wallet's keys; `spent[i]` is
  // the output input i spends (empty script: unknown). Returns one error
  // string per input ("" when it verifies).
  std::vector<std::string> sign(core::Transaction& tx, const std::vector<core::TxOut>& spent,
                                int32_t hash_type);

  // importprivkey's rescan: reads the active chain from `from_height`.
  core::Status rescan(int32_t from_height);

  // ChainListener
  void block_connected(const core::Block& block, const BlockIndex& index) override;
  void block_disconnected(const core::Block& block, const BlockIndex& index) override;
  void tip_changed(const BlockIndex& tip) override;
  // MempoolListener
  void transaction_added(const core::Transaction& tx) override;

 private:
  Wallet(const core::ChainParams& params, ChainState& chain, Mempool* mempool,
         WalletOptions options, Clock clock)
      : params_(params),
        chain_(chain),
        mempool_(mempool),
        options_(options),
        clock_(std::move(clock)) {}
  core::Status load_txs();
  // Offers unconfirmed wallet transactions the pool lacks to it again
  // (after a restart, as Core's wallet rebroadcasts), parents first.
  void resubmit();
  core::Status catch_up();
  bool relevant(const core::Transaction& tx) const;
  // Records (or updates) a transaction; block null = unconfirmed.
  core::Status record(const core::Transaction& tx, const BlockIndex* block, int32_t pos);
  core::Status scan_block(const core::Block& block, const BlockIndex& index);
  std::vector<OutputState> states() const;
  std::map<core::OutPoint, int32_t> spent_outpoints() const;

  const core::ChainParams& params_;
  ChainState& chain_;
  Mempool* mempool_;
  WalletOptions options_;
  Clock clock_;
  std::unique_ptr<WalletDb> db_;
  std::unique_ptr<KeyManager> keys_;
  std::map<core::Hash256, WalletTx> txs_;
  core::Amount pay_tx_fee_per_kb_ = 0;
  FeeEstimator estimator_;
  bool listening_ = false;
};

}  // namespace btr::node::wallet
