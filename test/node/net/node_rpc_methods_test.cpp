// The chain RPCs' shapes against a running node: block and header queries,
// chain info and tips, UTXO queries, raw transactions, Merkle proofs.

#include <doctest/doctest.h>

#include "core/chain_params.h"
#include "test/node/net/node_process.h"

using btr::test::NodeProcess;
using nlohmann::json;

namespace {

const char* kAddress = "mtVwi6aB1K4mZ4ziK27VgXGjdhLQ1V9iqs";

json result(const json& reply) {
  REQUIRE(reply.is_object());
  CHECK_MESSAGE(reply["error"].is_null(), reply.dump());
  return reply["result"];
}

}  // namespace

TEST_CASE("chain RPCs: blocks, headers, info, tips, UTXO, raw transactions, proofs") {
  NodeProcess n({"--txindex=1"});
  REQUIRE(n.start());
  const json hashes = result(n.call("generatetoaddress", json::array({3, kAddress})));
  const std::string h2 = hashes[1];
  CHECK(result(n.call("getblockcount")) == 3);

  const json header = result(n.call("getblockheader", json::array({h2})));
  CHECK(header["height"] == 2);
  CHECK(header["confirmations"] == 2);
  CHECK(header["nextblockhash"] == hashes[2]);
  CHECK(header["previousblockhash"] == hashes[0]);
  CHECK(header["bits"] == "207fffff");
  CHECK(header["version"] == 0x20000000);
  const std::string header_hex = result(n.call("getblockheader", json::array({h2, false})));
  CHECK(header_hex.size() == 160);

  const json b1 = result(n.call("getblock", json::array({h2})));
  REQUIRE(b1["tx"].size() == 1);
  const std::string cb_txid = b1["tx"][0];
  const json b2 = result(n.call("getblock", json::array({h2, 2})));
  CHECK(b2["tx"][0]["txid"] == cb_txid);
  CHECK(b2["tx"][0]["vin"][0].contains("coinbase"));
  CHECK(b2["tx"][0]["vout"][0]["scriptPubKey"]["address"] == kAddress);
  CHECK(b2["tx"][0]["vout"][0]["value"] == 1.0);
  const std::string raw = result(n.call("getblock", json::array({h2, 0})));
  CHECK(raw.substr(0, 160) == header_hex);

  const json info = result(n.call("getblockchaininfo"));
  CHECK(info["chain"] == "regtest");
  CHECK(info["blocks"] == 3);
  CHECK(info["bestblockhash"] == hashes[2]);
  const json tips = result(n.call("getchaintips"));
  REQUIRE(tips.size() == 1);
  CHECK(tips[0]["status"] == "active");
  CHECK(result(n.call("getdifficulty")).get<double>() > 0);
  CHECK(result(n.call("getnetworkhashps")).is_number());
  CHECK(result(n.call("uptime")).get<int64_t>() >= 0);
  CHECK(result(n.call("help")).get<std::string>().find("getblocktemplate") != std::string::npos);

  const json out = result(n.call("gettxout", json::array({cb_txid, 0})));
  CHECK(out["value"] == 1.0);
  CHECK(out["coinbase"] == true);
  CHECK(out["confirmations"] == 2);
  CHECK(result(n.call("gettxout", json::array({cb_txid, 1}))).is_null());
  const auto& params = btr::core::chain_params(btr::core::Network::kRegtest);
  const std::string premine_txid = params.genesis.transactions[0].txid().to_display_hex();
  CHECK(result(n.call("gettxout", json::array({premine_txid, 0})))["value"] == 80000000.0);
  const json set = result(n.call("gettxoutsetinfo"));
  CHECK(set["txouts"] == 4);
  CHECK(set["total_amount"] == 80000003.0);

  const std::string tx_hex = result(n.call("getrawtransaction", json::array({cb_txid})));
  const json tx = result(n.call("getrawtransaction", json::array({cb_txid, true, h2})));
  CHECK(tx["hex"] == tx_hex);
  CHECK(tx["blockhash"] == h2);
  CHECK(result(n.call("decoderawtransaction", json::array({tx_hex})))["txid"] == cb_txid);

  const std::string proof =
      result(n.call("gettxoutproof", json::array({json::array({cb_txid}), h2})));
  const json proven = result(n.call("verifytxoutproof", json::array({proof})));
  CHECK(proven == json::array({cb_txid}));

  // Errors with Core's codes.
  CHECK(n.call("getblockhash", json::array({99}))["error"]["code"] == -8);
  CHECK(n.call("getblock", json::array({std::string(64, '0')}))["error"]["code"] == -5);
  CHECK(n.call("getblock", json::array({"xyz"}))["error"]["code"] == -8);
  CHECK(n.call("getblockcount", json::array({1}))["error"]["code"] == -1);
  CHECK(n.call("submitblock", json::array({"zz"}))["error"]["code"] == -22);
  CHECK(n.call("generatetoaddress", json::array({1, "nonsense"}))["error"]["code"] == -5);
  const json gb = result(n.call("generateblock", json::array({kAddress, json::array()})));
  CHECK(gb["hash"].get<std::string>().size() == 64);
  CHECK(n.terminate() == 0);
}
