// The wallet end to end on regtest (issue 6): import the pre-mine key, let
// it mature, spend it into 100 outputs, mine them, spend those in a chain
// of unconfirmed transactions, mine that, then reorganize it away with a
// longer branch mined by a second node (blocks moved by submitblock), and
// check the mempool and the balances after each step and after a restart.

#include <doctest/doctest.h>

#include <cmath>
#include <set>

#include "core/address.h"
#include "core/chain_params.h"
#include "test/node/net/node_process.h"
#include "test/node/net/wallet_test_util.h"

using btr::test::kPremineAddress;
using btr::test::kPremineWif;
using btr::test::NodeProcess;
using btr::test::rpc_ok;
using nlohmann::json;

namespace {

constexpr int64_t kCoin = 100'000'000;

int64_t units(const json& coins) {
  return std::llround(coins.get<double>() * 1e8);
}

// Amounts are JSON numbers of coins (doubles, as in Core). Above 2^26 coins
// (67 M BTR: the pre-mine is 80 M) neighbouring doubles are more than one
// unit apart, so the value read back may be one unit off.
bool same_amount(int64_t reported, int64_t expected) {
  const int64_t slack = expected >= (int64_t{1} << 26) * kCoin ? 1 : 0;
  return std::llabs(reported - expected) <= slack;
}

// An address nobody in the test owns: mining there keeps balances exact.
std::string outside_address() {
  const auto& p = btr::core::chain_params(btr::core::Network::kRegtest);
  btr::core::Address a;
  a.hash.bytes.fill(0x44);
  return btr::core::encode_address(a, p.prefixes);
}

void copy_blocks(const NodeProcess& from, const NodeProcess& to, int first, int last) {
  for (int h = first; h <= last; ++h) {
    const json hash = rpc_ok(from.call("getblockhash", {h}));
    const json hex = rpc_ok(from.call("getblock", {hash, 0}));
    const json r = rpc_ok(to.call("submitblock", {hex}));
    // A side-branch block of equal work is stored but not the tip (BIP22).
    CHECK((r.is_null() || r == "inconclusive"));
  }
}

std::set<std::string> mempool(const NodeProcess& n) {
  std::set<std::string> out;
  for (const json& t : rpc_ok(n.call("getrawmempool"))) out.insert(t.get<std::string>());
  return out;
}

int64_t balance(const NodeProcess& n, int minconf) {
  return units(rpc_ok(n.call("getbalance", {"*", minconf})));
}

}  // namespace

TEST_CASE("wallet regtest: pre-mine into 100 outputs, unconfirmed chain, reorg, restart") {
  NodeProcess a;
  NodeProcess b({"--disablewallet"});
  REQUIRE(a.start());
  REQUIRE(b.start());
  const std::string outside = outside_address();
  CHECK(b.call("getnewaddress")["error"]["code"] == -32601);  // no wallet there

  // The pre-mine: found by the import's rescan, immature at depth 1.
  CHECK(rpc_ok(a.call("importprivkey", {kPremineWif, "premine"})).is_null());
  json bal = rpc_ok(a.call("getbalances"))["mine"];
  CHECK(same_amount(units(bal["immature"]), 80'000'000 * kCoin));
  CHECK(units(bal["trusted"]) == 0);
  CHECK(rpc_ok(a.call("dumpprivkey", {kPremineAddress})) == kPremineWif);

  rpc_ok(a.call("generatetoaddress", {100, outside}));
  copy_blocks(a, b, 1, 100);
  CHECK(same_amount(balance(a, 6), 80'000'000 * kCoin));  // mature and arrived
  CHECK(rpc_ok(a.call("getbalance")) == rpc_ok(a.call("getbalance", {"*", 6})));

  // 100 outputs of 1,000 BTR to new addresses of the wallet.
  json amounts = json::object();
  for (int i = 0; i < 100; ++i) amounts[rpc_ok(a.call("getnewaddress")).get<std::string>()] = 1000;
  const std::string fan = rpc_ok(a.call("sendmany", {"", amounts}));
  CHECK(mempool(a) == std::set<std::string>{fan});
  const json fan_tx = rpc_ok(a.call("gettransaction", {fan}));
  const int64_t fan_fee = -units(fan_tx["fee"]);
  CHECK(fan_fee > 0);
  CHECK(units(fan_tx["amount"]) == 0);  // paid to itself: only the fee left
  CHECK(same_amount(balance(a, 0), 80'000'000 * kCoin - fan_fee));
  CHECK(balance(a, 1) == 0);  // the pre-mine is spent, its outputs unconfirmed

  rpc_ok(a.call("generatetoaddress", {1, outside}));  // height 101
  copy_blocks(a, b, 101, 101);
  CHECK(mempool(a).empty());
  const json utxos = rpc_ok(a.call("listunspent"));
  CHECK(utxos.size() == 101);  // 100 outputs and the change
  const int64_t after_fan = 80'000'000 * kCoin - fan_fee;
  CHECK(same_amount(balance(a, 1), after_fan));

  // A chain of 20 unconfirmed transactions from one 1,000 BTR output, plus
  // a wallet payment to someone else.
  json prev;
  for (const json& u : utxos) {
    if (units(u["amount"]) == 1000 * kCoin) prev = u;
  }
  REQUIRE(prev.is_object());
  std::set<std::string> chain;
  std::string txid = prev["txid"];
  int vout = prev["vout"];
  int64_t value = 1000 * kCoin;
  for (int i = 0; i < 20; ++i) {
    value -= 100'000;  // 0.001 BTR fee each
    const std::string to = rpc_ok(a.call("getnewaddress"));
    const json raw =
        rpc_ok(a.call("createrawtransaction", {json::array({{{"txid", txid}, {"vout", vout}}}),
                                               {{to, static_cast<double>(value) / 1e8}}}));
    const json signed_tx = rpc_ok(a.call("signrawtransactionwithwallet", {raw}));
    REQUIRE(signed_tx["complete"] == true);
    txid = rpc_ok(a.call("sendrawtransaction", {signed_tx["hex"]}));
    vout = 0;
    chain.insert(txid);
  }
  const std::string pay = rpc_ok(a.call("sendtoaddress", {outside, 5000}));
  const int64_t pay_fee = -units(rpc_ok(a.call("gettransaction", {pay}))["fee"]);
  std::set<std::string> expected = chain;
  expected.insert(pay);
  CHECK(mempool(a) == expected);
  const int64_t after_chain = after_fan - 20 * 100'000 - 5000 * kCoin - pay_fee;
  bal = rpc_ok(a.call("getbalances"))["mine"];
  CHECK(same_amount(units(bal["trusted"]), after_chain));
  CHECK(units(bal["untrusted_pending"]) == 0);
  CHECK(same_amount(balance(a, 0), after_chain));

  // Mined at height 102 on node a only.
  rpc_ok(a.call("generatetoaddress", {1, outside}));
  CHECK(mempool(a).empty());
  CHECK(same_amount(balance(a, 1), after_chain));
  CHECK(rpc_ok(a.call("gettransaction", {txid}))["confirmations"] == 1);

  // Node b extends height 101 by two blocks: a reorganizes to them, and the
  // 21 transactions go back to its mempool.
  rpc_ok(b.call("generatetoaddress", {2, outside}));
  copy_blocks(b, a, 102, 103);
  CHECK(rpc_ok(a.call("getblockcount")) == 103);
  CHECK(rpc_ok(a.call("getbestblockhash")) == rpc_ok(b.call("getbestblockhash")));
  CHECK(mempool(a) == expected);
  CHECK(rpc_ok(a.call("gettransaction", {txid}))["confirmations"] == 0);
  bal = rpc_ok(a.call("getbalances"))["mine"];
  CHECK(same_amount(units(bal["trusted"]), after_chain));
  CHECK(units(bal["untrusted_pending"]) == 0);
  CHECK(balance(a, 1) < after_chain);  // the unconfirmed outputs no longer count at 1

  // After a restart the wallet reads the same state back and submits its
  // unconfirmed transactions to the new (empty) mempool again.
  REQUIRE(a.terminate() == 0);
  REQUIRE(a.start());
  CHECK(mempool(a) == expected);
  CHECK(same_amount(units(rpc_ok(a.call("getbalances"))["mine"]["trusted"]), after_chain));

  // Mined again: confirmed, and arrived after 6 confirmations.
  rpc_ok(a.call("generatetoaddress", {1, outside}));
  CHECK(mempool(a).empty());
  CHECK(same_amount(balance(a, 1), after_chain));
  CHECK(balance(a, 6) < after_chain);
  rpc_ok(a.call("generatetoaddress", {5, outside}));
  CHECK(same_amount(balance(a, 6), after_chain));
  const json list = rpc_ok(a.call("listtransactions", {"*", 1000}));
  int sends = 0;
  for (const json& e : list) {
    if (e["category"] == "send" && e["address"] == outside) {
      ++sends;
      CHECK(units(e["amount"]) == -5000 * kCoin);
    }
  }
  CHECK(sends == 1);
}
