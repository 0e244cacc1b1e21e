// Wallet RPCs over JSON-RPC against a regtest btr-node: Bitcoin Core's
// error codes for the passphrase commands (-13 locked, -14 wrong
// passphrase, -15 wrong encryption state) and the relock timeout; raw
// transactions built with createrawtransaction and signed with
// signrawtransactionwithkey (the pre-mine key, no wallet involved); send
// errors (-5 bad address, -6 insufficient funds, -3 bad amount).

#include <doctest/doctest.h>

#include <thread>

#include "core/address.h"
#include "core/chain_params.h"
#include "test/node/net/node_process.h"
#include "test/node/net/wallet_test_util.h"

using btr::test::kPremineAddress;
using btr::test::kPremineWif;
using btr::test::NodeProcess;
using btr::test::rpc_error_code;
using btr::test::rpc_ok;
using nlohmann::json;

TEST_CASE("wallet rpc: encryptwallet, walletpassphrase, walletlock and their error codes") {
  NodeProcess n;
  REQUIRE(n.start());
  const std::string addr = rpc_ok(n.call("getnewaddress", {"mine"}));
  const std::string wif = rpc_ok(n.call("dumpprivkey", {addr}));
  CHECK(rpc_error_code(n.call("walletpassphrase", {"x", 10})) == -15);
  CHECK(rpc_error_code(n.call("walletlock")) == -15);
  rpc_ok(n.call("encryptwallet", {"pass phrase"}));
  CHECK(rpc_error_code(n.call("encryptwallet", {"again"})) == -15);
  CHECK(rpc_error_code(n.call("dumpprivkey", {addr})) == -13);
  CHECK(rpc_error_code(n.call("importprivkey", {kPremineWif})) == -13);
  // Receiving needs no passphrase.
  const std::string addr2 = rpc_ok(n.call("getnewaddress"));
  CHECK(rpc_error_code(n.call("walletpassphrase", {"wrong", 10})) == -14);
  CHECK(rpc_error_code(n.call("walletpassphrase", {"pass phrase", -1})) == -8);
  rpc_ok(n.call("walletpassphrase", {"pass phrase", 60}));
  CHECK(rpc_ok(n.call("getwalletinfo"))["unlocked_until"].get<int64_t>() > 0);
  CHECK(rpc_ok(n.call("dumpprivkey", {addr})) == wif);
  CHECK(rpc_ok(n.call("dumpprivkey", {addr2})).is_string());
  rpc_ok(n.call("walletlock"));
  CHECK(rpc_error_code(n.call("dumpprivkey", {addr})) == -13);
  CHECK(rpc_ok(n.call("getwalletinfo"))["unlocked_until"] == 0);
  // The timeout relocks by itself.
  rpc_ok(n.call("walletpassphrase", {"pass phrase", 1}));
  CHECK(rpc_ok(n.call("dumpprivkey", {addr})) == wif);
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  CHECK(rpc_error_code(n.call("dumpprivkey", {addr})) == -13);
  CHECK(rpc_error_code(n.call("walletpassphrasechange", {"wrong", "new"})) == -14);
  rpc_ok(n.call("walletpassphrasechange", {"pass phrase", "new"}));
  // The passphrase holds across a restart.
  REQUIRE(n.terminate() == 0);
  REQUIRE(n.start());
  CHECK(rpc_error_code(n.call("walletpassphrase", {"pass phrase", 10})) == -14);
  rpc_ok(n.call("walletpassphrase", {"new", 10}));
  CHECK(rpc_ok(n.call("dumpprivkey", {addr})) == wif);
}

TEST_CASE("wallet rpc: raw transactions signed with the pre-mine key, and send errors") {
  NodeProcess n;
  REQUIRE(n.start());
  const std::string mine = rpc_ok(n.call("getnewaddress"));
  rpc_ok(n.call("generatetoaddress", {100, mine}));
  const std::string genesis = rpc_ok(n.call("getblockhash", {0}));
  const json block = rpc_ok(n.call("getblock", {genesis, 2}));
  const json premine = block["tx"][0];
  // 80,000,000 BTR to two outputs, 0.01 BTR fee; signed without the wallet.
  const json raw = rpc_ok(n.call(
      "createrawtransaction", {json::array({{{"txid", premine["txid"]}, {"vout", 0}}}),
                               json::array({{{mine, 1000}}, {{kPremineAddress, 79'998'999.99}}})}));
  const json unsigned_check = rpc_ok(n.call("signrawtransactionwithkey", {raw, json::array()}));
  CHECK(unsigned_check["complete"] == false);
  CHECK(unsigned_check["errors"].size() == 1);
  CHECK(rpc_error_code(n.call("signrawtransactionwithkey", {raw, {"notakey"}})) == -5);
  CHECK(rpc_error_code(n.call("signrawtransactionwithkey", {"zz", {kPremineWif}})) == -22);
  const json signed_tx = rpc_ok(n.call("signrawtransactionwithkey", {raw, {kPremineWif}}));
  REQUIRE(signed_tx["complete"] == true);
  const std::string txid = rpc_ok(n.call("sendrawtransaction", {signed_tx["hex"]}));
  // The wallet sees the payment to its address as untrusted pending.
  const json bal = rpc_ok(n.call("getbalances"))["mine"];
  CHECK(bal["untrusted_pending"] == 1000);
  rpc_ok(n.call("generatetoaddress", {1, mine}));
  CHECK(rpc_ok(n.call("gettransaction", {txid}))["confirmations"] == 1);
  // Tip 101: the coinbases of heights 1 and 2 are mature (100 deep).
  CHECK(rpc_ok(n.call("getbalance", {"*", 1})).get<double>() == doctest::Approx(1000 + 2));
  // The default counts arrived funds only: the payment has 1 confirmation of 6.
  CHECK(rpc_ok(n.call("getbalance")).get<double>() == doctest::Approx(2));

  CHECK(rpc_error_code(n.call("sendtoaddress", {"notanaddress", 1})) == -5);
  CHECK(rpc_error_code(n.call("sendtoaddress", {mine, -1})) == -3);
  CHECK(rpc_error_code(n.call("sendtoaddress", {mine, 0})) == -3);
  CHECK(rpc_error_code(n.call("sendtoaddress", {mine, 5000})) == -6);
  CHECK(rpc_error_code(n.call("dumpprivkey", {kPremineAddress})) == -4);
  const json info = rpc_ok(n.call("getaddressinfo", {mine}));
  CHECK(info["ismine"] == true);
  CHECK(info["hdkeypath"] == "m/0'/0/0");
  CHECK(rpc_ok(n.call("getaddressinfo", {kPremineAddress}))["ismine"] == false);
  CHECK(rpc_error_code(n.call("importprivkey", {"bad"})) == -5);
  const json sent = rpc_ok(n.call("sendtoaddress", {kPremineAddress, 10, "", "", false, false,
                                                    nullptr, nullptr, nullptr, 5, true}));
  const json tx = rpc_ok(n.call("gettransaction", {sent["txid"]}));
  const json decoded = rpc_ok(n.call("decoderawtransaction", {tx["hex"]}));
  // fee_rate 5 units per byte.
  CHECK(-tx["fee"].get<double>() * 1e8 ==
        doctest::Approx(5.0 * decoded["size"].get<double>()).epsilon(0.02));
  CHECK(rpc_ok(n.call("listunspent", {0}))[0].contains("safe"));
  CHECK(sent["fee_reason"] == "");  // an explicit fee_rate
  CHECK(rpc_error_code(n.call("sendtoaddress", {kPremineAddress, 1, "", "", false, false, 2,
                                                nullptr, nullptr, 5})) == -8);

  // settxfee: 0.0005 BTR per 1000 bytes = 50 units per byte.
  CHECK(rpc_error_code(n.call("settxfee", {0.000001})) == -8);  // below the relay floor
  CHECK(rpc_ok(n.call("settxfee", {0.0005})) == true);
  CHECK(rpc_ok(n.call("getwalletinfo"))["paytxfee"] == 0.0005);
  const json sent2 = rpc_ok(n.call("sendtoaddress", {kPremineAddress, 1, "", "", false, false,
                                                     nullptr, nullptr, nullptr, nullptr, true}));
  CHECK(sent2["fee_reason"] == "PayTxFee set");
  const json tx2 = rpc_ok(n.call("gettransaction", {sent2["txid"]}));
  const json decoded2 = rpc_ok(n.call("decoderawtransaction", {tx2["hex"]}));
  CHECK(-tx2["fee"].get<double>() * 1e8 ==
        doctest::Approx(50.0 * decoded2["size"].get<double>()).epsilon(0.02));
  // subtractfeefromamount: the recipient pays the fee.
  const std::string sub = rpc_ok(n.call("sendtoaddress", {kPremineAddress, 2, "", "", true}));
  const json tx3 = rpc_ok(n.call("gettransaction", {sub}));
  CHECK(tx3["amount"].get<double>() == doctest::Approx(-2.0 - tx3["fee"].get<double>()));
}
