// getblocktemplate's transaction choice (Core's package selection by
// ancestor fee rate within the size and sigop budgets) and the regtest
// nonce search.

#include <doctest/doctest.h>

#include "core/pow.h"
#include "core/script/standard.h"
#include "core/subsidy.h"
#include "test/node/mempool_fixture.h"

using btr::test::MempoolFixture;
using btr::test::Utxo;
namespace core = btr::core;
namespace node = btr::node;

namespace {

std::vector<core::Hash256> ids(const std::vector<const node::MempoolEntry*>& picked) {
  std::vector<core::Hash256> out;
  for (const auto* e : picked) out.push_back(e->txid);
  return out;
}

void accept(MempoolFixture& f, const core::Transaction& tx) {
  const auto r = f.accept(tx);
  REQUIRE_MESSAGE(r.accepted, r.message());
}

}  // namespace

TEST_CASE("package selection: best ancestor fee rate first, a child pays for its parent") {
  MempoolFixture f;
  const core::Transaction parent = f.pay_fee(f.anyone[0], 300);
  const core::Transaction child = f.pay_fee(MempoolFixture::output(parent, 0), 50'000);
  const core::Transaction a = f.pay_fee(f.anyone[1], 10'000);
  const core::Transaction b = f.pay_fee(f.anyone[2], 20'000);
  for (const auto& tx : {parent, child, a, b}) accept(f, tx);
  const uint64_t size = a.serialized_size();
  // Room for everything: the package (295 per byte) beats b, then a.
  CHECK(ids(node::select_packages(*f.pool, 1'000'000, 20'000)) ==
        std::vector<core::Hash256>{parent.txid(), child.txid(), b.txid(), a.txid()});
  // Room for two: the package.
  CHECK(ids(node::select_packages(*f.pool, 2 * size, 20'000)) ==
        std::vector<core::Hash256>{parent.txid(), child.txid()});
  // Room for one: the package does not fit, b does (and then nothing else).
  CHECK(ids(node::select_packages(*f.pool, size, 20'000)) == std::vector<core::Hash256>{b.txid()});
}

TEST_CASE("package selection: included ancestors no longer count for their descendants") {
  MempoolFixture f;
  // A high-fee parent with a low-fee child, and an independent medium one:
  // after the parent is in, the child's rate is its own (lowest), so the
  // medium one goes before it.
  const core::Transaction parent = f.pay_fee(f.anyone[0], 40'000);
  const core::Transaction child = f.pay_fee(MempoolFixture::output(parent, 0), 1'000);
  const core::Transaction medium = f.pay_fee(f.anyone[1], 5'000);
  for (const auto& tx : {parent, child, medium}) accept(f, tx);
  CHECK(ids(node::select_packages(*f.pool, 1'000'000, 20'000)) ==
        std::vector<core::Hash256>{parent.txid(), medium.txid(), child.txid()});
}

TEST_CASE("package selection: the sigop budget") {
  MempoolFixture f;
  const core::PublicKey pub = f.key().public_key();
  const core::Script multisig = core::script::multisig_script(1, std::span(&pub, 1));
  // Each carries 10 bare multisig outputs: 200 legacy sigops.
  std::vector<core::Transaction> txs;
  for (int i = 0; i < 3; ++i) {
    std::vector<core::TxOut> outs(10, core::TxOut{100'000, multisig});
    txs.push_back(f.pay({f.anyone[static_cast<size_t>(i)]}, outs));
    accept(f, txs.back());
    CHECK(f.pool->get(txs.back().txid())->sigops == 200);
  }
  CHECK(node::select_packages(*f.pool, 1'000'000, 400).size() == 2);
  CHECK(node::select_packages(*f.pool, 1'000'000, 399).size() == 1);
}

TEST_CASE("block assembly: template fields, coinbase pays subsidy plus fees, block connects") {
  MempoolFixture f;
  const core::Transaction parent = f.pay_fee(f.anyone[0], 3'000);
  const core::Transaction child = f.pay_fee(MempoolFixture::output(parent, 0), 4'000);
  const core::Transaction other = f.pay_fee(f.keyed[0], 5'000, false);
  for (const auto& tx : {parent, child, other}) accept(f, tx);
  const node::BlockTemplate t = node::assemble_block(f.chain(), f.pool.get(), f.key_script);
  REQUIRE(t.block.transactions.size() == 4);
  REQUIRE(t.tx_info.size() == 3);
  CHECK(t.coinbase_value == core::block_subsidy(t.height) + 12'000);
  // depends: 1-based positions in the template's transaction list.
  for (size_t i = 0; i < 3; ++i) {
    if (t.block.transactions[i + 1].txid() == child.txid()) {
      REQUIRE(t.tx_info[i].depends.size() == 1);
      CHECK(t.block.transactions[t.tx_info[i].depends[0]].txid() == parent.txid());
    } else {
      CHECK(t.tx_info[i].depends.empty());
    }
  }
  CHECK(t.size == t.block.serialize().size());
  f.mine_pool();
  CHECK(f.pool->size() == 0);
  CHECK(f.chain().tip()->rec.tx_count == 4);
}

TEST_CASE("package selection: the size budget is honoured exactly") {
  MempoolFixture f;
  // Twenty equal transactions and a budget of seven and a half of them.
  std::vector<core::Transaction> txs;
  for (size_t i = 0; i < 20; ++i) {
    std::vector<core::TxOut> outs(50, core::TxOut{100'000, f.true_script});
    txs.push_back(f.pay({f.anyone[i]}, outs));
    accept(f, txs.back());
  }
  const uint64_t each = txs[0].serialized_size();
  const auto picked = node::select_packages(*f.pool, each * 7 + each / 2, 20'000);
  CHECK(picked.size() == 7);
}

TEST_CASE("regtest mining: the midstate search finds the same nonce as plain hashing") {
  MempoolFixture f;
  node::BlockTemplate t = node::assemble_block(f.chain(), nullptr, f.key_script);
  // A harder target than regtest's, so the search runs for a while.
  t.block.header.bits = 0x1f00ffff;
  core::Block plain = t.block;
  const core::Uint256 target = core::decode_compact(plain.header.bits).target;
  while (!core::hash_meets_target(plain.header.hash(), target)) ++plain.header.nonce;
  REQUIRE(node::mine_block(t.block, f.chain_fx.params().pow_limit, 10'000'000));
  CHECK(t.block.header.nonce == plain.header.nonce);
  CHECK(t.block.header.hash() == plain.header.hash());
  // max_tries is honoured.
  core::Block again = plain;
  again.header.nonce = 0;
  again.header.bits = 0x1d00ffff;
  CHECK_FALSE(node::mine_block(again, core::decode_compact(0x1d00ffff).target, 1000));
}
