// Transaction relay: a transaction spending the matured regtest pre-mine,
// signed with the published test key, sent to one end of a line of four
// nodes, reaches every mempool (inv, getdata, tx, with trickling), and the
// block that confirms it empties every mempool.

#include <doctest/doctest.h>

#include <string_view>

#include "core/chain_params.h"
#include "core/crypto/sha256.h"
#include "core/hex.h"
#include "core/key.h"
#include "core/script.h"
#include "core/script/sign.h"
#include "test/node/net/p2p_test_util.h"

using namespace btr;
using namespace btr::test;
using namespace std::chrono_literals;

namespace {

core::Transaction spend_premine() {
  const core::ChainParams& p = core::chain_params(core::Network::kRegtest);
  constexpr std::string_view kSeed = "BitSilver regtest pre-mine";
  const core::Hash256 secret =
      core::sha256({reinterpret_cast<const uint8_t*>(kSeed.data()), kSeed.size()});
  auto key = core::PrivateKey::from_bytes(secret.bytes);
  REQUIRE(key.ok());
  const core::Transaction& premine = p.genesis.transactions[0];
  core::Transaction tx;
  core::TxIn in;
  in.prevout = {premine.txid(), 0};
  tx.inputs.push_back(in);
  core::TxOut out;
  out.value = premine.outputs[0].value - core::kCoin / 1000;
  core::Hash160 dest;
  dest.bytes.fill(0x42);
  out.script_pubkey = core::p2pkh_script(dest.bytes);
  tx.outputs.push_back(out);
  const std::vector<core::PrivateKey> keys = {*key};
  REQUIRE(core::script::sign_input(tx, 0, premine.outputs[0].script_pubkey, keys).ok());
  return tx;
}

bool in_mempool(const NodeProcess& n, const std::string& txid) {
  const auto pool = n.call("getrawmempool")["result"];
  for (const auto& t : pool) {
    if (t == txid) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("p2p transaction reaches all four mempools") {
  std::vector<std::unique_ptr<NodeProcess>> nodes;
  for (int i = 0; i < 4; ++i) {
    nodes.push_back(start_p2p_node());
    REQUIRE(nodes.back() != nullptr);
  }
  // The pre-mine (genesis coinbase) matures after 100 blocks.
  mine(*nodes[0], 100, tag_address(31));
  for (int i = 0; i + 1 < 4; ++i) p2p_connect(*nodes[i], *nodes[i + 1]);
  const std::string tip = best_hash(*nodes[0]);
  REQUIRE(wait_for(
      [&] {
        for (const auto& n : nodes) {
          if (best_hash(*n) != tip) return false;
        }
        return true;
      },
      30s));

  const core::Transaction tx = spend_premine();
  const std::string txid = tx.txid().to_display_hex();
  const auto sent = nodes[3]->call("sendrawtransaction", {core::to_hex(tx.serialize())});
  REQUIRE(sent["error"].is_null());
  CHECK(sent["result"] == txid);
  // Three hops of trickling (mean 2-5 s each).
  CHECK(wait_for(
      [&] {
        for (const auto& n : nodes) {
          if (!in_mempool(*n, txid)) return false;
        }
        return true;
      },
      40s));

  // Mined at the other end: every pool drops it.
  mine(*nodes[0], 1, tag_address(32));
  CHECK(wait_for(
      [&] {
        for (const auto& n : nodes) {
          if (in_mempool(*n, txid)) return false;
        }
        return true;
      },
      15s));
}
