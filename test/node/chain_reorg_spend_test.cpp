// Reorganizations 2 and 10 deep whose losing branch spends matured
// coinbases with signed transactions (core/script/sign.h, checked by the
// interpreter): the reorganization undoes the spends (the coinbase coins
// come back, the spends' outputs leave), the mempool takes the spends back,
// the winning branch mines them again, and the UTXO set always equals a
// replay of the active chain.

#include <doctest/doctest.h>

#include "test/node/mempool_fixture.h"

using btr::node::SubmitResult;
using btr::test::MempoolFixture;
using btr::test::Utxo;
namespace core = btr::core;
namespace node = btr::node;

namespace {

bool has_coin(MempoolFixture& f, const core::OutPoint& op) {
  auto c = f.chain_fx.store().get_coin(op);
  REQUIRE(c.ok());
  return c->has_value();
}

void check_utxo_matches_replay(MempoolFixture& f) {
  auto stored = f.chain_fx.store().utxo_stats();
  auto replayed = f.chain().replay_utxo_stats();
  REQUIRE(stored.ok());
  REQUIRE(replayed.ok());
  CHECK(stored->hash == replayed->hash);
  CHECK(stored->txouts == replayed->txouts);
}

void reorg_with_spends(int depth) {
  MempoolFixture f;
  // Coinbases paying the test key, then 100 blocks to mature them.
  std::vector<Utxo> coinbases;
  for (int i = 0; i < depth; ++i) {
    btr::test::BlockSpec spec;
    spec.payout = f.key_script;
    const core::Block b = f.chain_fx.make_block(nullptr, spec);
    REQUIRE(f.chain_fx.submit(b).kind == SubmitResult::Kind::kAccepted);
    coinbases.push_back(MempoolFixture::output(b.transactions[0], 0));
  }
  f.mine_empty(100);
  const node::BlockIndex* fork = f.chain().tip();

  // The losing branch: block i spends coinbase i (signed) and, from the
  // second block on, the previous block's spend too.
  std::vector<core::Transaction> spends;
  std::vector<core::Transaction> chained;
  for (int i = 0; i < depth; ++i) {
    std::vector<core::Transaction> txs;
    spends.push_back(f.pay_fee(coinbases[static_cast<size_t>(i)], 10'000, false));
    txs.push_back(spends.back());
    if (i > 0) {
      const core::Transaction& prev = i == 1 ? spends[0] : chained.back();
      chained.push_back(f.pay_fee(MempoolFixture::output(prev, 0), 10'000, false));
      txs.push_back(chained.back());
    }
    f.mine(txs);
  }
  const node::BlockIndex* loser_tip = f.chain().tip();
  std::vector<core::OutPoint> loser_coinbases;
  for (const auto* p = loser_tip; p != fork; p = p->prev) {
    loser_coinbases.push_back({f.chain().read_block(p)->transactions[0].txid(), 0});
  }
  for (const Utxo& c : coinbases) CHECK_FALSE(has_coin(f, c.outpoint));
  CHECK(f.pool->size() == 0);

  // The winner: one block more, no transactions.
  const node::BlockIndex* winner = f.chain_fx.extend(fork, depth + 1, 9);
  REQUIRE(f.chain().tip() == winner);
  for (const Utxo& c : coinbases) CHECK(has_coin(f, c.outpoint));
  for (const auto& op : loser_coinbases) CHECK_FALSE(has_coin(f, op));
  for (const auto& tx : spends) CHECK_FALSE(has_coin(f, {tx.txid(), 0}));
  check_utxo_matches_replay(f);
  // Every undone spend is back in the pool, parents before children.
  for (const auto& tx : spends) CHECK(f.pool->contains(tx.txid()));
  for (const auto& tx : chained) CHECK(f.pool->contains(tx.txid()));
  CHECK(f.pool->size() == spends.size() + chained.size());
  if (!chained.empty()) {
    CHECK(f.pool->get(chained.back().txid())->ancestors.count == chained.size() + 1);
  }

  // The winner mines them again.
  f.mine_pool();
  CHECK(f.pool->size() == 0);
  for (const auto& tx : spends) {
    if (tx.txid() != spends[0].txid() || chained.empty()) CHECK(has_coin(f, {tx.txid(), 0}));
  }
  for (const Utxo& c : coinbases) CHECK_FALSE(has_coin(f, c.outpoint));
  check_utxo_matches_replay(f);

  // Back to the old branch, made longer: its blocks confirm the spends, the
  // pool holds nothing of them.
  f.chain_fx.extend(loser_tip, depth + 2, 1);
  CHECK(f.pool->size() == 0);
  check_utxo_matches_replay(f);
}

}  // namespace

TEST_CASE("reorganization 2 deep with the loser's spends of matured coinbases") {
  reorg_with_spends(2);
}

TEST_CASE("reorganization 10 deep with the loser's spends of matured coinbases") {
  reorg_with_spends(10);
}
