// Four btr-node processes on loopback: they connect and converge on the
// chain with the most work, split into two partitions that each mine, and
// reorganize to the heavier side when the partition heals.

#include <doctest/doctest.h>

#include <ctime>
#include <thread>

#include "test/common/test_util.h"
#include "test/node/net/p2p_test_util.h"

using namespace btr::test;
using namespace std::chrono_literals;

namespace {

bool all_on(const std::vector<const NodeProcess*>& nodes, const std::string& hash) {
  for (const NodeProcess* n : nodes) {
    if (best_hash(*n) != hash) return false;
  }
  return true;
}

int connections(const NodeProcess& n) {
  const auto r = n.call("getconnectioncount")["result"];
  return r.is_number_integer() ? r.get<int>() : -1;
}

}  // namespace

TEST_CASE("p2p four nodes converge then reorganize to the most work after a partition") {
  std::vector<std::unique_ptr<NodeProcess>> nodes;
  for (int i = 0; i < 4; ++i) {
    nodes.push_back(start_p2p_node());
    REQUIRE(nodes.back() != nullptr);
    REQUIRE(p2p_port(*nodes.back()) != 0);
  }
  NodeProcess& a = *nodes[0];
  NodeProcess& b = *nodes[1];
  NodeProcess& c = *nodes[2];
  NodeProcess& d = *nodes[3];
  const std::vector<const NodeProcess*> all = {&a, &b, &c, &d};

  // Each mines alone first: four different chains, d's the longest.
  for (int i = 0; i < 4; ++i) mine(*nodes[i], 2 + i * 2, tag_address(static_cast<uint8_t>(i + 1)));
  const std::string d_tip = best_hash(d);
  CHECK(best_hash(a) != d_tip);
  CHECK(block_count(d) == 8);

  // A ring: everyone reorganizes onto d's chain.
  p2p_connect(a, b);
  p2p_connect(b, c);
  p2p_connect(c, d);
  p2p_connect(d, a);
  REQUIRE(wait_for([&] { return all_on(all, d_tip); }, 20s));
  CHECK(block_count(a) == 8);

  // Partition {a, b} | {c, d}.
  for (const NodeProcess* n : all) p2p_disconnect_all(*n);
  REQUIRE(wait_for(
      [&] { return connections(a) + connections(b) + connections(c) + connections(d) == 0; }, 10s));
  p2p_connect(a, b);
  p2p_connect(c, d);
  REQUIRE(wait_for([&] { return connections(a) == 1 && connections(c) == 1; }, 10s));
  mine(a, 2, tag_address(11));
  mine(c, 4, tag_address(12));
  const std::string left = best_hash(a);
  const std::string right = best_hash(c);
  REQUIRE(wait_for([&] { return best_hash(b) == left && best_hash(d) == right; }, 15s));
  CHECK(left != right);
  CHECK(block_count(b) == 10);
  CHECK(block_count(d) == 12);

  // Heal: the lighter side reorganizes to the heavier one.
  p2p_connect(b, c);
  REQUIRE(wait_for([&] { return all_on(all, right); }, 20s));
  CHECK(block_count(a) == 12);

  // A block mined after the heal reaches every node (announcement relay).
  mine(a, 1, tag_address(13));
  const std::string last = best_hash(a);
  CHECK(wait_for([&] { return all_on(all, last); }, 15s));
  const auto peers = b.call("getpeerinfo")["result"];
  REQUIRE(peers.size() == 2);
  CHECK(peers[0]["version"] == 70016);
  CHECK(peers[0]["synced_headers"] == 13);
}

TEST_CASE("p2p node that falls behind catches up from a peer") {
  auto a = start_p2p_node();
  auto b = start_p2p_node();
  REQUIRE(a != nullptr);
  REQUIRE(b != nullptr);
  // More than one headers message (2000) is not needed to prove catching up,
  // but more than the announcement limit (8 headers) is.
  mine(*a, 150, tag_address(21));
  p2p_connect(*b, *a);
  const std::string tip = best_hash(*a);
  CHECK(wait_for([&] { return best_hash(*b) == tip; }, 30s));
}

TEST_CASE("p2p addr announcements travel to other peers and persist in the address book") {
  auto a = start_p2p_node();
  auto b = start_p2p_node();
  auto c = start_p2p_node();
  REQUIRE(a != nullptr);
  REQUIRE(b != nullptr);
  REQUIRE(c != nullptr);
  p2p_connect(*a, *b);
  p2p_connect(*c, *b);
  REQUIRE(wait_for([&] { return b->call("getconnectioncount")["result"] == 2; }, 10s));
  RawPeer peer(p2p_port(*b));
  REQUIRE(peer.handshake());
  btr::node::net::NetAddress announced =
      btr::node::net::NetAddress::from_ipv4(0x0a010203, 18644, 1);  // 10.1.2.3
  announced.time = static_cast<uint32_t>(std::time(nullptr));
  peer.send(btr::node::net::AddrMsg{{announced}});
  // The address book is written at shutdown.
  std::this_thread::sleep_for(1s);
  for (NodeProcess* n : {a.get(), c.get()}) {
    CHECK(n->terminate() == 0);
    CHECK(read_file(n->datadir() / "peers.json").find("10.1.2.3") != std::string::npos);
  }
}
