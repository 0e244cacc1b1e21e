// btr-pool in front of a real regtest btr-node that changes under it:
//  - the node restarts while miners are connected: they stay connected, the
//    pool waits, resumes with a fresh template and does not submit a block
//    built on the tip it knew before the restart once the node moved on;
//  - ZMQ hashblock as the new-block trigger (polling and long polling off):
//    a new block reaches the miner as a clean_jobs notify within a second or so.
#include <doctest/doctest.h>

#include <fstream>
#include <thread>

#include "core/hex.h"
#include "stratum/codec.h"
#include "test/common/test_util.h"
#include "test/pool/net/net_util.h"
#include "test/pool/net/node_runner.h"

using namespace btr;
using nlohmann::json;

namespace {

constexpr const char* kAddress = "mtVwi6aB1K4mZ4ziK27VgXGjdhLQ1V9iqs";

#ifdef BTR_NODE_BINARY
bool node_binary_missing() {
  if (std::filesystem::exists(BTR_NODE_BINARY)) return false;
  MESSAGE("BTR-SKIP: btr-node has not been built (" BTR_NODE_BINARY ")");
  return true;
}
#endif

stratum::Notify to_notify(const json& j) {
  auto parsed = stratum::parse_server_message(j.dump());
  REQUIRE(parsed.message.ok());
  REQUIRE(std::holds_alternative<stratum::Notify>(*parsed.message));
  return std::get<stratum::Notify>(*parsed.message);
}

struct Miner {
  std::vector<uint8_t> en1;
  size_t en2_size = 0;
  stratum::Notify job;
};

Miner handshake(test::LineClient& c) {
  REQUIRE(
      c.send_raw("{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[\"test/1\"]}\n"
                 "{\"id\":2,\"method\":\"mining.suggest_difficulty\",\"params\":[0.00001]}\n"
                 "{\"id\":3,\"method\":\"mining.authorize\",\"params\":[\"" +
                 std::string(kAddress) + ".rig\",\"x\"]}\n"));
  Miner m;
  const json sub = c.read_reply(1);
  REQUIRE(sub.is_object());
  m.en1 = core::from_hex(sub["result"][1].get<std::string>()).value();
  m.en2_size = sub["result"][2].get<size_t>();
  const json notify = c.read_method("mining.notify", 10000);
  REQUIRE(notify.is_object());
  m.job = to_notify(notify);
  return m;
}

void copy_cookie(const std::filesystem::path& from, const std::filesystem::path& to) {
  std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing);
}

// Reads notifies until one builds on `prev_display` (display hex); discarded on timeout.
json notify_on(test::LineClient& c, const std::string& prev_display, int timeout_ms) {
  const int64_t deadline = test::now_ms() + timeout_ms;
  for (;;) {
    const int64_t left = deadline - test::now_ms();
    if (left <= 0) return json(json::value_t::discarded);
    json m = c.read_method("mining.notify", static_cast<int>(left));
    if (m.is_discarded()) return m;
    if (to_notify(m).prev_block.to_display_hex() == prev_display) return m;
  }
}

}  // namespace

TEST_CASE("node restart under a running pool: miners stay, fresh template, no old-tip block") {
#ifndef BTR_NODE_BINARY
  MESSAGE("BTR-SKIP: btr-node is not part of this build");
#else
  if (node_binary_missing()) return;
  test::TempDir dir;
  test::RegtestNode node(BTR_NODE_BINARY, dir.path / "node");
  const auto started = node.start();
  if (!started.ok()) MESSAGE(test::read_file(node.log_file()));
  REQUIRE(started.ok());
  // The pool reads its own copy of the cookie: the test decides when the
  // restarted node becomes reachable for it again.
  const auto pool_cookie = dir.path / "pool.cookie";
  copy_cookie(node.cookie_file(), pool_cookie);

  pool::PoolConfig cfg = pool::default_pool_config(pool::Network::kRegtest);
  cfg.bind = {"127.0.0.1"};
  cfg.ports.front().port = 0;
  cfg.node_url = node.url();
  cfg.node_cookie = pool_cookie.string();
  cfg.datadir = dir.path.string();
  test::PoolHarness pool(cfg);
  REQUIRE(pool.ok());
  REQUIRE(pool.wait_templates(1, 10000));
  test::LineClient c(pool.port());
  const Miner m = handshake(c);
  const auto height0 = node.call("getblockcount");
  REQUIRE(height0.ok());

  // The node stops. The miner keeps its connection; a share that is also a
  // block (regtest bits) is still answered, its block queued for the node.
  REQUIRE(node.stop() == 0);
  CHECK(c.read_json(1500).is_discarded());  // neither closed nor sent anything
  const std::vector<uint8_t> en2(m.en2_size, 0x21);
  auto found = test::mine_share(m.job, m.en1, en2, m.job.ntime, m.job.version, 0.00001);
  REQUIRE(found);
  char tail[40];
  std::snprintf(tail, sizeof tail, "\"%08x\",\"%08x\"", m.job.ntime, found->nonce);
  REQUIRE(c.send_line("{\"id\":9,\"method\":\"mining.submit\",\"params\":[\"" +
                      std::string(kAddress) + ".rig\",\"" + m.job.job_id + "\",\"" +
                      core::to_hex(en2) + "\"," + tail + "]}"));
  CHECK(c.read_reply(9)["result"] == true);

  // The node comes back and moves on (another miner's block) before the pool
  // can talk to it again.
  const auto restarted = node.start();
  if (!restarted.ok()) MESSAGE(test::read_file(node.log_file()));
  REQUIRE(restarted.ok());
  const auto mined = node.call("generatetoaddress", json::array({1, kAddress}));
  REQUIRE(mined.ok());
  const std::string new_tip = (*mined)[0].get<std::string>();
  copy_cookie(node.cookie_file(), pool_cookie);

  // The pool resumes with a template on the new tip (clean_jobs), still on the
  // same connection, and never submitted the block built on the old tip.
  const json next = notify_on(c, new_tip, 20000);
  REQUIRE(next.is_object());
  CHECK(next["params"][8] == true);
  const auto height = node.call("getblockcount");
  REQUIRE(height.ok());
  CHECK(height->get<int64_t>() == height0->get<int64_t>() + 1);
  const auto best = node.call("getbestblockhash");
  REQUIRE(best.ok());
  CHECK(*best == new_tip);
  CHECK(best->get<std::string>() != found->hash.to_display_hex());
  CHECK(pool.stats().blocks_submitted.load() == 1);  // queued...
  CHECK(pool.stats().blocks_accepted.load() == 0);   // ...and dropped, not sent
  // Work on the new tip is accepted as before.
  const stratum::Notify job2 = to_notify(next);
  auto share2 = test::mine_share(job2, m.en1, en2, job2.ntime, job2.version, 0.00001);
  REQUIRE(share2);
  std::snprintf(tail, sizeof tail, "\"%08x\",\"%08x\"", job2.ntime, share2->nonce);
  REQUIRE(c.send_line("{\"id\":10,\"method\":\"mining.submit\",\"params\":[\"" +
                      std::string(kAddress) + ".rig\",\"" + job2.job_id + "\",\"" +
                      core::to_hex(en2) + "\"," + tail + "]}"));
  CHECK(c.read_reply(10, 10000)["result"] == true);
#endif
}

TEST_CASE("ZMQ hashblock triggers the new-block notify (polling off)") {
#if !defined(BTR_NODE_BINARY) || !defined(BTR_POOL_HAVE_ZMQ)
  MESSAGE("BTR-SKIP: needs btr-node and a pool built with libzmq");
#else
  if (node_binary_missing()) return;
  test::TempDir dir;
  const std::string zmq = "tcp://127.0.0.1:" + std::to_string(test::free_loopback_port());
  test::RegtestNode node(BTR_NODE_BINARY, dir.path / "node", {"--zmqpubhashblock=" + zmq});
  const auto started = node.start();
  if (!started.ok()) MESSAGE(test::read_file(node.log_file()));
  REQUIRE(started.ok());

  pool::PoolConfig cfg = pool::default_pool_config(pool::Network::kRegtest);
  cfg.bind = {"127.0.0.1"};
  cfg.ports.front().port = 0;
  cfg.node_url = node.url();
  cfg.node_cookie = node.cookie_file().string();
  cfg.datadir = dir.path.string();
  cfg.zmq_hashblock = zmq;
  cfg.longpoll = false;             // only ZMQ can tell the pool in time:
  cfg.block_poll_interval_s = 120;  // no getbestblockhash poll within the test
  cfg.template_refresh_s = 120;     // and no periodic template either
  test::PoolHarness pool(cfg);
  REQUIRE(pool.ok());
  REQUIRE(pool.wait_templates(1, 10000));
  test::LineClient c(pool.port());
  handshake(c);
  // ZMQ subscriptions take a moment to reach the publisher (slow joiner).
  std::this_thread::sleep_for(std::chrono::milliseconds(500));

  for (int block = 0; block < 2; ++block) {
    const int64_t t0 = test::now_ms();
    const auto mined = node.call("generatetoaddress", json::array({1, kAddress}));
    REQUIRE(mined.ok());
    const json next = notify_on(c, (*mined)[0].get<std::string>(), 10000);
    REQUIRE(next.is_object());
    CHECK(next["params"][8] == true);
    const int64_t ms = test::now_ms() - t0;
    MESSAGE("new block to clean_jobs notify via ZMQ: " << ms << " ms");
    CHECK(ms < 5000);  // the fallbacks would take 120 s
  }
#endif
}
