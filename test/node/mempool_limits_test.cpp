// Mempool limits and chain following: unconfirmed chains (25 ancestors, 25
// descendants), the size limit with eviction by descendant fee rate and the
// rising floor, expiry on an injected clock, removal of confirmed and
// conflicting transactions, and re-admission after a reorganization.

#include <doctest/doctest.h>

#include "core/script/standard.h"
#include "test/node/mempool_fixture.h"

using btr::node::MempoolAcceptResult;
using btr::node::RemovalReason;
using btr::test::MempoolFixture;
using btr::test::Utxo;
namespace core = btr::core;
namespace node = btr::node;

namespace {

constexpr core::Amount kFee = 10'000;

// A chain of `n` transactions, each spending the previous one's output.
std::vector<core::Transaction> chain_of(MempoolFixture& f, Utxo from, int n,
                                        core::Amount fee = kFee) {
  std::vector<core::Transaction> txs;
  for (int i = 0; i < n; ++i) {
    txs.push_back(f.pay_fee(from, fee));
    from = MempoolFixture::output(txs.back(), 0);
  }
  return txs;
}

void accept_all(MempoolFixture& f, const std::vector<core::Transaction>& txs) {
  for (const auto& tx : txs) {
    const MempoolAcceptResult r = f.accept(tx);
    REQUIRE_MESSAGE(r.accepted, r.message());
  }
}

}  // namespace

TEST_CASE("mempool: 25 unconfirmed ancestors, not 26") {
  MempoolFixture f;
  const auto txs = chain_of(f, f.anyone[0], 26);
  accept_all(f, {txs.begin(), txs.begin() + 25});
  const node::MempoolEntry* last = f.pool->get(txs[24].txid());
  REQUIRE(last != nullptr);
  CHECK(last->ancestors.count == 25);
  CHECK(last->ancestors.fees == 25 * kFee);
  CHECK(f.pool->get(txs[0].txid())->descendants.count == 25);
  const MempoolAcceptResult r = f.accept(txs[25]);
  CHECK(r.reject_reason == "too-long-mempool-chain");
  CHECK(r.debug_message.find("[limit: 25]") != std::string::npos);
}

TEST_CASE("mempool: 25 descendants of one transaction, not 26") {
  MempoolFixture f;
  // A parent with 30 outputs; each child spends one: 1 + 24 children fit.
  const Utxo coin = f.anyone[0];
  std::vector<core::TxOut> outs(30, core::TxOut{coin.out.value / 40, f.true_script});
  const core::Transaction parent = f.pay({coin}, outs);
  accept_all(f, {parent});
  for (uint32_t i = 0; i < 24; ++i) {
    accept_all(f, {f.pay_fee(MempoolFixture::output(parent, i), kFee)});
  }
  const MempoolAcceptResult r = f.accept(f.pay_fee(MempoolFixture::output(parent, 24), kFee));
  CHECK(r.reject_reason == "too-long-mempool-chain");
  CHECK(r.debug_message.rfind("too many descendants for tx " + parent.txid().to_display_hex(), 0) ==
        0);
}

TEST_CASE("mempool: the size limit evicts the lowest descendant fee rate and raises the floor") {
  node::MempoolOptions o;
  MempoolFixture probe;
  const core::Transaction sample = probe.pay_fee(probe.anyone[0], kFee);
  REQUIRE(probe.accept(sample).accepted);
  const uint64_t one = probe.pool->usage();
  o.max_bytes = one * 3 + one / 2;  // room for three
  MempoolFixture f(o);
  btr::test::RecordingListener listener;
  f.pool->add_listener(&listener);
  const core::Transaction low = f.pay_fee(f.anyone[0], 1'000);
  const core::Transaction mid = f.pay_fee(f.anyone[1], 5'000);
  const core::Transaction high = f.pay_fee(f.anyone[2], 20'000);
  accept_all(f, {low, mid, high});
  CHECK(f.pool->min_fee_per_kb() == 0);
  // The fourth pushes the pool over: the lowest rate goes.
  accept_all(f, {f.pay_fee(f.anyone[4], 8'000)});
  CHECK_FALSE(f.pool->contains(low.txid()));
  CHECK(f.pool->size() == 3);
  REQUIRE(listener.removed.size() == 1);
  CHECK(listener.removed[0].first == low.txid());
  CHECK(listener.removed[0].second == RemovalReason::kSizeLimit);
  // The floor is now the evicted rate plus the incremental rate.
  const core::Amount floor = f.pool->min_fee_per_kb();
  CHECK(floor == node::FeeRateKey{1'000, low.serialized_size()}.per_kb() + 1'000);
  const size_t size = low.serialized_size();
  const core::Amount floor_fee = core::script::fee_for_size(floor, size);
  const MempoolAcceptResult r = f.accept(f.pay_fee(f.anyone[5], floor_fee - 1));
  CHECK(r.reject_reason == "mempool min fee not met");
  // Above the floor but still the lowest rate: it goes straight back out.
  const MempoolAcceptResult full = f.accept(f.pay_fee(f.anyone[6], floor_fee + 10));
  CHECK(full.reject_reason == "mempool full");
  CHECK(f.pool->size() == 3);
  // The floor halves with time once a block arrived (12 h half-life,
  // shortened while the pool is small).
  f.mine_empty(1);
  f.clock += 7 * 24 * 3600;
  CHECK(f.pool->min_fee_per_kb() == 0);
  f.pool->remove_listener(&listener);
}

TEST_CASE("mempool: eviction takes a parent with its children, keeps a CPFP package") {
  MempoolFixture probe;
  REQUIRE(probe.accept(probe.pay_fee(probe.anyone[0], kFee)).accepted);
  const uint64_t one = probe.pool->usage();
  node::MempoolOptions o;
  o.max_bytes = one * 4 + one / 2;
  MempoolFixture f(o);
  const core::Transaction parent = f.pay_fee(f.anyone[0], 300);
  const core::Transaction child = f.pay_fee(MempoolFixture::output(parent, 0), 50'000);
  const core::Transaction lone_parent = f.pay_fee(f.anyone[1], 500);
  const core::Transaction lone_child = f.pay_fee(MempoolFixture::output(lone_parent, 0), 1'500);
  accept_all(f, {parent, child, lone_parent, lone_child});
  accept_all(f, {f.pay_fee(f.anyone[2], 10'000)});
  // Descendant scores: parent max(300, 50,300 / 2) per tx, lone_parent
  // max(500, 2,000 / 2): the lowest, so it goes, and its child with it.
  CHECK(f.pool->contains(parent.txid()));
  CHECK(f.pool->contains(child.txid()));
  CHECK_FALSE(f.pool->contains(lone_parent.txid()));
  CHECK_FALSE(f.pool->contains(lone_child.txid()));
}

TEST_CASE("mempool: expiry after two weeks on the injected clock") {
  MempoolFixture f;
  btr::test::RecordingListener listener;
  f.pool->add_listener(&listener);
  const auto old_chain = chain_of(f, f.anyone[0], 2);
  accept_all(f, old_chain);
  f.clock += 10 * 24 * 3600;
  const core::Transaction young = f.pay_fee(f.anyone[1], kFee);
  accept_all(f, {young});
  f.clock += 4 * 24 * 3600;  // the first two are exactly 14 days old: they stay
  CHECK(f.pool->expire() == 0);
  f.clock += 1;
  // Expiry runs on every admission and tip change; here directly.
  CHECK(f.pool->expire() == 2);
  CHECK(f.pool->size() == 1);
  CHECK(f.pool->contains(young.txid()));
  REQUIRE(listener.removed.size() == 2);
  CHECK(listener.removed[0].second == RemovalReason::kExpiry);
  // -mempoolexpiry is an option.
  node::MempoolOptions o;
  o.expiry_seconds = 3600;
  MempoolFixture g(o);
  accept_all(g, {g.pay_fee(g.anyone[0], kFee)});
  g.clock += 3601;
  accept_all(g, {g.pay_fee(g.anyone[1], kFee)});  // admission expires the old one
  CHECK(g.pool->size() == 1);
  f.pool->remove_listener(&listener);
}

TEST_CASE("mempool: a block removes what it confirms and what conflicts with it") {
  MempoolFixture f;
  btr::test::RecordingListener listener;
  f.pool->add_listener(&listener);
  const auto chain = chain_of(f, f.anyone[0], 3);
  accept_all(f, chain);
  const core::Transaction victim = f.pay_fee(f.anyone[1], kFee);
  const core::Transaction victim_child = f.pay_fee(MempoolFixture::output(victim, 0), kFee);
  accept_all(f, {victim, victim_child});
  // The block confirms the chain's first transaction and double-spends victim's input.
  const core::Transaction rival = f.pay_fee(f.anyone[1], 2 * kFee);
  f.mine({chain[0], rival});
  CHECK_FALSE(f.pool->contains(chain[0].txid()));
  CHECK_FALSE(f.pool->contains(victim.txid()));
  CHECK_FALSE(f.pool->contains(victim_child.txid()));
  CHECK(f.pool->size() == 2);
  const node::MempoolEntry* second = f.pool->get(chain[1].txid());
  REQUIRE(second != nullptr);
  CHECK(second->parents.empty());
  CHECK(second->ancestors.count == 1);
  CHECK(f.pool->get(chain[2].txid())->ancestors.count == 2);
  int block_removals = 0;
  int conflict_removals = 0;
  for (const auto& [txid, why] : listener.removed) {
    block_removals += why == RemovalReason::kBlock;
    conflict_removals += why == RemovalReason::kConflict;
  }
  CHECK(block_removals == 1);
  CHECK(conflict_removals == 2);
  f.pool->remove_listener(&listener);
}

TEST_CASE("mempool: a reorganization puts the disconnected transactions back") {
  MempoolFixture f;
  const node::BlockIndex* fork = f.chain().tip();
  const auto chain = chain_of(f, f.anyone[0], 2);
  const core::Transaction other = f.pay_fee(f.anyone[1], kFee);
  const core::Transaction later = f.pay_fee(f.anyone[2], kFee);
  accept_all(f, {chain[0], chain[1], other});
  f.mine_pool();  // confirms all three
  CHECK(f.pool->size() == 0);
  accept_all(f, {later});
  // The rival branch holds a conflicting spend of anyone[1] and is longer.
  const core::Transaction rival = f.pay_fee(f.anyone[1], 3 * kFee);
  btr::test::BlockSpec spec;
  spec.txs = {rival};
  spec.tag = 7;
  const core::Block b1 = f.chain_fx.make_block(fork, spec);
  REQUIRE(f.chain_fx.submit(b1).kind == node::SubmitResult::Kind::kInconclusive);
  f.chain_fx.extend(f.chain().lookup(b1.hash()), 1, 7);
  REQUIRE(f.chain().tip()->prev->hash() == b1.hash());
  // chain[0..1] return, `other` conflicts with the rival and stays out,
  // `later` stays; parents before children.
  CHECK(f.pool->contains(chain[0].txid()));
  CHECK(f.pool->contains(chain[1].txid()));
  CHECK_FALSE(f.pool->contains(other.txid()));
  CHECK(f.pool->contains(later.txid()));
  CHECK(f.pool->get(chain[1].txid())->ancestors.count == 2);
  // And they are mined again on the new branch.
  f.mine_pool();
  CHECK(f.pool->size() == 0);
}
