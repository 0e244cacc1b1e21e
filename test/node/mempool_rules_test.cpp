// Mempool admission, rule by rule: every refused transaction below breaks
// exactly one rule and is otherwise what the pool would take, so the reason
// checked is the rule's own (Bitcoin Core's reject reasons).

#include <doctest/doctest.h>

#include "core/script.h"
#include "core/script/standard.h"
#include "node/sequence_locks.h"
#include "test/node/mempool_fixture.h"

using btr::node::MempoolAcceptResult;
using btr::test::MempoolFixture;
using btr::test::Utxo;
namespace core = btr::core;
namespace node = btr::node;

namespace {

using Kind = MempoolAcceptResult::Kind;

constexpr core::Amount kFee = 10'000;

void check_refused(MempoolFixture& f, const core::Transaction& tx, const std::string& reason,
                   Kind kind = Kind::kInvalid) {
  const size_t before = f.pool->size();
  const MempoolAcceptResult r = f.accept(tx);
  CHECK_FALSE(r.accepted);
  CHECK(r.reject_reason == reason);
  CHECK(r.kind == kind);
  CHECK(f.pool->size() == before);
}

void check_accepted(MempoolFixture& f, const core::Transaction& tx) {
  const MempoolAcceptResult r = f.accept(tx);
  REQUIRE_MESSAGE(r.accepted, r.message());
  CHECK(f.pool->contains(tx.txid()));
}

}  // namespace

TEST_CASE("mempool: a signed P2PKH spend enters with its fee, size and coins") {
  MempoolFixture f;
  btr::test::RecordingListener listener;
  f.pool->add_listener(&listener);
  const Utxo coin = f.keyed[0];
  const core::Transaction tx = f.pay_fee(coin, kFee, false);
  // testmempoolaccept's path leaves the pool alone.
  const MempoolAcceptResult test = f.pool->accept(tx, true);
  CHECK(test.accepted);
  CHECK(f.pool->size() == 0);
  const MempoolAcceptResult r = f.accept(tx);
  REQUIRE_MESSAGE(r.accepted, r.message());
  CHECK(r.fee == kFee);
  CHECK(r.size == tx.serialized_size());
  const node::MempoolEntry* e = f.pool->get(tx.txid());
  REQUIRE(e != nullptr);
  CHECK(e->fee == kFee);
  CHECK(f.pool->bytes() == tx.serialized_size());
  CHECK(f.pool->txids() == std::vector<core::Hash256>{tx.txid()});
  CHECK(f.pool->is_spent(coin.outpoint));
  CHECK(f.pool->spender(coin.outpoint) == tx.txid());
  // Coins as the pool sees them: the spent one is gone, the new one is there.
  auto spent = f.pool->get_coin(coin.outpoint);
  REQUIRE(spent.ok());
  CHECK_FALSE(spent->has_value());
  auto created = f.pool->get_coin({tx.txid(), 0});
  REQUIRE(created.ok());
  REQUIRE(created->has_value());
  CHECK((*created)->height == node::Mempool::kMempoolHeight);
  CHECK(listener.added == std::vector<core::Hash256>{tx.txid()});
  // Again: already there.
  check_refused(f, tx, "txn-already-in-mempool", Kind::kAlreadyInMempool);
  f.pool->remove_listener(&listener);
}

TEST_CASE("mempool: context-free, coinbase and standardness refusals") {
  MempoolFixture f;
  const Utxo coin = f.anyone[0];
  SUBCASE("no outputs") {
    core::Transaction tx = f.pay({coin}, {});
    check_refused(f, tx, "bad-txns-vout-empty");
  }
  SUBCASE("a coinbase") {
    core::Transaction tx = f.pay_fee(coin, kFee);
    tx.inputs[0].prevout = {};
    tx.inputs[0].prevout.index = core::OutPoint::kNullIndex;
    tx.inputs[0].script_sig = {0x01, 0x02, 0x03};
    check_refused(f, tx, "coinbase");
  }
  SUBCASE("version 3 is not standard") {
    core::Transaction tx = f.pay({coin}, {{coin.out.value - kFee, f.true_script}}, 3);
    check_refused(f, tx, "version");
  }
  SUBCASE("a non-standard output script") {
    core::Transaction tx = f.pay({coin}, {{coin.out.value - kFee, {core::OP_1}}});
    check_refused(f, tx, "scriptpubkey");
  }
  SUBCASE("a dust output") {
    core::Transaction tx =
        f.pay({coin}, {{coin.out.value - kFee - 100, f.key_script}, {100, f.key_script}});
    check_refused(f, tx, "dust");
  }
  SUBCASE("below 65 bytes") {
    // P2SH(OP_TRUE) in, a bare OP_RETURN out: valid, standard, 63 bytes.
    core::Transaction tx = f.pay({coin}, {{0, {0x6a}}});
    REQUIRE(tx.serialized_size() < 65);
    check_refused(f, tx, "tx-size-small");
  }
  SUBCASE("non-standard accepted with -acceptnonstdtxn") {
    node::MempoolOptions o;
    o.require_standard = false;
    MempoolFixture g(o);
    const core::Script bare(10, core::OP_1);  // anyone can spend; not a standard type
    core::Transaction tx = g.pay({g.anyone[0]}, {{g.anyone[0].out.value - kFee, bare}});
    check_accepted(g, tx);
  }
}

TEST_CASE("mempool: finality, conflicts, known and missing inputs") {
  MempoolFixture f;
  const int32_t next = f.chain().tip()->height() + 1;
  SUBCASE("lock time in the future (BIP113 height)") {
    core::Transaction tx = f.pay({f.anyone[0]}, {{f.anyone[0].out.value - kFee, f.true_script}}, 1,
                                 0, static_cast<uint32_t>(next + 1));
    check_refused(f, tx, "non-final");
    // The same lock time one block earlier is final.
    core::Transaction ok = f.pay({f.anyone[0]}, {{f.anyone[0].out.value - kFee, f.true_script}}, 1,
                                 0, static_cast<uint32_t>(next - 1));
    check_accepted(f, ok);
  }
  SUBCASE("lock time by median time past") {
    const int64_t mtp = f.chain().tip()->median_time_past();
    core::Transaction tx = f.pay({f.anyone[0]}, {{f.anyone[0].out.value - kFee, f.true_script}}, 1,
                                 0, static_cast<uint32_t>(mtp));
    check_refused(f, tx, "non-final");
  }
  SUBCASE("a second spend of the same coin (no replacement)") {
    check_accepted(f, f.pay_fee(f.anyone[0], kFee));
    check_refused(f, f.pay_fee(f.anyone[0], kFee * 10), "txn-mempool-conflict");
  }
  SUBCASE("already confirmed") {
    const core::Transaction tx = f.pay_fee(f.anyone[0], kFee);
    f.mine({tx});
    check_refused(f, tx, "txn-already-known", Kind::kAlreadyInChain);
  }
  SUBCASE("unknown input") {
    Utxo ghost = f.anyone[0];
    ghost.outpoint.index = 999;
    check_refused(f, f.pay_fee(ghost, kFee), "bad-txns-inputs-missingorspent",
                  Kind::kMissingInputs);
  }
  SUBCASE("input spent by a block") {
    f.mine({f.pay_fee(f.anyone[0], kFee)});
    check_refused(f, f.pay_fee(f.anyone[0], kFee * 2), "bad-txns-inputs-missingorspent",
                  Kind::kMissingInputs);
  }
}

TEST_CASE("mempool: coinbase maturity, values and fees") {
  MempoolFixture f;
  SUBCASE("immature coinbase") {
    btr::test::BlockSpec spec;
    spec.payout = f.true_script;
    const core::Block b = f.chain_fx.make_block(nullptr, spec);
    REQUIRE(f.chain_fx.submit(b).kind == node::SubmitResult::Kind::kAccepted);
    const Utxo cb = MempoolFixture::output(b.transactions[0], 0);
    f.mine_empty(98);  // depth 99 for the next block
    const MempoolAcceptResult r = f.accept(f.pay_fee(cb, kFee));
    CHECK(r.reject_reason == "bad-txns-premature-spend-of-coinbase");
    CHECK(r.debug_message == "tried to spend coinbase at depth 99");
    f.mine_empty(1);
    check_accepted(f, f.pay_fee(cb, kFee));
  }
  SUBCASE("outputs above inputs") {
    check_refused(f, f.pay({f.anyone[0]}, {{f.anyone[0].out.value + 1, f.true_script}}),
                  "bad-txns-in-belowout");
  }
  SUBCASE("fee below the relay minimum") {
    const core::Transaction tx = f.pay_fee(f.anyone[0], 1);
    const MempoolAcceptResult r = f.accept(tx);
    CHECK(r.reject_reason == "min relay fee not met");
    CHECK(r.debug_message == "1 < " + std::to_string(core::script::fee_for_size(1000, r.size)));
    // Exactly the minimum passes.
    const core::Amount min = core::script::fee_for_size(1000, tx.serialized_size());
    check_accepted(f, f.pay_fee(f.anyone[0], min));
  }
}

TEST_CASE("mempool: non-standard inputs and too many sigops") {
  SUBCASE("spending a non-standard output") {
    MempoolFixture f;
    // Blocks may create any output; the pool will not spend a bare OP_1.
    const core::Transaction make = f.pay({f.anyone[0]}, {{f.anyone[0].out.value - kFee, {0x51}}});
    f.mine({make});
    const Utxo odd = MempoolFixture::output(make, 0);
    core::Transaction tx;
    tx.inputs.push_back({odd.outpoint, {}, core::TxIn::kFinalSequence});
    tx.outputs.push_back({odd.out.value - kFee, f.true_script});
    check_refused(f, tx, "bad-txns-nonstandard-inputs");
  }
  SUBCASE("201 bare 1-of-1 multisig outputs count 4,020 sigops") {
    MempoolFixture f;
    const core::PublicKey pub = f.key().public_key();
    const core::Script multisig = core::script::multisig_script(1, std::span(&pub, 1));
    std::vector<core::TxOut> outs(201, core::TxOut{100'000, multisig});
    check_refused(f, f.pay({f.anyone[0]}, outs), "bad-txns-too-many-sigops");
    outs.resize(200);  // 4,000: allowed
    check_accepted(f, f.pay({f.anyone[0]}, outs));
  }
}

TEST_CASE("mempool: script failures, mandatory and policy-only") {
  MempoolFixture f;
  SUBCASE("a wrong signature") {
    core::Transaction tx = f.pay_fee(f.keyed[0], kFee);
    tx.outputs[0].value -= 1;  // signature no longer matches
    const MempoolAcceptResult r = f.accept(tx);
    CHECK(r.reject_reason.rfind("mandatory-script-verify-flag-failed (", 0) == 0);
  }
  SUBCASE("an extra stack item breaks only CLEANSTACK") {
    core::Transaction tx = f.pay_fee(f.anyone[0], kFee);
    tx.inputs[0].script_sig.insert(tx.inputs[0].script_sig.begin(), core::OP_1);
    const MempoolAcceptResult r = f.accept(tx);
    CHECK(r.reject_reason == "non-mandatory-script-verify-flag (CLEANSTACK)");
  }
}

TEST_CASE("mempool: BIP68 relative locks against the next block") {
  MempoolFixture f;
  const Utxo coin = f.anyone[0];  // confirmed in the tip block
  SUBCASE("height lock") {
    // 3 blocks: the coin's block counts as the first.
    core::Transaction tx = f.pay({coin}, {{coin.out.value - kFee, f.true_script}}, 2, 3);
    check_refused(f, tx, "non-BIP68-final");
    f.mine_empty(1);
    check_refused(f, tx, "non-BIP68-final");
    f.mine_empty(1);
    check_accepted(f, tx);
  }
  SUBCASE("version 1 and the disable flag ignore the sequence") {
    check_accepted(f, f.pay({coin}, {{coin.out.value - kFee, f.true_script}}, 1, 3));
    const Utxo other = f.anyone[1];
    check_accepted(f, f.pay({other}, {{other.out.value - kFee, f.true_script}}, 2,
                            node::sequence_lock::kDisableFlag | 3));
  }
  SUBCASE("time lock in 512-second units of median time past") {
    core::Transaction tx = f.pay({coin}, {{coin.out.value - kFee, f.true_script}}, 2,
                                 node::sequence_lock::kTypeFlag | 2);  // 1,024 s
    check_refused(f, tx, "non-BIP68-final");
    // Blocks 60 s apart: the median moves 60 s a block; 16 more blocks put
    // it 1,020 s past the coin's start, 17 put it 1,080 s past.
    f.mine_empty(16);
    check_refused(f, tx, "non-BIP68-final");
    f.mine_empty(1);
    check_accepted(f, tx);
  }
  SUBCASE("a child of a pool transaction counts its parent as the next block's") {
    const core::Transaction parent = f.pay_fee(coin, kFee);
    check_accepted(f, parent);
    const Utxo out = MempoolFixture::output(parent, 0);
    // One block of relative lock: the parent must be confirmed first.
    check_refused(f, f.pay({out}, {{out.out.value - kFee, f.true_script}}, 2, 1),
                  "non-BIP68-final");
    check_accepted(f, f.pay({out}, {{out.out.value - kFee, f.true_script}}, 2, 0));
  }
}

TEST_CASE("mempool: signatures checked on entry are cache hits when the block connects") {
  MempoolFixture f;
  check_accepted(f, f.pay_fee(f.keyed[0], kFee, false));
  check_accepted(f, f.pay_fee(f.keyed[1], kFee, false));
  const uint64_t misses = f.verifier.cache().misses();
  const uint64_t hits = f.verifier.cache().hits();
  f.mine_pool();
  CHECK(f.chain().tip()->rec.tx_count == 3);
  CHECK(f.verifier.cache().misses() == misses);
  CHECK(f.verifier.cache().hits() == hits + 2);
}
