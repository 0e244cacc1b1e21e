// End-to-end: a competing chain from a second btr-node, relayed over P2P,
// orphans blocks the pool found; the pool's ledger must mark them orphaned
// and reverse their credits, and the audit must still pass.
#include <chrono>
#include <fstream>
#include <functional>
#include <thread>

#include <doctest/doctest.h>

#include "test/tools/stack_e2e/stack_run.h"
#include "tools/stack/http_fetch.h"
#include "tools/stack/stack_keys.h"

namespace {

using btr::test::Spawned;
using btr::test::StackRun;
using btr::tools::stack::NodeRpc;
using nlohmann::json;

bool poll_until(double timeout_s, const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(static_cast<int64_t>(timeout_s * 1000));
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return false;
}

uint16_t read_port_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  int port = 0;
  in >> port;
  return static_cast<uint16_t>(port);
}

}  // namespace

TEST_CASE("a competing chain over P2P orphans pool blocks and the ledger reverses them") {
  StackRun run;
  REQUIRE(run.start({"--timeout", "0"}));
  const json stack = run.stack_file();
  REQUIRE_MESSAGE(stack.is_object(), run.output());
  REQUIRE_MESSAGE(run.wait_height(4, 120), run.output());
  auto node1 = run.node_rpc();
  if (auto peers = node1->call("getpeerinfo"); !peers) {
    MESSAGE("BTR-SKIP: btr-node has no P2P yet (getpeerinfo: " << peers.error() << ")");
    return;
  }
  if (!btr::tools::stack::http_get_json("127.0.0.1", stack["api_port"].get<uint16_t>(),
                                        "/api/blocks")) {
    MESSAGE("BTR-SKIP: the pool's API has no /api/blocks yet");
    return;
  }

  // A second node, alone, mines a longer chain from genesis to another address.
  const auto dir2 = run.datadir() / "competitor";
  std::filesystem::create_directories(dir2);
  Spawned node2_process;
  REQUIRE(node2_process.start({BTR_NODE_BIN, "--regtest", "--datadir=" + dir2.string(),
                               "--rpcport=0", "--port=0", "--bind=127.0.0.1"},
                              dir2 / "node.log"));
  uint16_t rpc2 = 0;
  REQUIRE(
      poll_until(30, [&] { return (rpc2 = read_port_file(dir2 / "regtest" / "rpcport")) != 0; }));
  NodeRpc node2("127.0.0.1", rpc2, (dir2 / "regtest" / ".cookie").string());
  REQUIRE(poll_until(30, [&] { return node2.call("getblockcount").ok(); }));
  const int64_t height1 = node1->call("getblockcount")->get<int64_t>();
  const std::string other =
      btr::tools::stack::derive_published_key("BitSilver regtest pre-mine").address;
  auto mined = node2.call("generatetoaddress", {height1 + 30, other}, 120);
  REQUIRE_MESSAGE(mined.ok(), (mined.ok() ? "" : mined.error()));
  const std::string tip2 = node2.call("getbestblockhash")->get<std::string>();

  // Connected over P2P, node 1 must reorganize onto it.
  auto added = node2.call("addnode",
                          {"127.0.0.1:" + std::to_string(stack["p2p_port"].get<int>()), "onetry"});
  REQUIRE_MESSAGE(added.ok(), (added.ok() ? "" : added.error()));
  CHECK_MESSAGE(poll_until(90,
                           [&] {
                             auto h = node1->call("getblockheader", {tip2, true});
                             return h.ok() && (*h).value("confirmations", -1) >= 1;
                           }),
                "node 1 never switched to the longer chain");

  // The pool sees the new tip and marks its blocks on the old branch orphaned.
  const auto api_port = stack["api_port"].get<uint16_t>();
  CHECK(poll_until(60, [&] {
    auto blocks = btr::tools::stack::http_get_json("127.0.0.1", api_port, "/api/blocks?limit=1000");
    if (!blocks) return false;
    for (const auto& b : *blocks) {
      if (b.value("status", "") == "orphaned") return true;
    }
    return false;
  }));

  CHECK(run.terminate() == 0);
  const json s = run.summary();
  INFO(run.output());
  REQUIRE(s.is_object());
  INFO("mismatches: " << s["audit"]["mismatches"].dump());
  CHECK(s["audit"]["ok"].get<bool>());
  CHECK(s["audit"]["blocks_orphaned"].get<uint64_t>() >= 1);
  CHECK(s["unclean_stops"].empty());
  for (const char* child : {"node", "pool", "rig1", "rig2"}) CHECK(s["restarts"][child] == 0);
  for (const auto& b : s["ledger"]["blocks"]) {
    if (b["status"] == "orphaned") CHECK(b["credits_reversed"].get<bool>());
  }
  node2_process.terminate();
}
