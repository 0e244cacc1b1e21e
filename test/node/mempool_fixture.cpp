#include "test/node/mempool_fixture.h"

#include <doctest/doctest.h>

#include "core/script.h"
#include "core/script/sign.h"
#include "test/node/regtest_key.h"

namespace btr::test {
namespace {

const core::Script kTrueRedeem = {core::OP_1};

}  // namespace

MempoolFixture::MempoolFixture(node::MempoolOptions options)
    : chain_fx(verifier), key_(btr::test::regtest_premine_key()) {
  const core::Hash160 id = key_.public_key().id();
  key_script = core::p2pkh_script(id.bytes);
  const core::Hash160 redeem_id = core::hash160(kTrueRedeem);
  true_script = core::p2sh_script(redeem_id.bytes);
  pool = std::make_unique<node::Mempool>(chain(), verifier, options, [this] { return clock; });

  // The pre-mine matures after 100 blocks; then split it.
  mine_empty(100);
  const core::Block& genesis = chain_fx.params().genesis;
  const Utxo premine{{genesis.transactions[0].txid(), 0}, genesis.transactions[0].outputs[0]};
  REQUIRE(premine.out.script_pubkey == key_script);
  std::vector<core::TxOut> outs;
  for (int i = 0; i < kFundingOutputs; ++i) outs.push_back({kFundingValue, key_script});
  for (int i = 0; i < kFundingOutputs; ++i) outs.push_back({kFundingValue, true_script});
  const core::Amount spent = 2 * kFundingOutputs * kFundingValue;
  outs.push_back({premine.out.value - spent - core::kCoin, key_script});  // change, 1 BTR fee
  const core::Transaction split = pay({premine}, outs);
  mine({split});
  for (uint32_t i = 0; i < kFundingOutputs; ++i) {
    keyed.push_back(output(split, i));
    anyone.push_back(output(split, kFundingOutputs + i));
  }
}

void MempoolFixture::sign(core::Transaction& tx, const std::vector<Utxo>& from) const {
  for (size_t i = 0; i < from.size(); ++i) {
    if (from[i].out.script_pubkey == true_script) {
      tx.inputs[i].script_sig.clear();
      core::push_data(tx.inputs[i].script_sig, kTrueRedeem);
    }
  }
  for (size_t i = 0; i < from.size(); ++i) {
    if (from[i].out.script_pubkey == true_script) continue;
    const std::vector<core::PrivateKey> keys{key_};
    auto st = core::script::sign_input(tx, i, from[i].out.script_pubkey, keys);
    REQUIRE_MESSAGE(st.ok(), (st.ok() ? "" : st.error()));
  }
}

core::Transaction MempoolFixture::pay(const std::vector<Utxo>& from, std::vector<core::TxOut> outs,
                                      int32_t version, uint32_t sequence, uint32_t locktime) const {
  core::Transaction tx;
  tx.version = version;
  tx.locktime = locktime;
  for (const Utxo& u : from) {
    core::TxIn in;
    in.prevout = u.outpoint;
    in.sequence = sequence;
    tx.inputs.push_back(in);
  }
  tx.outputs = std::move(outs);
  sign(tx, from);
  return tx;
}

core::Transaction MempoolFixture::pay_fee(const Utxo& from, core::Amount fee,
                                          bool to_anyone) const {
  return pay({from}, {{from.out.value - fee, to_anyone ? true_script : key_script}});
}

Utxo MempoolFixture::output(const core::Transaction& tx, uint32_t index) {
  return {{tx.txid(), index}, tx.outputs[index]};
}

const node::BlockIndex* MempoolFixture::mine(const std::vector<core::Transaction>& txs) {
  BlockSpec spec;
  spec.txs = txs;
  const core::Block b = chain_fx.make_block(nullptr, spec);
  const node::SubmitResult r = chain_fx.submit(b);
  REQUIRE_MESSAGE(r.kind == node::SubmitResult::Kind::kAccepted, r.reason);
  return chain().tip();
}

const node::BlockIndex* MempoolFixture::mine_pool() {
  node::BlockTemplate t = node::assemble_block(chain(), pool.get(), key_script);
  t.block.header.time = chain().tip()->rec.header.time + 60;
  ChainFixture::mine(t.block);
  const node::SubmitResult r = chain_fx.submit(t.block);
  REQUIRE_MESSAGE(r.kind == node::SubmitResult::Kind::kAccepted, r.reason);
  return chain().tip();
}

const node::BlockIndex* MempoolFixture::mine_empty(int n) {
  return chain_fx.extend(nullptr, n);
}

}  // namespace btr::test
