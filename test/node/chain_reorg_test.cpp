// Reorganizations, storage atomicity, UTXO hash against replay, pruning.
// Reorgs here use coinbase-only chains; the same depths with signed spends
// of matured coinbases on the losing branch (and the mempool taking them
// back) are in chain_reorg_spend_test.cpp.

#include <doctest/doctest.h>

#include "test/node/chain_fixture.h"

using btr::node::SubmitResult;
using btr::test::BlockSpec;
using btr::test::ChainFixture;
namespace core = btr::core;
namespace node = btr::node;

namespace {

void check_utxo_matches_replay(ChainFixture& f) {
  auto stored = f.store().utxo_stats();
  auto replayed = f.chain().replay_utxo_stats();
  REQUIRE(stored.ok());
  REQUIRE(replayed.ok());
  CHECK(stored->hash == replayed->hash);
  CHECK(stored->txouts == replayed->txouts);
  CHECK(stored->total_amount == replayed->total_amount);
}

bool has_coin(ChainFixture& f, const core::OutPoint& op) {
  auto c = f.store().get_coin(op);
  REQUIRE(c.ok());
  return c->has_value();
}

void reorg_depth(int depth) {
  ChainFixture f;
  const auto* base = f.extend(nullptr, 5);
  const auto* old_tip = f.extend(base, depth, 1);
  std::vector<core::OutPoint> old_coinbases;
  for (const auto* p = old_tip; p != base; p = p->prev) {
    old_coinbases.push_back({f.chain().read_block(p)->transactions[0].txid(), 0});
  }
  for (const auto& op : old_coinbases) CHECK(has_coin(f, op));
  auto before = f.store().utxo_stats();
  REQUIRE(before.ok());
  // The competing branch: one block more than the active one.
  const auto* new_tip = f.extend(base, depth + 1, 2);
  CHECK(f.chain().tip() == new_tip);
  CHECK(f.chain().tip()->height() == base->height() + depth + 1);
  for (const auto& op : old_coinbases) CHECK_FALSE(has_coin(f, op));
  for (const auto* p = new_tip; p != base; p = p->prev) {
    CHECK(has_coin(f, {f.chain().read_block(p)->transactions[0].txid(), 0}));
  }
  check_utxo_matches_replay(f);
  // And back: the old branch overtakes again.
  const auto* back = f.extend(old_tip, 2, 1);
  CHECK(f.chain().tip() == back);
  for (const auto& op : old_coinbases) CHECK(has_coin(f, op));
  check_utxo_matches_replay(f);
  const int32_t expected = base->height() + depth + 2;
  f.reopen();  // invalidates the index pointers
  CHECK(f.chain().tip()->height() == expected);
  check_utxo_matches_replay(f);
}

}  // namespace

TEST_CASE("reorganization 2 deep") {
  reorg_depth(2);
}

TEST_CASE("reorganization 10 deep") {
  reorg_depth(10);
}

TEST_CASE("equal work keeps the first tip, preciousblock switches") {
  ChainFixture f;
  const auto* base = f.extend(nullptr, 1);
  const auto* a = f.extend(base, 1, 1);
  BlockSpec s;
  s.tag = 2;
  const core::Block b = f.make_block(base, s);
  CHECK(f.submit(b).kind == SubmitResult::Kind::kInconclusive);
  CHECK(f.chain().tip() == a);
  REQUIRE(f.chain().precious_block(b.hash()).ok());
  CHECK(f.chain().tip()->hash() == b.hash());
  check_utxo_matches_replay(f);
}

TEST_CASE("reorg disconnects spends: undo data restores the spent coins") {
  ChainFixture f(/*accept_scripts=*/true);
  const auto* base = f.extend(nullptr, 100);
  const core::OutPoint premine{f.params().genesis.transactions[0].txid(), 0};
  BlockSpec s;
  s.tag = 1;
  s.txs = {btr::test::spend(premine, core::kCoin)};
  const core::Block spender = f.make_block(base, s);
  REQUIRE(f.submit(spender).kind == SubmitResult::Kind::kAccepted);
  CHECK_FALSE(has_coin(f, premine));
  f.extend(base, 2, 2);  // a heavier branch without the spend
  CHECK(has_coin(f, premine));
  check_utxo_matches_replay(f);
}

TEST_CASE("connect is one transaction: a failing connect changes nothing") {
  ChainFixture f;
  f.extend(nullptr, 3);
  auto before = f.store().utxo_stats();
  const auto tip_before = f.store().tip();
  REQUIRE(before.ok());
  // Creates a coin, then fails on a spent coin that does not exist.
  node::BlockUndo undo;
  undo.spent.push_back({{core::Hash256{}, 42}, {}});
  std::vector<node::NewCoin> created = {{{core::Hash256{}, 1}, {{5, {0x51}}, 4, false}}};
  core::Hash256 fake;
  fake.bytes[0] = 9;
  const auto st = f.store().connect_block(fake, undo, created, {}, false);
  CHECK_FALSE(st.ok());
  auto after = f.store().utxo_stats();
  REQUIRE(after.ok());
  CHECK(after->hash == before->hash);
  CHECK(f.store().tip() == tip_before);
  auto u = f.store().read_undo(fake);
  REQUIRE(u.ok());
  CHECK_FALSE(u->has_value());
}

TEST_CASE("prune keeps the newest blocks within the target, UTXO set stays") {
  node::ChainOptions opts;
  opts.prune_target_bytes = 1;  // as little as possible
  opts.prune_keep_blocks = 5;
  ChainFixture f(false, opts);
  f.extend(nullptr, 20);
  const auto* old = f.chain().at_height(3);
  CHECK_FALSE(f.chain().read_block(old).ok());
  CHECK_FALSE(old->have_data());
  CHECK(f.chain().read_block(f.chain().at_height(16)).ok());
  CHECK(f.chain().read_block(f.chain().tip()).ok());
  // Headers and UTXO set remain: the height-3 coinbase is still unspent.
  auto stats = f.store().utxo_stats();
  REQUIRE(stats.ok());
  CHECK(stats->txouts == 21);
  f.extend(nullptr, 2);  // the chain keeps growing on top of pruned history
  CHECK(f.chain().tip()->height() == 22);
}
