// btr-miner's Stratum client against a scripted pool on 127.0.0.1 (port 0).
// Every wait is bounded (run_until with a timeout).
#include <doctest/doctest.h>

#include <memory>
#include <mutex>
#include <set>

#include "core/crypto/sha256.h"
#include "core/hex.h"
#include "kernels/cpu/cpu_dispatch.h"
#include "stratum/codec.h"
#include "stratum/share_rebuild.h"
#include "test/tools/miner_net/fake_pool.h"
#include "tools/miner/mining_device.h"
#include "tools/miner/pool_client.h"
#include "tools/miner/share_queue.h"

using btr::test::FakePool;
using btr::test::run_for;
using btr::test::run_until;
using namespace btr::tools::miner;
using nlohmann::json;

namespace {

constexpr double kWait = 10;  // seconds; every step completes in milliseconds when correct

struct Harness {
  uv_loop_t loop{};
  std::vector<std::shared_ptr<const MinerJob>> jobs;
  std::vector<std::pair<FoundShare, ShareOutcome>> results;
  int work_lost = 0;
  std::vector<std::string> logs;
  std::unique_ptr<FakePool> a;
  std::unique_ptr<FakePool> b;
  std::unique_ptr<PoolClient> client;

  Harness() {
    uv_loop_init(&loop);
    a = std::make_unique<FakePool>(&loop);
    b = std::make_unique<FakePool>(&loop);
  }
  ~Harness() {
    if (client) client->stop();
    a->kill();
    b->kill();
    run_for(&loop, 0.05);
    client.reset();
    a.reset();
    b.reset();
    uv_run(&loop, UV_RUN_NOWAIT);
    (void)uv_loop_close(&loop);
  }
  PoolClientOptions options(std::vector<FakePool*> pools) {
    PoolClientOptions o;
    for (FakePool* p : pools)
      o.pools.push_back(PoolUrl{"127.0.0.1", static_cast<uint16_t>(p->port())});
    o.user = "mtVwi6aB1K4mZ4ziK27VgXGjdhLQ1V9iqs.rig1";
    o.password = "x";
    o.reconnect_delay_s = 0.05;
    o.retry_primary_s = 0.2;
    o.silence_s = 5;
    return o;
  }
  PoolClient& start(PoolClientOptions o) {
    PoolClient::Events events;
    events.on_job = [this](std::shared_ptr<const MinerJob> job) { jobs.push_back(std::move(job)); };
    events.on_work_lost = [this] { ++work_lost; };
    events.on_share_result = [this](const FoundShare& s, const ShareOutcome& r) {
      results.emplace_back(s, r);
    };
    events.on_log = [this](const std::string& line) { logs.push_back(line); };
    client = std::make_unique<PoolClient>(&loop, std::move(o), std::move(events));
    client->start();
    return *client;
  }
  bool wait(const std::function<bool()>& pred) { return run_until(&loop, pred, kWait); }
};

// A share for `job` with arbitrary fields (the pool script decides the answer).
FoundShare fake_share(const std::shared_ptr<const MinerJob>& job, uint32_t nonce) {
  FoundShare share;
  share.job = job;
  share.extranonce2.assign(job->extranonce2_size, 0);
  share.ntime = job->notify.ntime;
  share.nonce = nonce;
  share.version = job->notify.version;
  return share;
}

}  // namespace

TEST_CASE("pool client: configure, subscribe and authorize are pipelined") {
  Harness h;
  REQUIRE(h.a->start() > 0);
  // Answer nothing until all three requests are in: a client that waits for
  // replies between them would stall here.
  h.a->script = [&](FakePool::Client& c, const json& m) {
    if (c.received.size() < 3) return;
    if (c.received.size() == 3) {
      for (const json& r : c.received) h.a->default_script(c, r);
      return;
    }
    h.a->default_script(c, m);
  };
  h.start(h.options({h.a.get()}));
  REQUIRE(h.wait([&] { return !h.jobs.empty(); }));
  const auto& got = h.a->last_client()->received;
  REQUIRE(got.size() >= 3);
  CHECK(got[0]["method"] == "mining.configure");
  CHECK(got[0]["id"] == 1);
  CHECK(got[0]["params"][0] == json::array({"version-rolling"}));
  CHECK(got[1]["method"] == "mining.subscribe");
  CHECK(got[1]["id"] == 2);
  CHECK(got[1]["params"][0].get<std::string>().starts_with("btr-miner/"));
  CHECK(got[2]["method"] == "mining.authorize");
  CHECK(got[2]["id"] == 3);
  CHECK(got[2]["params"] == json::array({"mtVwi6aB1K4mZ4ziK27VgXGjdhLQ1V9iqs.rig1", "x"}));
  const MinerJob& job = *h.jobs.front();
  CHECK(job.notify.job_id == "job1");
  CHECK(btr::core::to_hex(job.extranonce1) == "01020304");
  CHECK(job.extranonce2_size == 4);
  CHECK(job.version_mask == 0x1fffe000);
  CHECK(job.ntime_roll_s == kPoolNtimeRollS);  // pool jobs may roll ntime when en2 runs out
  CHECK(job.share_difficulty == doctest::Approx(1.0 / 65536));
  CHECK(job.notify.clean_jobs);
  CHECK(h.client->authorized());
}

TEST_CASE("pool client: difficulty changes apply from the next notify") {
  Harness h;
  h.a->difficulty = 4;
  REQUIRE(h.a->start() > 0);
  h.start(h.options({h.a.get()}));
  REQUIRE(h.wait([&] { return h.jobs.size() == 1; }));
  CHECK(h.jobs[0]->share_difficulty == 4);
  auto* pool = h.a->last_client();
  pool->send({{"id", nullptr}, {"method", "mining.set_difficulty"}, {"params", {2}}});
  run_for(&h.loop, 0.1);
  CHECK(h.jobs.size() == 1);  // no new work until the pool sends a job
  pool->send({{"id", nullptr},
              {"method", "mining.notify"},
              {"params", FakePool::make_notify("job2", false)}});
  REQUIRE(h.wait([&] { return h.jobs.size() == 2; }));
  CHECK(h.jobs[0]->share_difficulty == 4);  // the earlier job keeps its difficulty
  CHECK(h.jobs[1]->notify.job_id == "job2");
  CHECK_FALSE(h.jobs[1]->notify.clean_jobs);
  CHECK(h.jobs[1]->share_difficulty == 2);
  // diff1 / 2 = 0xffff * 2^207
  CHECK(h.jobs[1]->share_target == (btr::core::Uint256(0xffff) << 207u));
  CHECK(h.jobs[0]->share_target == (btr::core::Uint256(0xffff) << 206u));
}

TEST_CASE("pool client: extranonce.subscribe and set_extranonce from the next notify") {
  Harness h;
  REQUIRE(h.a->start() > 0);
  auto options = h.options({h.a.get()});
  options.extranonce_subscribe = true;
  options.suggest_difficulty = 64;
  h.start(options);
  REQUIRE(h.wait([&] { return h.jobs.size() == 1; }));
  auto* pool = h.a->last_client();
  REQUIRE(h.wait([&] { return pool->received.size() >= 5; }));
  // After authorize: suggest_difficulty, then extranonce.subscribe.
  CHECK(pool->received[3]["method"] == "mining.suggest_difficulty");
  CHECK(pool->received[3]["params"][0] == 64);
  CHECK(pool->received[4]["method"] == "mining.extranonce.subscribe");
  CHECK(pool->received[4]["params"] == json::array());
  pool->send({{"id", nullptr}, {"method", "mining.set_extranonce"}, {"params", {"aabbccddee", 6}}});
  run_for(&h.loop, 0.1);
  CHECK(h.jobs.size() == 1);
  pool->send({{"id", nullptr},
              {"method", "mining.notify"},
              {"params", FakePool::make_notify("job2", true)}});
  REQUIRE(h.wait([&] { return h.jobs.size() == 2; }));
  CHECK(btr::core::to_hex(h.jobs[1]->extranonce1) == "aabbccddee");
  CHECK(h.jobs[1]->extranonce2_size == 6);
  CHECK(btr::core::to_hex(h.jobs[0]->extranonce1) == "01020304");
  // A share of the new job carries a 6-byte extranonce2.
  REQUIRE(h.client->submit(fake_share(h.jobs[1], 7)));
  REQUIRE(h.wait([&] { return h.results.size() == 1; }));
  CHECK(h.a->submits.back()["params"][2] == "000000000000");
}

TEST_CASE("pool client: answers client.get_version and mining.ping") {
  Harness h;
  REQUIRE(h.a->start() > 0);
  h.start(h.options({h.a.get()}));
  REQUIRE(h.wait([&] { return h.jobs.size() == 1; }));
  auto* pool = h.a->last_client();
  const size_t before = pool->received.size();
  pool->send({{"id", "v1"}, {"method", "client.get_version"}, {"params", json::array()}});
  pool->send({{"id", 42}, {"method", "mining.ping"}, {"params", json::array()}});
  REQUIRE(h.wait([&] { return pool->received.size() >= before + 2; }));
  const json& version = pool->received[before];
  CHECK(version["id"] == "v1");
  CHECK(version["result"].get<std::string>().starts_with("btr-miner/"));
  CHECK(version["error"].is_null());
  CHECK(pool->received[before + 1]["id"] == 42);
  CHECK(pool->received[before + 1]["result"] == "pong");
}

TEST_CASE("pool client: every error shape of a rejected share is understood") {
  Harness h;
  REQUIRE(h.a->start() > 0);
  const std::vector<std::string> replies = {
      R"({"id":%,"result":null,"error":[21,"Stale",null]})",
      R"({"id":%,"result":false,"error":"Stale"})",
      R"({"id":%,"result":null,"error":{"code":23,"message":"Above target"}})",
      R"({"id":%,"result":false,"error":null,"reject-reason":"Duplicate"})",
      R"({"id":%,"result":null,"error":[23,"Difficulty too low","Traceback"]})",
      R"({"id":%,"result":true,"error":null})",
  };
  size_t next = 0;
  h.a->script = [&](FakePool::Client& c, const json& m) {
    if (m.value("method", "") != "mining.submit") return h.a->default_script(c, m);
    std::string line = replies.at(next++ % replies.size());
    line.replace(line.find('%'), 1, m["id"].dump());
    c.send_raw(line + "\n");
  };
  h.start(h.options({h.a.get()}));
  REQUIRE(h.wait([&] { return h.jobs.size() == 1; }));
  for (uint32_t i = 0; i < replies.size(); ++i) REQUIRE(h.client->submit(fake_share(h.jobs[0], i)));
  REQUIRE(h.wait([&] { return h.results.size() == replies.size(); }));
  const auto outcome = [&](size_t i) { return h.results.at(i).second; };
  CHECK_FALSE(outcome(0).accepted);
  CHECK(outcome(0).stale);
  CHECK(outcome(0).reason == "Stale");
  CHECK_FALSE(outcome(1).accepted);
  CHECK(outcome(1).stale);
  CHECK_FALSE(outcome(2).accepted);
  CHECK_FALSE(outcome(2).stale);
  CHECK(outcome(2).code == 23);
  CHECK(outcome(2).reason == "Above target");
  CHECK_FALSE(outcome(3).accepted);
  CHECK(outcome(3).reason == "Duplicate");
  CHECK_FALSE(outcome(4).accepted);
  CHECK(outcome(4).reason == "Difficulty too low");
  CHECK(outcome(5).accepted);
  CHECK(h.results.at(2).first.nonce == 2);  // results matched to their own submits
}

TEST_CASE("pool client: client.reconnect to the same pool and to another port") {
  Harness h;
  REQUIRE(h.a->start() > 0);
  REQUIRE(h.b->start() > 0);
  h.start(h.options({h.a.get()}));
  REQUIRE(h.wait([&] { return h.jobs.size() == 1; }));
  h.a->last_client()->send(
      {{"id", nullptr}, {"method", "client.reconnect"}, {"params", json::array()}});
  REQUIRE(h.wait([&] { return h.a->connections == 2 && h.jobs.size() == 2; }));
  CHECK(h.work_lost >= 1);
  CHECK(h.client->authorized());
  h.a->last_client()->send(
      {{"id", nullptr}, {"method", "client.reconnect"}, {"params", {"127.0.0.1", h.b->port(), 0}}});
  REQUIRE(h.wait([&] { return h.b->connections == 1 && h.jobs.size() == 3; }));
  CHECK(h.client->current_pool().port == h.b->port());
  // A share of the first pool's job is not sent to the new one.
  CHECK_FALSE(h.client->submit(fake_share(h.jobs[0], 1)));
  CHECK(h.client->submit(fake_share(h.jobs[2], 1)));
}

TEST_CASE("pool client: fails over to the second pool and returns to the first") {
  Harness h;
  const int port_a = h.a->start();
  REQUIRE(port_a > 0);
  REQUIRE(h.b->start() > 0);
  h.start(h.options({h.a.get(), h.b.get()}));
  REQUIRE(h.wait([&] { return h.jobs.size() == 1 && h.client->authorized(); }));
  CHECK(h.client->pool_index() == 0);
  h.a->kill();
  REQUIRE(h.wait([&] { return h.client->pool_index() == 1 && h.client->authorized(); }));
  CHECK(h.b->connections == 1);
  CHECK(h.work_lost >= 1);
  CHECK(h.jobs.back()->session != h.jobs.front()->session);
  // The first pool comes back on the same port: the client returns to it.
  REQUIRE(h.a->start(port_a) == port_a);
  REQUIRE(h.wait([&] { return h.client->pool_index() == 0 && h.client->authorized(); }));
  CHECK(h.a->connections >= 2);
  // The backup's connection was closed by the client: the backup sees EOF.
  REQUIRE(h.wait([&] { return h.b->last_client()->closed; }));
}

TEST_CASE("pool client: a connected but silent pool counts as down") {
  Harness h;
  h.a->silent = true;
  REQUIRE(h.a->start() > 0);
  REQUIRE(h.b->start() > 0);
  auto options = h.options({h.a.get(), h.b.get()});
  options.silence_s = 0.3;
  options.retry_primary_s = 0;  // stay on the backup
  h.start(options);
  REQUIRE(h.wait([&] { return h.client->pool_index() == 1 && h.client->authorized(); }));
  CHECK(h.a->connections == 1);
  CHECK(h.a->last_client()->received.size() == 3);  // it got the handshake, never answered
  REQUIRE(h.wait([&] { return h.jobs.size() == 1; }));
}

TEST_CASE("pool client: mined shares are accepted by a pool that checks them") {
  Harness h;
  h.a->difficulty = 1.0 / 65536;  // about one share per 65536 hashes
  int valid = 0;
  int invalid = 0;
  // The pool rebuilds each share from its own notify and checks it against
  // diff1 / d = 0xffff * 2^208 * 65536.
  const btr::core::Uint256 target = btr::core::Uint256(0xffff) << 224u;
  h.a->script = [&](FakePool::Client& c, const json& m) {
    if (m.value("method", "") != "mining.submit") return h.a->default_script(c, m);
    const json notify_line = {
        {"id", nullptr}, {"method", "mining.notify"}, {"params", h.a->notify_params}};
    auto parsed = btr::stratum::parse_server_message(notify_line.dump());
    REQUIRE(parsed.message);
    const auto& notify = std::get<btr::stratum::Notify>(*parsed.message);
    const auto& p = m["params"];
    const auto en1 = btr::core::from_hex("01020304");
    const auto en2 = btr::core::from_hex(p[2].get<std::string>());
    REQUIRE(en2);
    REQUIRE(p.size() == 6);
    const uint32_t bits = static_cast<uint32_t>(std::stoul(p[5].get<std::string>(), nullptr, 16));
    CHECK((bits & ~0x1fffe000u) == 0);
    btr::stratum::ShareFields fields;
    fields.extranonce1 = *en1;
    fields.extranonce2 = *en2;
    fields.ntime = static_cast<uint32_t>(std::stoul(p[3].get<std::string>(), nullptr, 16));
    fields.nonce = static_cast<uint32_t>(std::stoul(p[4].get<std::string>(), nullptr, 16));
    fields.version = btr::stratum::apply_version_bits(notify.version, bits, 0x1fffe000);
    const auto share = btr::stratum::rebuild_share(notify, fields);
    const bool ok = btr::core::Uint256::from_hash(share.hash) <= target;
    (ok ? valid : invalid)++;
    c.send({{"id", m["id"]},
            {"result", ok},
            {"error", ok ? json() : json::array({23, "Above target", nullptr})}});
  };
  REQUIRE(h.a->start() > 0);

  auto selection = btr::kernels::cpu::select_backend({"portable", 0});
  REQUIRE(selection);
  const auto* info = selection->selected;
  std::vector<std::unique_ptr<MiningDevice>> devices;
  devices.push_back(std::make_unique<BackendDevice>(
      "portable-a", btr::kernels::cpu::make_backend(*info), 1 << 16));
  devices.push_back(std::make_unique<BackendDevice>(
      "portable-b", btr::kernels::cpu::make_backend(*info), 1 << 16));
  MiningStats stats({"portable-a", "portable-b"});
  ShareQueue* queue_ptr = nullptr;
  WorkManager work(devices.size(), [&](FoundShare s) { queue_ptr->push(std::move(s)); });
  ShareQueue queue(&h.loop, [&](FoundShare s) {
    if (!work.is_stale(s.publication)) h.client->submit(s);
  });
  queue_ptr = &queue;
  DeviceRunner runner(std::move(devices), work, stats);
  PoolClientOptions options = h.options({h.a.get()});
  h.start(options);
  // Route jobs to the work manager as the app does.
  auto record = h.jobs.size();
  runner.start();
  const bool done = h.wait([&] {
    while (record < h.jobs.size()) work.set_job(h.jobs[record++]);
    return h.results.size() >= 6;
  });
  work.stop();
  runner.join();
  queue.close();
  REQUIRE(done);
  CHECK(invalid == 0);
  CHECK(valid >= 6);
  std::set<std::string> distinct;
  for (const auto& [share, outcome] : h.results) {
    CHECK(outcome.accepted);
    distinct.insert(btr::core::to_hex(share.extranonce2) + std::to_string(share.version) + "/" +
                    std::to_string(share.nonce));
  }
  CHECK(distinct.size() == h.results.size());
  CHECK(stats.meter(0).total() > 0);
  CHECK(stats.meter(1).total() > 0);
}
