// The interpreter-backed verifier in block connection: signed spends
// connect, bad signatures are refused with Bitcoin's reason, and a spend
// verified once (as the mempool does) is served from the signature cache
// when its block connects.
#include <doctest/doctest.h>

#include <array>
#include <string>

#include "core/key.h"
#include "core/script/sign.h"
#include "node/script_verifier.h"
#include "test/node/chain_fixture.h"

using namespace btr;
using btr::test::BlockSpec;
using btr::test::ChainFixture;

namespace {

std::string outcome(ChainFixture& f, const core::Block& b) {
  const auto r = f.submit(b);
  return r.kind == node::SubmitResult::Kind::kAccepted ? "accepted" : r.reason;
}

core::PrivateKey test_key() {
  std::array<uint8_t, 32> e{};
  e.fill(0x5a);
  return core::PrivateKey::generate(e);
}

}  // namespace

TEST_CASE("script verifier: signed spends connect, bad ones are refused, the cache is shared") {
  node::InterpreterScriptVerifier verifier(1000);
  ChainFixture f(verifier);
  const core::PrivateKey key = test_key();
  const core::Script mine = core::p2pkh_script(key.public_key().id().bytes);
  BlockSpec first;
  first.payout = mine;
  const core::Block b1 = f.make_block(nullptr, first);
  REQUIRE(outcome(f, b1) == "accepted");
  f.extend(nullptr, 100);  // coinbase maturity

  const core::TxOut coin = b1.transactions[0].outputs[0];
  core::Transaction tx = btr::test::spend({b1.transactions[0].txid(), 0}, coin.value - 1000);
  REQUIRE(core::script::sign_input(tx, 0, mine, std::span(&key, 1)));

  // A wrong signature: same transaction, signed for another amount.
  core::Transaction bad = tx;
  bad.outputs[0].value -= 1;
  BlockSpec with_bad;
  with_bad.txs = {bad};
  CHECK(outcome(f, f.make_block(nullptr, with_bad)) ==
        "mandatory-script-verify-flag-failed (EVAL_FALSE)");

  // The mempool verifies first; connecting the block then hits the cache.
  const uint64_t hits_before = verifier.cache().hits();
  REQUIRE(verifier.verify(tx, 0, coin, node::script_flags::kStandard));
  BlockSpec with_tx;
  with_tx.txs = {tx};
  CHECK(outcome(f, f.make_block(nullptr, with_tx)) == "accepted");
  CHECK(verifier.cache().hits() > hits_before);
  CHECK(verifier.cache().size() <= verifier.cache().capacity());
}

TEST_CASE("script verifier: flags and reasons") {
  node::InterpreterScriptVerifier verifier(10);
  core::Transaction tx;
  tx.inputs.resize(1);
  tx.outputs.push_back({1, {}});
  const core::TxOut anyone{5, {core::OP_1}};
  CHECK(verifier.verify(tx, 0, anyone, node::script_flags::kConsensus));
  const core::TxOut nobody{5, {core::OP_0}};
  const auto st = verifier.verify(tx, 0, nobody, node::script_flags::kConsensus);
  REQUIRE(!st);
  CHECK(st.error() == "mandatory-script-verify-flag-failed (EVAL_FALSE)");
  CHECK(!verifier.verify(tx, 3, anyone, node::script_flags::kConsensus));  // no such input
}
