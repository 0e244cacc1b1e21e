// BIP68 relative lock times in blocks: an input of a version 2 transaction
// whose sequence has bit 31 clear may not be spent before its coin is that
// many blocks (or 512-second units of median time past) old; version 1 and
// the disable flag lift the rule. Each refused block breaks only this rule.

#include <doctest/doctest.h>

#include "node/sequence_locks.h"
#include "test/node/mempool_fixture.h"

using btr::node::SubmitResult;
using btr::test::MempoolFixture;
using btr::test::Utxo;
namespace core = btr::core;
namespace node = btr::node;

namespace {

constexpr core::Amount kFee = 10'000;

SubmitResult try_block(MempoolFixture& f, const core::Transaction& tx) {
  btr::test::BlockSpec spec;
  spec.txs = {tx};
  return f.chain_fx.submit(f.chain_fx.make_block(nullptr, spec));
}

core::Transaction locked(MempoolFixture& f, const Utxo& coin, uint32_t sequence,
                         int32_t version = 2) {
  return f.pay({coin}, {{coin.out.value - kFee, f.true_script}}, version, sequence);
}

}  // namespace

TEST_CASE("BIP68 in blocks: height locks") {
  MempoolFixture f;
  const Utxo coin = f.anyone[0];  // in the tip block, height H
  const core::Transaction tx = locked(f, coin, 3);
  // Heights H+1 and H+2 are too early, H+3 is the first allowed.
  SubmitResult r = try_block(f, tx);
  CHECK(r.kind == SubmitResult::Kind::kRejected);
  CHECK(r.reason == "bad-txns-nonfinal");
  f.mine_empty(1);
  CHECK(try_block(f, tx).reason == "bad-txns-nonfinal");
  f.mine_empty(1);
  CHECK(try_block(f, tx).kind == SubmitResult::Kind::kAccepted);
}

TEST_CASE("BIP68 in blocks: a coin created in the same block") {
  MempoolFixture f;
  const core::Transaction parent = f.pay_fee(f.anyone[0], kFee);
  const Utxo out = MempoolFixture::output(parent, 0);
  btr::test::BlockSpec spec;
  spec.txs = {parent, locked(f, out, 1)};
  SubmitResult r = f.chain_fx.submit(f.chain_fx.make_block(nullptr, spec));
  CHECK(r.reason == "bad-txns-nonfinal");
  spec.txs = {parent, locked(f, out, 0)};
  CHECK(f.chain_fx.submit(f.chain_fx.make_block(nullptr, spec)).kind ==
        SubmitResult::Kind::kAccepted);
}

TEST_CASE("BIP68 in blocks: time locks against the median time past") {
  MempoolFixture f;
  const Utxo coin = f.anyone[0];
  // 2 units of 512 s. Blocks are 60 s apart, so the parent's median time
  // passes the coin's start + 1,023 s once 18 blocks follow the coin's parent.
  const core::Transaction tx = locked(f, coin, node::sequence_lock::kTypeFlag | 2);
  CHECK(try_block(f, tx).reason == "bad-txns-nonfinal");
  f.mine_empty(16);
  CHECK(try_block(f, tx).reason == "bad-txns-nonfinal");
  f.mine_empty(1);
  CHECK(try_block(f, tx).kind == SubmitResult::Kind::kAccepted);
}

TEST_CASE("BIP68 in blocks: version 1 and the disable flag are not locked") {
  MempoolFixture f;
  CHECK(try_block(f, locked(f, f.anyone[0], 50, 1)).kind == SubmitResult::Kind::kAccepted);
  CHECK(try_block(f, locked(f, f.anyone[1], node::sequence_lock::kDisableFlag | 50)).kind ==
        SubmitResult::Kind::kAccepted);
  // Negative versions read as unsigned are >= 2: locked.
  CHECK(try_block(f, locked(f, f.anyone[2], 50, -1)).reason == "bad-txns-nonfinal");
}

TEST_CASE("BIP68: the lock arithmetic") {
  core::Transaction tx;
  tx.version = 2;
  tx.inputs.resize(2);
  tx.inputs[0].sequence = 10;
  tx.inputs[1].sequence = node::sequence_lock::kTypeFlag | 3;
  const std::vector<int32_t> heights = {100, 200};
  const auto mtp = [](int32_t h) { return int64_t{1'000'000} + h * 60; };
  const node::SequenceLock lock = node::calculate_sequence_lock(tx, heights, mtp);
  CHECK(lock.min_height == 109);
  CHECK(lock.min_time == mtp(199) + 3 * 512 - 1);
  CHECK_FALSE(node::sequence_lock_satisfied(lock, 109, lock.min_time + 1));
  CHECK_FALSE(node::sequence_lock_satisfied(lock, 110, lock.min_time));
  CHECK(node::sequence_lock_satisfied(lock, 110, lock.min_time + 1));
}
