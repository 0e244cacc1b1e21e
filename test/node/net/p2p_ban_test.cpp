// Misbehaviour: a test-side raw socket peer that handshakes and sends a block
// whose header fails proof of work is disconnected and banned (and the ban is
// listed, persisted and removable); malformed framing is punished the same.

#include <doctest/doctest.h>

#include "core/chain_params.h"
#include "core/pow.h"
#include "core/script.h"
#include "test/node/net/p2p_test_util.h"

using namespace btr;
using namespace btr::test;
using namespace std::chrono_literals;

namespace {

// A block on genesis whose hash is above the regtest target.
core::Block bad_pow_block() {
  const core::ChainParams& p = core::chain_params(core::Network::kRegtest);
  core::Block b;
  core::Transaction cb;
  core::TxIn in;
  in.prevout.index = core::OutPoint::kNullIndex;
  in.script_sig = core::coinbase_height_script(1);
  in.script_sig.push_back(0x00);
  cb.inputs.push_back(in);
  core::TxOut out;
  out.value = core::kCoin;
  core::Hash160 h;
  out.script_pubkey = core::p2pkh_script(h.bytes);
  cb.outputs.push_back(out);
  b.transactions.push_back(cb);
  b.header.version = core::kTemplateVersion;
  b.header.prev_block = p.genesis_hash;
  b.header.merkle_root = b.compute_merkle_root().root;
  b.header.time = p.genesis.header.time + 60;
  b.header.bits = p.pow_limit_bits;
  while (core::check_proof_of_work(b.hash(), b.header.bits, p.pow_limit)) ++b.header.nonce;
  return b;
}

bool listed_banned(const NodeProcess& n) {
  const auto bans = n.call("listbanned")["result"];
  for (const auto& b : bans) {
    if (b["address"] == "127.0.0.1/32") return true;
  }
  return false;
}

}  // namespace

TEST_CASE("p2p node bans a peer that sends a block with bad proof of work") {
  auto node = start_p2p_node();
  REQUIRE(node != nullptr);
  const uint16_t port = p2p_port(*node);
  {
    RawPeer peer(port);
    REQUIRE(peer.connected());
    REQUIRE(peer.handshake());
    CHECK(node->call("getconnectioncount")["result"] == 1);
    CHECK_FALSE(listed_banned(*node));
    peer.send(node::net::BlockMsg{bad_pow_block()});
    CHECK(peer.closed_by_peer(10s));
  }
  CHECK(listed_banned(*node));
  CHECK(block_count(*node) == 0);
  const auto bans = node->call("listbanned")["result"];
  REQUIRE(bans.size() == 1);
  CHECK(bans[0]["ban_duration"] == 86400);
  // A banned address cannot come back.
  {
    RawPeer again(port);
    CHECK(again.closed_by_peer(10s));
  }
  // The ban list survives a restart.
  CHECK(node->terminate() == 0);
  REQUIRE(node->start());
  CHECK(listed_banned(*node));
  node->call("setban", {"127.0.0.1", "remove"});
  CHECK_FALSE(listed_banned(*node));
  RawPeer welcome(p2p_port(*node));
  CHECK(welcome.handshake());
}

TEST_CASE("p2p node bans a peer that breaks the framing and manages bans by RPC") {
  auto node = start_p2p_node();
  REQUIRE(node != nullptr);
  RawPeer peer(p2p_port(*node));
  REQUIRE(peer.handshake());
  peer.send(node::net::PingMsg{77});
  bool ponged = false;
  for (int i = 0; i < 10 && !ponged; ++i) {
    auto m = peer.receive(5s);
    ponged = m && m->command == "pong";
  }
  CHECK(ponged);
  CHECK_FALSE(listed_banned(*node));
  // A ping header claiming a 1 MB payload: refused from the header alone.
  auto frame = node::net::frame_message({0xfa, 0x42, 0x54, 0x52}, "ping", {});
  frame[18] = 0x10;
  peer.send_bytes(frame);
  CHECK(peer.closed_by_peer(10s));
  CHECK(listed_banned(*node));
  CHECK(node->call("clearbanned")["error"].is_null());
  CHECK(node->call("listbanned")["result"].empty());

  CHECK(node->call("setban", {"10.0.0.0/8", "add", 3600})["error"].is_null());
  const auto bans = node->call("listbanned")["result"];
  REQUIRE(bans.size() == 1);
  CHECK(bans[0]["address"] == "10.0.0.0/8");
  CHECK(bans[0]["ban_duration"] == 3600);
  CHECK(node->call("setban", {"10.0.0.0/8", "add"})["error"]["code"] == -23);
  CHECK(node->call("setban", {"not-an-ip", "add"})["error"]["code"] == -30);
  CHECK(node->call("setban", {"10.0.0.0/8", "remove"})["error"].is_null());
  CHECK(node->call("listbanned")["result"].empty());
  CHECK(node->call("disconnectnode", {"127.0.0.1:1"})["error"]["code"] == -29);
}
