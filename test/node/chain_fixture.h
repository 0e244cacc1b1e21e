#pragma once
// A regtest ChainState on a fresh SQLite file in a temporary folder, with a
// settable clock and helpers that build and mine blocks on any parent, so a
// test can break exactly one rule.

#include <atomic>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/block.h"
#include "core/chain_params.h"
#include "core/pow.h"
#include "core/script.h"
#include "core/subsidy.h"
#include "node/chain_state.h"
#include "node/chain_store.h"
#include "node/script_verifier.h"

namespace btr::test {

// Accepts every script: lets value and maturity rules be tested before the
// interpreter exists.
class AcceptAllVerifier final : public node::ScriptVerifier {
 public:
  core::Status verify(const core::Transaction&, size_t, const core::TxOut&,
                      uint32_t) const override {
    return core::Status::success();
  }
};

class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

struct BlockSpec {
  int64_t coinbase_value = -1;  // -1: the subsidy
  std::vector<core::Transaction> txs;
  int64_t time = -1;  // -1: parent MTP-safe default (parent time + 60)
  int32_t version = 0x20000000;
  int64_t bip34_height = -1;          // -1: the right height
  bool one_byte_push_height = false;  // "01 NN" instead of OP_N for heights 1..16
  uint32_t tag = 0;                   // makes coinbases (and so blocks) of siblings differ
  std::vector<uint8_t> payout;        // coinbase output script; empty: payout_script()
};

class ChainFixture {
 public:
  explicit ChainFixture(bool accept_scripts = false, node::ChainOptions options = {});
  // With a given verifier (the interpreter), which must outlive the fixture.
  explicit ChainFixture(const node::ScriptVerifier& verifier, node::ChainOptions options = {});

  const core::ChainParams& params() const { return params_; }
  node::ChainState& chain() { return *chain_; }
  node::ChainStore& store() { return *store_; }
  int64_t now = 1700000000;

  // A valid block on `parent` (the tip when null), mined.
  core::Block make_block(const node::BlockIndex* parent = nullptr, const BlockSpec& spec = {});
  // Mines (adjusts the nonce) so the header meets its bits.
  static void mine(core::Block& block);
  // Re-computes the Merkle root, then mines.
  static void finish(core::Block& block);
  node::SubmitResult submit(const core::Block& block) { return chain_->submit_block(block); }
  // Extends the chain from parent by n valid blocks; returns the last.
  const node::BlockIndex* extend(const node::BlockIndex* parent, int n, uint32_t tag = 0);

  std::vector<uint8_t> payout_script() const;
  void reopen();  // closes and reloads the store and chain (a restart)

 private:
  const core::ChainParams& params_;
  TempDir dir_;
  node::ChainOptions options_;
  AcceptAllVerifier accept_all_;
  node::UnavailableScriptVerifier unavailable_;
  const node::ScriptVerifier* verifier_;
  std::unique_ptr<node::ChainStore> store_;
  std::unique_ptr<node::ChainState> chain_;
};

// A transaction spending `from` (value in) to one P2PKH output of `value`.
core::Transaction spend(const core::OutPoint& from, int64_t value);

}  // namespace btr::test
