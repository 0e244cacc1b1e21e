// The mempool RPCs against a running node, with Bitcoin Core's shapes and
// error codes: testmempoolaccept, sendrawtransaction (-22, -25, -26, -27),
// getrawmempool (plain, verbose, with sequence), getmempoolentry,
// getmempoolinfo, estimatesmartfee, and getblocktemplate's transactions and
// its long poll answered after a mempool change.

#include <doctest/doctest.h>

#include <chrono>
#include <future>

#include "core/chain_params.h"
#include "core/hex.h"
#include "core/key.h"
#include "core/script.h"
#include "core/script/sign.h"
#include "test/node/net/node_process.h"
#include "test/node/regtest_key.h"

using btr::test::NodeProcess;
using nlohmann::json;
namespace core = btr::core;

namespace {

const char* kAddress = "mtVwi6aB1K4mZ4ziK27VgXGjdhLQ1V9iqs";  // the pre-mine key's

json result(const json& reply) {
  REQUIRE(reply.is_object());
  CHECK_MESSAGE(reply["error"].is_null(), reply.dump());
  return reply["result"];
}

int error_code(const json& reply) {
  REQUIRE(reply["error"].is_object());
  return reply["error"]["code"].get<int>();
}

std::string error_message(const json& reply) {
  return reply["error"]["message"].get<std::string>();
}

struct Spendable {
  core::OutPoint outpoint;
  core::TxOut out;
};

std::string signed_hex(const std::vector<Spendable>& from, const std::vector<core::TxOut>& outs,
                       core::Transaction* tx_out = nullptr) {
  core::Transaction tx;
  for (const Spendable& s : from) tx.inputs.push_back({s.outpoint, {}, core::TxIn::kFinalSequence});
  tx.outputs = outs;
  const std::vector<core::PrivateKey> keys{btr::test::regtest_premine_key()};
  for (size_t i = 0; i < from.size(); ++i) {
    REQUIRE(core::script::sign_input(tx, i, from[i].out.script_pubkey, keys).ok());
  }
  if (tx_out != nullptr) *tx_out = tx;
  return core::to_hex(tx.serialize());
}

}  // namespace

TEST_CASE("mempool RPCs: accept, refuse with Core's codes, list, template, estimate") {
  NodeProcess n({"--longpolltimeout=20"});
  REQUIRE(n.start());
  result(n.call("generatetoaddress", json::array({101, kAddress})));
  const core::Block& genesis = core::chain_params(core::Network::kRegtest).genesis;
  const Spendable premine{{genesis.transactions[0].txid(), 0}, genesis.transactions[0].outputs[0]};
  const core::Script key_script = premine.out.script_pubkey;

  // Split the pre-mine: five 1,000-coin outputs and the change (fee 0.001).
  std::vector<core::TxOut> outs(5, core::TxOut{1000 * core::kCoin, key_script});
  outs.push_back({premine.out.value - 5000 * core::kCoin - 100'000, key_script});
  core::Transaction split;
  const std::string split_hex = signed_hex({premine}, outs, &split);
  const std::string split_id = split.txid().to_display_hex();

  const json test = result(n.call("testmempoolaccept", json::array({json::array({split_hex})})));
  REQUIRE(test.size() == 1);
  CHECK(test[0]["txid"] == split_id);
  CHECK(test[0]["allowed"] == true);
  CHECK(test[0]["vsize"] == split.serialized_size());
  CHECK(test[0]["fees"]["base"] == 0.001);
  CHECK(result(n.call("getmempoolinfo"))["size"] == 0);

  // A parked long poll is answered after the pool changes (rate-limited).
  const json tmpl0 = result(n.call("getblocktemplate", json::array({json::object()})));
  const std::string lpid = tmpl0["longpollid"];
  auto poll = std::async(std::launch::async, [&n, lpid] {
    const auto t0 = std::chrono::steady_clock::now();
    json reply = n.call("getblocktemplate", json::array({{{"longpollid", lpid}}}));
    return std::make_pair(reply, std::chrono::steady_clock::now() - t0);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  CHECK(result(n.call("sendrawtransaction", json::array({split_hex}))) == split_id);
  const auto [lp_reply, lp_wait] = poll.get();
  const json lp = result(lp_reply);
  CHECK(lp_wait < std::chrono::seconds(15));
  REQUIRE(lp["transactions"].size() == 1);
  CHECK(lp["longpollid"] != lpid);

  // Resending a pool transaction answers its txid again.
  CHECK(result(n.call("sendrawtransaction", json::array({split_hex}))) == split_id);
  const json ids = result(n.call("getrawmempool"));
  CHECK(ids == json::array({split_id}));
  const json seq = result(n.call("getrawmempool", json::array({false, true})));
  CHECK(seq["txids"] == ids);
  CHECK(seq["mempool_sequence"].is_number());
  const json verbose = result(n.call("getrawmempool", json::array({true})));
  const json entry = verbose[split_id];
  CHECK(entry["vsize"] == split.serialized_size());
  CHECK(entry["fees"]["base"] == 0.001);
  CHECK(entry["ancestorcount"] == 1);
  CHECK(entry["depends"] == json::array());
  CHECK(result(n.call("getmempoolentry", json::array({split_id}))) == entry);
  const json info = result(n.call("getmempoolinfo"));
  CHECK(info["size"] == 1);
  CHECK(info["bytes"] == split.serialized_size());
  CHECK(info["maxmempool"] == 300000000);
  CHECK(info["minrelaytxfee"] == 0.00001);
  CHECK(result(n.call("getmininginfo"))["pooledtx"] == 1);

  // The template carries it with Core's fields; the coinbase takes the fee.
  const json tmpl = result(n.call("getblocktemplate", json::array({json::object()})));
  REQUIRE(tmpl["transactions"].size() == 1);
  const json t0 = tmpl["transactions"][0];
  CHECK(t0["data"] == split_hex);
  CHECK(t0["txid"] == split_id);
  CHECK(t0["hash"] == split_id);
  CHECK(t0["fee"] == 100'000);
  CHECK(t0["sigops"] == 6);  // six P2PKH outputs
  CHECK(t0["depends"] == json::array());
  CHECK(tmpl["coinbasevalue"] == core::kCoin + 100'000);

  // Refusals.
  std::vector<Spendable> coins;
  for (uint32_t i = 0; i < 5; ++i) coins.push_back({{split.txid(), i}, split.outputs[i]});
  const json conflict = n.call("sendrawtransaction",
                               json::array({signed_hex({premine}, {{core::kCoin, key_script}})}));
  CHECK(error_code(conflict) == -26);
  CHECK(error_message(conflict) == "txn-mempool-conflict");
  Spendable ghost = coins[0];
  ghost.outpoint.index = 77;
  const json missing =
      n.call("sendrawtransaction", json::array({signed_hex({ghost}, {{core::kCoin, key_script}})}));
  CHECK(error_code(missing) == -25);
  CHECK(error_message(missing) == "bad-txns-inputs-missingorspent");
  const json missing_test = result(
      n.call("testmempoolaccept",
             json::array({json::array({signed_hex({ghost}, {{core::kCoin, key_script}})})})));
  CHECK(missing_test[0]["allowed"] == false);
  CHECK(missing_test[0]["reject-reason"] == "missing-inputs");
  const json decode = n.call("sendrawtransaction", json::array({"00ff"}));
  CHECK(error_code(decode) == -22);
  // 10 coins of fee on ~200 bytes is far above maxfeerate 0.10 per kvB.
  const json greedy =
      n.call("sendrawtransaction",
             json::array({signed_hex({coins[0]}, {{990 * core::kCoin, key_script}})}));
  CHECK(error_code(greedy) == -25);
  CHECK(error_message(greedy) ==
        "Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)");
  const json cheap =
      n.call("sendrawtransaction",
             json::array({signed_hex({coins[0]}, {{coins[0].out.value, key_script}})}));
  CHECK(error_code(cheap) == -26);
  CHECK(error_message(cheap).rfind("min relay fee not met, 0 < ", 0) == 0);

  // Three more spends at known rates, then a block confirms all four.
  for (size_t i = 0; i < 3; ++i) {
    const core::Amount fee = 10'000 * static_cast<core::Amount>(i + 1);
    result(n.call("sendrawtransaction",
                  json::array({signed_hex({coins[i]}, {{coins[i].out.value - fee, key_script}})})));
  }
  CHECK(result(n.call("getmempoolinfo"))["size"] == 4);
  const json est_none = result(n.call("estimatesmartfee", json::array({2})));
  CHECK(est_none["errors"].size() == 1);
  result(n.call("generatetoaddress", json::array({1, kAddress})));
  CHECK(result(n.call("getrawmempool")) == json::array());
  const json already = n.call("sendrawtransaction", json::array({split_hex}));
  CHECK(error_code(already) == -27);
  CHECK(error_message(already) == "Transaction already in block chain");
  const json est = result(n.call("estimatesmartfee", json::array({2})));
  REQUIRE(est.contains("feerate"));
  CHECK(est["feerate"].get<double>() > 0);
  CHECK(est["blocks"] == 2);
  CHECK(error_code(n.call("estimatesmartfee", json::array({0}))) == -8);
  CHECK(error_code(n.call("getmempoolentry", json::array({split_id}))) == -5);
  n.terminate();
}
