#pragma once
// A regtest chain with the real script interpreter, a mempool on it with a
// settable clock, and coins the tests can spend: the genesis pre-mine
// (whose key chain.md publishes) split into P2PKH outputs signed with that
// key and P2SH(OP_TRUE) outputs that need no signature.

#include <memory>
#include <vector>

#include "core/key.h"
#include "core/transaction.h"
#include "node/block_assembly.h"
#include "node/mempool.h"
#include "node/script_verifier.h"
#include "test/node/chain_fixture.h"

namespace btr::test {

struct Utxo {
  core::OutPoint outpoint;
  core::TxOut out;
};

class MempoolFixture {
 public:
  static constexpr int kFundingOutputs = 40;
  static constexpr core::Amount kFundingValue = 10 * core::kCoin;

  explicit MempoolFixture(node::MempoolOptions options = {});

  node::InterpreterScriptVerifier verifier;
  ChainFixture chain_fx;
  int64_t clock = 1'700'000'000;
  std::unique_ptr<node::Mempool> pool;
  std::vector<Utxo> keyed;   // confirmed P2PKH coins of `key`
  std::vector<Utxo> anyone;  // confirmed P2SH(OP_TRUE) coins
  core::Script key_script;   // P2PKH of the pre-mine key
  core::Script true_script;  // P2SH(OP_TRUE)

  const core::PrivateKey& key() const { return key_; }
  node::ChainState& chain() { return chain_fx.chain(); }

  // A transaction spending `from` into `outs` (signed, or with the OP_TRUE
  // redeem script pushed), version and sequences as given.
  core::Transaction pay(const std::vector<Utxo>& from, std::vector<core::TxOut> outs,
                        int32_t version = 1, uint32_t sequence = core::TxIn::kFinalSequence,
                        uint32_t locktime = 0) const;
  // One input to one output of the same kind, paying `fee`.
  core::Transaction pay_fee(const Utxo& from, core::Amount fee, bool to_anyone = true) const;
  // The coin output `index` of `tx` is.
  static Utxo output(const core::Transaction& tx, uint32_t index);
  // Signs (or fills) every input again after the transaction changed.
  void sign(core::Transaction& tx, const std::vector<Utxo>& from) const;

  // Mines a block with exactly these transactions on the tip; fails the test
  // if it does not connect.
  const node::BlockIndex* mine(const std::vector<core::Transaction>& txs);
  // Mines a block from the pool's template.
  const node::BlockIndex* mine_pool();
  // Coinbase-only blocks.
  const node::BlockIndex* mine_empty(int n);

  node::MempoolAcceptResult accept(const core::Transaction& tx) { return pool->accept(tx); }

 private:
  core::PrivateKey key_;
};

// Records the pool's notifications.
struct RecordingListener final : node::MempoolListener {
  std::vector<core::Hash256> added;
  std::vector<std::pair<core::Hash256, node::RemovalReason>> removed;
  void transaction_added(const core::Transaction& tx) override { added.push_back(tx.txid()); }
  void transaction_removed(const core::Transaction& tx, node::RemovalReason why) override {
    removed.emplace_back(tx.txid(), why);
  }
};

}  // namespace btr::test
