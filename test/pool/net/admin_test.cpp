// The operator's actions on live sessions, over real sockets: set_extranonce
// through POST /api/admin/set_extranonce, client.reconnect through
// POST /api/admin/reconnect, and client.reconnect on a clean shutdown.
#include <doctest/doctest.h>

#include "core/hex.h"
#include "stratum/codec.h"
#include "test/pool/net/net_util.h"

using namespace btr;
using nlohmann::json;

namespace {

constexpr const char* kAddress = "mtVwi6aB1K4mZ4ziK27VgXGjdhLQ1V9iqs";
constexpr const char* kToken = "admin-s3cret";

struct Miner {
  std::string user;
  std::vector<uint8_t> en1;
  size_t en2_size = 0;
  stratum::Notify job;
};

stratum::Notify to_notify(const json& j) {
  auto parsed = stratum::parse_server_message(j.dump());
  REQUIRE(parsed.message.ok());
  REQUIRE(std::holds_alternative<stratum::Notify>(*parsed.message));
  return std::get<stratum::Notify>(*parsed.message);
}

// subscribe, suggest a tiny difficulty, [extranonce.subscribe], authorize; waits for
// the notify that carries the suggested difficulty.
Miner handshake(test::LineClient& c, const std::string& worker, bool extranonce_subscribe) {
  Miner m;
  m.user = std::string(kAddress) + "." + worker;
  std::string hello =
      "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[\"test/1\"]}\n"
      "{\"id\":2,\"method\":\"mining.suggest_difficulty\",\"params\":[0.00001]}\n";
  if (extranonce_subscribe) {
    hello += "{\"id\":3,\"method\":\"mining.extranonce.subscribe\",\"params\":[]}\n";
  }
  hello += "{\"id\":4,\"method\":\"mining.authorize\",\"params\":[\"" + m.user + "\",\"x\"]}\n";
  REQUIRE(c.send_raw(hello));
  const json sub = c.read_reply(1);
  REQUIRE(sub.is_object());
  m.en1 = core::from_hex(sub["result"][1].get<std::string>()).value();
  m.en2_size = sub["result"][2].get<size_t>();
  if (extranonce_subscribe) CHECK(c.read_reply(3)["result"] == true);
  const json notify = c.read_method("mining.notify");
  REQUIRE(notify.is_object());
  m.job = to_notify(notify);
  return m;
}

std::string submit_line(int id, const Miner& m, const std::string& job_id,
                        const std::vector<uint8_t>& en2, uint32_t ntime, uint32_t nonce) {
  char tail[40];
  std::snprintf(tail, sizeof tail, "\"%08x\",\"%08x\"", ntime, nonce);
  return "{\"id\":" + std::to_string(id) + ",\"method\":\"mining.submit\",\"params\":[\"" + m.user +
         "\",\"" + job_id + "\",\"" + core::to_hex(en2) + "\"," + tail + "]}";
}

// Nothing arrives within the time (the session was not picked).
bool quiet(test::LineClient& c, int ms) {
  return c.read_json(ms).is_discarded();
}

struct Env {
  test::FakeNode node{0x1d00ffff};  // main-net-like bits: shares are not blocks
  test::TempDir dir;
  pool::PoolConfig cfg;
  std::unique_ptr<test::PoolHarness> pool;

  explicit Env(bool shutdown_reconnect = false) {
    cfg = test::test_pool_config(node, dir);
    cfg.admin_token = kToken;
    cfg.shutdown_reconnect = shutdown_reconnect;
    cfg.shutdown_reconnect_wait_s = 7;
    pool = std::make_unique<test::PoolHarness>(cfg, /*with_api=*/true);
    REQUIRE(pool->ok());
    REQUIRE(pool->wait_templates(1, 10000));
  }
};

}  // namespace

TEST_CASE("admin set_extranonce: new unique extranonce1, old jobs stale, fresh clean notify") {
  Env env;
  test::LineClient a(env.pool->port());
  test::LineClient b(env.pool->port());
  Miner ma = handshake(a, "a", /*extranonce_subscribe=*/true);
  Miner mb = handshake(b, "b", /*extranonce_subscribe=*/false);
  CHECK(ma.en1 != mb.en1);
  CHECK(quiet(a, 300));

  // No token, a wrong one: refused and nothing is sent.
  CHECK(test::http_request(env.pool->api_port(), "POST", "/api/admin/set_extranonce").status ==
        401);
  CHECK(test::http_request(env.pool->api_port(), "POST", "/api/admin/set_extranonce", "{}", "wrong")
            .status == 401);
  const auto answer =
      test::http_request(env.pool->api_port(), "POST", "/api/admin/set_extranonce", "{}", kToken);
  REQUIRE(answer.status == 200);
  CHECK(json::parse(answer.body)["sent"] == 1);  // only the session that asked for it

  std::vector<json> before;
  const json notify = a.read_method("mining.notify", 5000, &before);
  REQUIRE(notify.is_object());
  REQUIRE_FALSE(before.empty());
  const json& set = before.front();
  REQUIRE(set.value("method", "") == "mining.set_extranonce");
  const auto en1 = core::from_hex(set["params"][0].get<std::string>()).value();
  CHECK(en1.size() == 4);
  CHECK(en1 != ma.en1);
  CHECK(en1 != mb.en1);
  CHECK(set["params"][1] == ma.en2_size);
  const stratum::Notify fresh = to_notify(notify);
  CHECK(fresh.clean_jobs);
  CHECK(fresh.job_id != ma.job.job_id);
  CHECK(quiet(b, 300));  // b did not subscribe to extranonce changes

  // A share for the old job is stale now, whatever extranonce1 it was hashed with.
  const std::vector<uint8_t> en2(ma.en2_size, 0x11);
  auto old_share = test::mine_share(ma.job, en1, en2, ma.job.ntime, ma.job.version, 0.00001);
  REQUIRE(old_share);
  REQUIRE(a.send_line(submit_line(10, ma, ma.job.job_id, en2, ma.job.ntime, old_share->nonce)));
  const json stale = a.read_reply(10);
  REQUIRE(stale.is_object());
  CHECK(stale["error"][0] == 21);
  CHECK(stale["error"][1] == "Stale");
  // The fresh job with the new extranonce1 is accepted.
  auto share = test::mine_share(fresh, en1, en2, fresh.ntime, fresh.version, 0.00001);
  REQUIRE(share);
  REQUIRE(a.send_line(submit_line(11, ma, fresh.job_id, en2, fresh.ntime, share->nonce)));
  CHECK(a.read_reply(11)["result"] == true);
  // b's jobs are untouched.
  auto share_b = test::mine_share(mb.job, mb.en1, en2, mb.job.ntime, mb.job.version, 0.00001);
  REQUIRE(share_b);
  REQUIRE(b.send_line(submit_line(12, mb, mb.job.job_id, en2, mb.job.ntime, share_b->nonce)));
  CHECK(b.read_reply(12)["result"] == true);
}

TEST_CASE("admin reconnect: selected sessions with host, port and wait, then all") {
  Env env;
  test::LineClient a(env.pool->port());
  test::LineClient b(env.pool->port());
  handshake(a, "rig1", false);
  handshake(b, "rig2", false);

  const auto sessions =
      test::http_request(env.pool->api_port(), "GET", "/api/admin/sessions", "", kToken);
  REQUIRE(sessions.status == 200);
  CHECK(json::parse(sessions.body).size() == 2);

  auto answer = test::http_request(env.pool->api_port(), "POST", "/api/admin/reconnect",
                                   R"({"worker":")" + std::string(kAddress) +
                                       R"(.rig1","host":"127.0.0.1","port":3334,"wait_s":5})",
                                   kToken);
  REQUIRE(answer.status == 200);
  CHECK(json::parse(answer.body)["sent"] == 1);
  const json r = a.read_method("client.reconnect", 5000);
  REQUIRE(r.is_object());
  CHECK(r["params"] == json::array({"127.0.0.1", 3334, 5}));
  CHECK(quiet(b, 300));

  answer = test::http_request(env.pool->api_port(), "POST", "/api/admin/reconnect", "", kToken);
  REQUIRE(answer.status == 200);
  CHECK(json::parse(answer.body)["sent"] == 2);
  for (test::LineClient* c : {&a, &b}) {
    const json all = c->read_method("client.reconnect", 5000);
    REQUIRE(all.is_object());
    CHECK(all["params"] == json::array());  // the same pool
  }
  // A bad body is refused.
  CHECK(test::http_request(env.pool->api_port(), "POST", "/api/admin/reconnect", R"({"port":0})",
                           kToken)
            .status == 400);
}

TEST_CASE("clean shutdown sends client.reconnect to this pool when configured") {
  Env env(/*shutdown_reconnect=*/true);
  test::LineClient a(env.pool->port());
  handshake(a, "rig", false);
  env.pool->stop();
  const json r = a.read_method("client.reconnect", 5000);
  REQUIRE(r.is_object());
  CHECK(r["params"] == json::array({nullptr, nullptr, 7}));
  CHECK(a.wait_closed(5000));
}

TEST_CASE("clean shutdown without shutdown_reconnect just closes") {
  Env env(/*shutdown_reconnect=*/false);
  test::LineClient a(env.pool->port());
  handshake(a, "rig", false);
  env.pool->stop();
  std::vector<json> before;
  CHECK(a.read_method("client.reconnect", 3000, &before).is_discarded());
  CHECK(before.empty());
}
