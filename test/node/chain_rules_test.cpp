// Every validation rule has a block that breaks only it, and the node
// answers it with Bitcoin's reason.

#include <doctest/doctest.h>

#include "core/script.h"
#include "test/node/chain_fixture.h"

using btr::node::SubmitResult;
using btr::test::BlockSpec;
using btr::test::ChainFixture;
namespace core = btr::core;

namespace {

std::string reason_of(ChainFixture& f, const core::Block& b) {
  const SubmitResult r = f.submit(b);
  if (r.kind == SubmitResult::Kind::kAccepted) return "accepted";
  return r.reason;
}

// A coinbase outpoint of the active block at height h.
core::OutPoint coinbase_of(ChainFixture& f, int32_t h) {
  auto block = f.chain().read_block(f.chain().at_height(h));
  REQUIRE(block.ok());
  return {block->transactions[0].txid(), 0};
}

}  // namespace

TEST_CASE("valid blocks connect and the genesis pre-mine is in the UTXO set") {
  ChainFixture f;
  const core::OutPoint premine{f.params().genesis.transactions[0].txid(), 0};
  auto coin = f.store().get_coin(premine);
  REQUIRE(coin.ok());
  REQUIRE(coin->has_value());
  CHECK((*coin)->out.value == f.params().premine);
  CHECK((*coin)->coinbase);
  f.extend(nullptr, 3);
  CHECK(f.chain().tip()->height() == 3);
}

TEST_CASE("proof of work, bits and merkle root") {
  ChainFixture f;
  core::Block b = f.make_block();
  // high-hash: a nonce whose hash misses the target.
  core::Block bad = b;
  const core::Uint256 target = core::decode_compact(bad.header.bits).target;
  do {
    ++bad.header.nonce;
  } while (core::hash_meets_target(bad.header.hash(), target));
  CHECK(reason_of(f, bad) == "high-hash");
  // bad-diffbits: a harder (valid) target than the chain requires.
  core::Block harder = b;
  harder.header.bits = 0x2000ffff;
  ChainFixture::mine(harder);
  CHECK(reason_of(f, harder) == "bad-diffbits");
  // bad-txnmrklroot
  core::Block root = b;
  root.header.merkle_root.bytes[0] ^= 1;
  ChainFixture::mine(root);
  CHECK(reason_of(f, root) == "bad-txnmrklroot");
  CHECK(reason_of(f, b) == "accepted");
}

TEST_CASE("header time and version rules") {
  ChainFixture f;
  const auto* tip = f.extend(nullptr, 11);
  BlockSpec old;
  old.time = tip->median_time_past();  // must be strictly greater
  CHECK(reason_of(f, f.make_block(nullptr, old)) == "time-too-old");
  BlockSpec future;
  future.time = f.now + 7201;
  CHECK(reason_of(f, f.make_block(nullptr, future)) == "time-too-new");
  BlockSpec v3;
  v3.version = 3;
  CHECK(reason_of(f, f.make_block(nullptr, v3)) == "bad-version(0x00000003)");
  BlockSpec negative;
  negative.version = static_cast<int32_t>(0x80000004u);  // >= 4 only as unsigned
  CHECK(reason_of(f, f.make_block(nullptr, negative)) == "bad-version(0x80000004)");
  BlockSpec rolled;
  rolled.version = 0x20000000 | 0x1fffe000;  // BIP320 rolled bits are fine
  CHECK(reason_of(f, f.make_block(nullptr, rolled)) == "accepted");
  BlockSpec edge;
  edge.time = f.now + 7200;
  CHECK(reason_of(f, f.make_block(nullptr, edge)) == "accepted");
}

TEST_CASE("BIP34 height: both encodings for 1..16, wrong height refused") {
  ChainFixture f;
  BlockSpec push;
  push.one_byte_push_height = true;  // 01 01 instead of OP_1
  CHECK(reason_of(f, f.make_block(nullptr, push)) == "accepted");
  CHECK(reason_of(f, f.make_block()) == "accepted");  // OP_2 form
  BlockSpec wrong;
  wrong.bip34_height = 7;
  CHECK(reason_of(f, f.make_block(nullptr, wrong)) == "bad-cb-height");
  // The failed block is remembered.
  const core::Block again = f.make_block(nullptr, wrong);
  CHECK(reason_of(f, again) == "duplicate-invalid");
}

TEST_CASE("coinbase value: subsidy + fees at most") {
  ChainFixture f;
  BlockSpec over;
  over.coinbase_value = core::block_subsidy(1) + 1;
  CHECK(reason_of(f, f.make_block(nullptr, over)) == "bad-cb-amount");
  BlockSpec exact;
  CHECK(reason_of(f, f.make_block(nullptr, exact)) == "accepted");
}

TEST_CASE("inputs: missing, double spend, maturity, values (scripts accepted)") {
  ChainFixture f(/*accept_scripts=*/true);
  f.extend(nullptr, 100);  // the pre-mine (height 0) is now mature at height 101... check below
  const core::OutPoint premine{f.params().genesis.transactions[0].txid(), 0};
  BlockSpec missing;
  missing.txs = {btr::test::spend({premine.txid, 7}, 1)};
  CHECK(reason_of(f, f.make_block(nullptr, missing)) == "bad-txns-inputs-missingorspent");

  BlockSpec twice;
  core::Transaction a = btr::test::spend(premine, 10 * core::kCoin);
  core::Transaction b = btr::test::spend(premine, 20 * core::kCoin);
  twice.txs = {a, b};
  CHECK(reason_of(f, f.make_block(nullptr, twice)) == "bad-txns-inputs-missingorspent");

  // Coinbase of height 50 spent at height 101: depth 51 < 100.
  BlockSpec young;
  young.txs = {btr::test::spend(coinbase_of(f, 50), 1)};
  CHECK(reason_of(f, f.make_block(nullptr, young)) == "bad-txns-premature-spend-of-coinbase");

  BlockSpec below;
  below.txs = {btr::test::spend(premine, f.params().premine + 1)};
  CHECK(reason_of(f, f.make_block(nullptr, below)) == "bad-txns-in-belowout");

  // Fees may be claimed: pre-mine minus 5 BTR out, coinbase subsidy + 5 BTR.
  BlockSpec fees;
  fees.txs = {btr::test::spend(premine, f.params().premine - 5 * core::kCoin)};
  fees.coinbase_value = core::block_subsidy(101) + 5 * core::kCoin;
  CHECK(reason_of(f, f.make_block(nullptr, fees)) == "accepted");
  auto spent = f.store().get_coin(premine);
  REQUIRE(spent.ok());
  CHECK_FALSE(spent->has_value());
}

TEST_CASE("script checks go through the verifier: unavailable until the interpreter") {
  ChainFixture f;  // UnavailableScriptVerifier
  f.extend(nullptr, 100);
  const core::OutPoint premine{f.params().genesis.transactions[0].txid(), 0};
  BlockSpec s;
  s.txs = {btr::test::spend(premine, core::kCoin)};
  CHECK(reason_of(f, f.make_block(nullptr, s)) == "script-verify-unavailable");
}

TEST_CASE("sigop limit and transaction finality") {
  ChainFixture f(true);
  f.extend(nullptr, 100);
  const core::OutPoint premine{f.params().genesis.transactions[0].txid(), 0};
  BlockSpec sigops;
  core::Transaction heavy = btr::test::spend(premine, core::kCoin);
  heavy.outputs[0].script_pubkey.assign(20001, core::OP_CHECKSIG);
  sigops.txs = {heavy};
  CHECK(reason_of(f, f.make_block(nullptr, sigops)) == "bad-blk-sigops");

  BlockSpec locked;
  core::Transaction later = btr::test::spend(premine, core::kCoin);
  later.locktime = 500;  // a height above 101
  later.inputs[0].sequence = 0;
  locked.txs = {later};
  CHECK(reason_of(f, f.make_block(nullptr, locked)) == "bad-txns-nonfinal");
  later.inputs[0].sequence = core::TxIn::kFinalSequence;  // final sequence: lock time ignored
  locked.txs = {later};
  CHECK(reason_of(f, f.make_block(nullptr, locked)) == "accepted");
}

TEST_CASE("duplicate, orphan and child-of-invalid blocks") {
  ChainFixture f;
  const core::Block b = f.make_block();
  CHECK(f.submit(b).kind == SubmitResult::Kind::kAccepted);
  const SubmitResult dup = f.submit(b);
  CHECK(dup.kind == SubmitResult::Kind::kDuplicate);
  CHECK(dup.reason == "duplicate");

  core::Block orphan = f.make_block();
  orphan.header.prev_block.bytes[5] ^= 0x40;
  ChainFixture::mine(orphan);
  CHECK(reason_of(f, orphan) == "prev-blk-not-found");
}

TEST_CASE("an invalid block marks its descendants invalid, the valid chain stays") {
  ChainFixture f;
  const auto* base = f.extend(nullptr, 2);
  const auto* a_tip = f.extend(base, 2, 1);  // active: base + 2
  // Fork from base: B1 valid, B2 breaks a connect-time rule, B3 on top.
  BlockSpec s1;
  s1.tag = 2;
  const core::Block b1 = f.make_block(base, s1);
  CHECK(f.submit(b1).kind == SubmitResult::Kind::kInconclusive);
  BlockSpec s2;
  s2.tag = 2;
  s2.coinbase_value = core::block_subsidy(4) + 1;
  const core::Block b2 = f.make_block(f.chain().lookup(b1.hash()), s2);
  CHECK(f.submit(b2).kind == SubmitResult::Kind::kInconclusive);  // equal work: not tried yet
  BlockSpec s3;
  s3.tag = 2;
  const core::Block b3 = f.make_block(f.chain().lookup(b2.hash()), s3);
  const SubmitResult r3 = f.submit(b3);
  CHECK(r3.kind == SubmitResult::Kind::kRejected);
  CHECK(f.chain().tip() == a_tip);
  CHECK(f.chain().lookup(b2.hash())->failed());
  CHECK(f.chain().lookup(b3.hash())->failed());
  CHECK_FALSE(f.chain().lookup(b1.hash())->failed());
  // A child of the invalid branch is refused at once.
  BlockSpec s4;
  s4.tag = 2;
  CHECK(reason_of(f, f.make_block(f.chain().lookup(b3.hash()), s4)) == "bad-prevblk");
  // The state survives a restart.
  const core::Hash256 a_hash = a_tip->hash();
  f.reopen();
  CHECK(f.chain().tip()->hash() == a_hash);
  CHECK(f.chain().lookup(b3.hash())->failed());
}

TEST_CASE("proposals (BIP23) are checked without proof of work") {
  ChainFixture f;
  f.extend(nullptr, 2);
  core::Block b = f.make_block();
  const core::Uint256 target = core::decode_compact(b.header.bits).target;
  do {
    ++b.header.nonce;
  } while (core::hash_meets_target(b.header.hash(), target));
  CHECK_FALSE(f.chain().test_block_validity(b).has_value());  // valid but for the nonce
  core::Block root = b;
  root.header.merkle_root.bytes[3] ^= 1;
  CHECK(f.chain().test_block_validity(root).value() == "bad-txnmrklroot");
  BlockSpec over;
  over.coinbase_value = core::block_subsidy(3) + 1;
  CHECK(f.chain().test_block_validity(f.make_block(nullptr, over)).value() == "bad-cb-amount");
  core::Block stale = f.make_block(f.chain().at_height(1));
  CHECK(f.chain().test_block_validity(stale).value() == "inconclusive-not-best-prevblk");
  CHECK(f.chain().tip()->height() == 2);  // nothing was stored or connected
}
