// btr-pool in front of a real regtest btr-node: a client finds a block
// through the pool and the node accepts it (getblockcount goes up).
#include <doctest/doctest.h>

#include <thread>

#include "core/hex.h"
#include "pool/rpc_client.h"
#include "stratum/codec.h"
#include "test/common/test_util.h"
#include "test/pool/net/net_util.h"
#include "test/pool/net/node_runner.h"

using namespace btr;
using nlohmann::json;

TEST_CASE("real regtest btr-node behind the pool accepts a block a client finds") {
#ifndef BTR_NODE_BINARY
  MESSAGE("BTR-SKIP: btr-node is not part of this build");
  return;
#else
  if (!std::filesystem::exists(BTR_NODE_BINARY)) {
    MESSAGE("BTR-SKIP: btr-node has not been built (" BTR_NODE_BINARY ")");
    return;
  }
  test::TempDir dir;
  test::RegtestNode node(BTR_NODE_BINARY, dir.path / "node");
  const auto started = node.start();
  if (!started.ok()) MESSAGE(test::read_file(node.log_file()));
  REQUIRE(started.ok());
  auto url = pool::parse_http_url(node.url());
  REQUIRE(url.ok());
  pool::RpcClient rpc(*url, pool::RpcCredentials{node.cookie_file().string(), "", ""});
  auto count0 = rpc.call("getblockcount", json::array(), 5000);
  REQUIRE(count0.ok());
  REQUIRE_FALSE(count0->is_error);
  const int64_t height0 = count0->result.get<int64_t>();

  pool::PoolConfig cfg = pool::default_pool_config(pool::Network::kRegtest);
  cfg.bind = {"127.0.0.1"};
  cfg.ports.front().port = 0;
  cfg.node_url = node.url();
  cfg.node_cookie = node.cookie_file().string();
  cfg.datadir = dir.path.string();
  test::PoolHarness harness(cfg);
  REQUIRE(harness.ok());
  REQUIRE(harness.wait_templates(1, 10000));

  test::LineClient c(harness.port());
  REQUIRE(c.send_raw(
      "{\"id\":1,\"method\":\"mining.configure\",\"params\":[[\"version-rolling\"],"
      "{\"version-rolling.mask\":\"ffffffff\"}]}\n"
      "{\"id\":2,\"method\":\"mining.subscribe\",\"params\":[\"bitaxe/BM1366/v2.4.0\"]}\n"
      "{\"id\":3,\"method\":\"mining.authorize\",\"params\":[\"mtVwi6aB1K4mZ4ziK27VgXGjdhLQ1V9iqs."
      "rig\",\"x\"]}\n"
      "{\"id\":4,\"method\":\"mining.suggest_difficulty\",\"params\":[0.00001]}\n"));
  const json sub = c.read_reply(2);
  REQUIRE(sub.is_object());
  auto en1 = core::from_hex(sub["result"][1].get<std::string>());
  REQUIRE(en1.ok());
  // The last notify before things settle carries the 0.00001 difficulty.
  json notify;
  for (;;) {
    json m = c.read_json(1500);
    if (m.is_discarded()) break;
    if (m.value("method", "") == "mining.notify") notify = m;
  }
  REQUIRE(notify.is_object());
  auto parsed = stratum::parse_server_message(notify.dump());
  REQUIRE(parsed.message.ok());
  const auto job = std::get<stratum::Notify>(*parsed.message);
  const std::vector<uint8_t> en2(sub["result"][2].get<size_t>(), 0x42);
  auto found = test::mine_share(job, *en1, en2, job.ntime, job.version, 0.00001);
  REQUIRE(found);
  char tail[64];
  std::snprintf(tail, sizeof tail, "\"%08x\",\"%08x\",\"00000000\"", job.ntime, found->nonce);
  REQUIRE(
      c.send_line("{\"id\":10,\"method\":\"mining.submit\",\"params\":["
                  "\"mtVwi6aB1K4mZ4ziK27VgXGjdhLQ1V9iqs.rig\",\"" +
                  job.job_id + "\",\"" + core::to_hex(en2) + "\"," + tail + "]}"));
  const json r = c.read_reply(10);
  REQUIRE(r.is_object());
  CHECK(r["result"] == true);
  // The node's chain grows by the block the client found.
  int64_t height = height0;
  for (int i = 0; i < 100 && height == height0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto cnt = rpc.call("getblockcount", json::array(), 5000);
    if (cnt.ok() && !cnt->is_error) height = cnt->result.get<int64_t>();
  }
  CHECK(height == height0 + 1);
  auto best = rpc.call("getbestblockhash", json::array(), 5000);
  REQUIRE(best.ok());
  CHECK(best->result.get<std::string>() == found->hash.to_display_hex());
  // And the pool moves every miner to the new tip with clean_jobs.
  const json next = c.read_method("mining.notify", 5000);
  REQUIRE(next.is_object());
  CHECK(next["params"][8] == true);
#endif
}
