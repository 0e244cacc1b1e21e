// Solo mode without a node: the coinbase btr-miner builds, the job it makes
// from a getblocktemplate result, and the block it would submit, all read
// back with core's own parsers.
#include <doctest/doctest.h>

#include "core/address.h"
#include "core/block.h"
#include "core/chain_params.h"
#include "core/crypto/sha256.h"
#include "core/hex.h"
#include "core/script.h"
#include "core/transaction.h"
#include "tools/miner/http_rpc.h"
#include "tools/miner/solo_client.h"

using namespace btr::tools::miner;
using nlohmann::json;

namespace {

// chain.md: the published regtest pre-mine address and its HASH160.
constexpr const char* kRegtestAddress = "mtVwi6aB1K4mZ4ziK27VgXGjdhLQ1V9iqs";
constexpr const char* kRegtestHash160 = "8e68bb02448f9cd6b7f4facc39ba3aa826b92ff4";

SoloOptions regtest_options() {
  MinerConfig config;
  config.solo = true;
  config.rpc_url = "http://127.0.0.1:18643";
  config.rpc_user = "u";
  config.rpc_password = "p";
  config.address = kRegtestAddress;
  config.network = "regtest";
  auto options = SoloOptions::from_config(config);
  REQUIRE(options);
  return *options;
}

}  // namespace

TEST_CASE("solo: options resolve the address, URL and credentials") {
  const SoloOptions options = regtest_options();
  CHECK(btr::core::to_hex(options.payout_script) ==
        std::string("76a914") + kRegtestHash160 + "88ac");
  CHECK(options.endpoint.host == "127.0.0.1");
  CHECK(options.endpoint.port == 18643);
  CHECK(options.endpoint.authorization == "Basic dTpw");  // base64("u:p")
  CHECK(base64_encode("__cookie__:abc") == "X19jb29raWVfXzphYmM=");
  MinerConfig bad;
  bad.rpc_url = "http://127.0.0.1:18643";
  bad.address = "not-an-address";
  CHECK_FALSE(SoloOptions::from_config(bad));
  CHECK_FALSE(parse_rpc_url("127.0.0.1:18643"));
  CHECK_FALSE(parse_rpc_url("http://127.0.0.1"));
}

TEST_CASE("solo: the coinbase carries the BIP34 height and an 8-byte extranonce") {
  const SoloOptions options = regtest_options();
  for (const int64_t height : {1, 16, 17, 300, 70000}) {
    CAPTURE(height);
    const CoinbaseParts parts = build_coinbase(height, 100000000, options.payout_script, "/t/");
    std::vector<uint8_t> tx_bytes = parts.coinb1;
    const std::vector<uint8_t> en2 = {1, 2, 3, 4, 5, 6, 7, 8};
    tx_bytes.insert(tx_bytes.end(), en2.begin(), en2.end());
    tx_bytes.insert(tx_bytes.end(), parts.coinb2.begin(), parts.coinb2.end());
    auto tx = btr::core::Transaction::parse(tx_bytes);
    REQUIRE(tx);
    CHECK(tx->is_coinbase());
    auto parsed_height = btr::core::parse_coinbase_height(tx->inputs[0].script_sig);
    REQUIRE(parsed_height);
    CHECK(*parsed_height == height);
    const auto& sig = tx->inputs[0].script_sig;
    CHECK(sig.size() >= 2);
    CHECK(sig.size() <= 100);
    CHECK(std::search(sig.begin(), sig.end(), en2.begin(), en2.end()) != sig.end());
    REQUIRE(tx->outputs.size() == 1);
    CHECK(tx->outputs[0].value == 100000000);
    CHECK(tx->outputs[0].script_pubkey == options.payout_script);
  }
}

TEST_CASE("solo: template -> job -> block that core parses with a matching Merkle root") {
  const SoloOptions options = regtest_options();
  // Two ordinary transactions in the template (bytes parsed by core; content irrelevant).
  auto make_tx = [](uint8_t tag) {
    btr::core::Transaction tx;
    btr::core::TxIn in;
    in.prevout.txid.bytes[0] = tag;
    in.script_sig = {0x51};
    tx.inputs.push_back(in);
    tx.outputs.push_back(btr::core::TxOut{1000, {0x51}});
    return tx;
  };
  const auto tx1 = make_tx(1);
  const auto tx2 = make_tx(2);
  const json tpl = {
      {"version", 0x20000000},
      {"previousblockhash", "00000000000000000000000000000000000000000000000000000000000000aa"},
      {"transactions",
       {{{"data", btr::core::to_hex(tx1.serialize())}, {"txid", tx1.txid().to_display_hex()}},
        {{"data", btr::core::to_hex(tx2.serialize())}, {"txid", tx2.txid().to_display_hex()}}}},
      {"coinbasevalue", 100002000},
      {"longpollid", "abc"},
      {"curtime", 1700000000},
      {"bits", "207fffff"},
      {"height", 5}};
  auto job = job_from_template(tpl, options);
  REQUIRE(job);
  CHECK((*job)->solo);
  CHECK((*job)->solo_height == 5);
  CHECK((*job)->notify.merkle_branch.size() == 2);
  CHECK((*job)->share_target == (*job)->block_target);
  CHECK((*job)->version_mask == 0x1fffe000);

  FoundShare share;
  share.job = *job;
  share.extranonce2 = {9, 9, 9, 9, 9, 9, 9, 9};
  share.version = 0x20002000;  // a rolled version
  share.nonce = 12345;
  share.ntime = (*job)->notify.ntime + 5;  // a rolled ntime goes into the block as found
  const auto bytes = assemble_block(share);
  auto block = btr::core::Block::parse(bytes);
  REQUIRE(block);
  REQUIRE(block->transactions.size() == 3);
  CHECK(block->transactions[1] == tx1);
  CHECK(block->transactions[2] == tx2);
  CHECK(block->header.merkle_root == block->compute_merkle_root().root);
  CHECK(block->header.prev_block.to_display_hex() == tpl["previousblockhash"]);
  CHECK(block->header.version == 0x20002000);
  CHECK(block->header.nonce == 12345);
  CHECK(block->header.time == 1700000005);
  CHECK(block->header.bits == 0x207fffff);
  CHECK(*btr::core::parse_coinbase_height(block->transactions[0].inputs[0].script_sig) == 5);
  CHECK(block->transactions[0].outputs[0].value == 100002000);

  CHECK_FALSE(job_from_template(json{{"height", 5}}, options));
  CHECK_FALSE(job_from_template(json::array(), options));
}
