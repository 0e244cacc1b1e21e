// Network tests of btr-pool against a fake btr-node, all on 127.0.0.1.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <thread>

#include "core/crypto/sha256.h"
#include "core/hex.h"
#include "core/pow.h"
#include "stratum/codec.h"
#include "test/pool/net/net_util.h"

using namespace btr;
using nlohmann::json;

namespace {

// chain.md's published regtest key: HASH160 8e68bb02448f9cd6b7f4facc39ba3aa826b92ff4.
constexpr const char* kRegtestAddress = "mtVwi6aB1K4mZ4ziK27VgXGjdhLQ1V9iqs";
constexpr const char* kRegtestScriptHex = "76a9148e68bb02448f9cd6b7f4facc39ba3aa826b92ff488ac";

constexpr const char* kEspMinerHello =
    "{\"id\":1,\"method\":\"mining.configure\",\"params\":[[\"version-rolling\"],"
    "{\"version-rolling.mask\":\"ffffffff\"}]}\n"
    "{\"id\":2,\"method\":\"mining.subscribe\",\"params\":[\"bitaxe/BM1366/v2.4.0\"]}\n"
    "{\"id\":3,\"method\":\"mining.authorize\",\"params\":[\"mtVwi6aB1K4mZ4ziK27VgXGjdhLQ1V9iqs."
    "w1\","
    "\"x\"]}\n";

// A miner session after the ESP-Miner handshake.
struct Session {
  std::vector<uint8_t> en1;
  size_t en2_size = 0;
  std::vector<json> messages;  // everything after the authorize reply, in order
  stratum::Notify job;
  double difficulty = 0;
};

stratum::Notify parse_notify(const json& j) {
  auto parsed = stratum::parse_server_message(j.dump());
  REQUIRE(parsed.message.ok());
  REQUIRE(std::holds_alternative<stratum::Notify>(*parsed.message));
  return std::get<stratum::Notify>(*parsed.message);
}

Session handshake(test::LineClient& c) {
  Session s;
  REQUIRE(c.send_raw(kEspMinerHello));
  const json conf = c.read_json();
  REQUIRE(conf.is_object());
  CHECK(conf["id"] == 1);
  CHECK(conf["result"]["version-rolling"] == true);
  CHECK(conf["result"]["version-rolling.mask"] == "1fffe000");
  const json sub = c.read_json();
  REQUIRE(sub.is_object());
  CHECK(sub["id"] == 2);
  REQUIRE(sub["result"].is_array());
  auto en1 = core::from_hex(sub["result"][1].get<std::string>());
  REQUIRE(en1.ok());
  s.en1 = *en1;
  s.en2_size = sub["result"][2].get<size_t>();
  const json auth = c.read_json();
  REQUIRE(auth.is_object());
  CHECK(auth["id"] == 3);
  CHECK(auth["result"] == true);
  const json first = c.read_method("mining.notify", 5000, &s.messages);
  REQUIRE(first.is_object());
  s.messages.push_back(first);
  for (const json& m : s.messages) {
    if (m.value("method", "") == "mining.set_difficulty")
      s.difficulty = m["params"][0].get<double>();
  }
  s.job = parse_notify(first);
  return s;
}

struct Env {
  test::FakeNode node;
  test::TempDir dir;
  pool::PoolConfig cfg;
  explicit Env(uint32_t bits = 0x207fffff) : node(bits) { cfg = test::test_pool_config(node, dir); }
};

std::string submit_line(int id, const Session& s, const std::string& job_id,
                        const std::vector<uint8_t>& en2, uint32_t ntime, uint32_t nonce,
                        uint32_t version_bits) {
  char tail[64];
  std::snprintf(tail, sizeof tail, "\"%08x\",\"%08x\",\"%08x\"", ntime, nonce, version_bits);
  (void)s;
  return "{\"id\":" + std::to_string(id) + ",\"method\":\"mining.submit\",\"params\":[\"" +
         kRegtestAddress + ".w1\",\"" + job_id + "\",\"" + core::to_hex(en2) + "\"," + tail + "]}";
}

}  // namespace

namespace {
// The pipelined handshake's answers: exactly set_difficulty, then the first
// notify (clean), on the node's tip.
Session ordered_first_answers(Env& env, test::LineClient& c) {
  REQUIRE(c.connected());
  Session s = handshake(c);
  CHECK(s.en1.size() == 4);
  REQUIRE(s.messages.size() == 2);
  CHECK(s.messages[0]["method"] == "mining.set_difficulty");
  CHECK(s.messages[1]["params"][8] == true);
  CHECK(s.job.prev_block.to_display_hex() == env.node.best_hash());
  return s;
}
}  // namespace

TEST_CASE("pipelined configure/subscribe/authorize get ordered answers, set_difficulty first") {
  Env env;
  test::PoolHarness pool(env.cfg);
  REQUIRE(pool.ok());
  REQUIRE(pool.wait_templates(1, 5000));
  test::LineClient c(pool.port());
  Session s = ordered_first_answers(env, c);
  CHECK(s.en2_size == 8);
  CHECK(s.messages[0]["id"].is_null());
  CHECK(s.difficulty == doctest::Approx(0.001));  // the regtest start
  CHECK(s.job.version == 0x20000000);
  CHECK(s.job.nbits == 0x207fffff);
  CHECK(s.job.merkle_branch.size() == 1);  // one template transaction

  // A second miner gets a different extranonce1.
  test::LineClient c2(pool.port());
  Session s2 = handshake(c2);
  CHECK(s2.en1 != s.en1);

  // suggest_difficulty after authorize: set_difficulty, then a notify.
  REQUIRE(c.send_line(R"({"id":9,"method":"mining.suggest_difficulty","params":[0.01]})"));
  std::vector<json> before;
  const json n = c.read_method("mining.notify", 5000, &before);
  REQUIRE(n.is_object());
  bool saw_diff = false;
  for (const json& m : before) {
    if (m.value("method", "") == "mining.set_difficulty") {
      saw_diff = true;
      CHECK(m["params"][0].get<double>() == doctest::Approx(0.01));
    }
  }
  CHECK(saw_diff);
}

TEST_CASE("without io_uring and on one send thread the answers are the same") {
  Env env;
  env.cfg.io_uring = false;
  env.cfg.send_threads = 1;
  test::PoolHarness pool(env.cfg);
  REQUIRE(pool.ok());
  REQUIRE(pool.wait_templates(1, 5000));
  test::LineClient c(pool.port());
  ordered_first_answers(env, c);
}

TEST_CASE("a bad address is refused at authorize with a clear message") {
  Env env;
  test::PoolHarness pool(env.cfg);
  REQUIRE(pool.ok());
  test::LineClient c(pool.port());
  REQUIRE(c.send_line(R"({"id":1,"method":"mining.subscribe","params":["cpuminer/2.5.1"]})"));
  REQUIRE(c.read_reply(1).is_object());
  // A main-net style address on regtest, then garbage.
  for (const char* user : {"1BoatSLRHtKNngkdXEeobR76b53LETtpyT", "not-an-address.w"}) {
    REQUIRE(c.send_line(std::string(R"({"id":2,"method":"mining.authorize","params":[")") + user +
                        R"(","x"]})"));
    const json r = c.read_reply(2);
    REQUIRE(r.is_object());
    CHECK(r["result"].is_null());
    REQUIRE(r["error"].is_array());
    CHECK(r["error"][0] == 24);
    CHECK(r["error"][1].get<std::string>().find("regtest address") != std::string::npos);
  }
  // Submitting without authorization: 24.
  REQUIRE(c.send_line(
      R"({"id":4,"method":"mining.submit","params":["x","1","0000000000000000","00000000","00000000"]})"));
  const json r = c.read_reply(4);
  REQUIRE(r.is_object());
  CHECK(r["error"][0] == 24);
}

TEST_CASE("stale after a new block: clean_jobs notify, old job answered 21") {
  Env env;
  test::PoolHarness pool(env.cfg);
  REQUIRE(pool.ok());
  REQUIRE(pool.wait_templates(1, 5000));
  test::LineClient c(pool.port());
  Session s = handshake(c);
  const std::string old_job = s.job.job_id;
  env.node.advance_tip();
  const json n = c.read_method("mining.notify", 5000);
  REQUIRE(n.is_object());
  const stratum::Notify fresh = parse_notify(n);
  CHECK(fresh.clean_jobs);
  CHECK(fresh.job_id != old_job);
  CHECK(fresh.prev_block.to_display_hex() == env.node.best_hash());
  const std::vector<uint8_t> en2(s.en2_size, 0);
  REQUIRE(c.send_line(submit_line(5, s, old_job, en2, s.job.ntime, 1, 0)));
  const json r = c.read_reply(5);
  REQUIRE(r.is_object());
  CHECK(r["result"].is_null());
  REQUIRE(r["error"].is_array());
  CHECK(r["error"].size() == 3);
  CHECK(r["error"][0] == 21);
  CHECK(r["error"][2].is_null());
  // An id never issued is also 21.
  REQUIRE(c.send_line(submit_line(6, s, "nosuchjob", en2, s.job.ntime, 1, 0)));
  const json r2 = c.read_reply(6);
  REQUIRE(r2.is_object());
  CHECK(r2["error"][0] == 21);
}

TEST_CASE("a share meeting the network target is submitted as a block that hashes correctly") {
  Env env;
  test::PoolHarness pool(env.cfg);
  REQUIRE(pool.ok());
  REQUIRE(pool.wait_templates(1, 5000));
  test::LineClient c(pool.port());
  // Lowest difficulty the regtest port allows, so the search is short.
  Session s = handshake(c);
  REQUIRE(c.send_line(R"({"id":8,"method":"mining.suggest_difficulty","params":[0.00001]})"));
  const json n = c.read_method("mining.notify", 5000);
  REQUIRE(n.is_object());
  const stratum::Notify job = parse_notify(n);
  const std::string prev_tip = env.node.best_hash();
  const auto txs = env.node.template_transactions();
  REQUIRE(txs.size() == 1);

  const std::vector<uint8_t> en2 = {1, 0, 0, 0, 0, 0, 0, 0};
  const uint32_t rolled = 0x00ffe000;  // inside the negotiated mask
  const uint32_t version = (job.version & ~0x1fffe000u) | (rolled & 0x1fffe000u);
  auto found = test::mine_share(job, s.en1, en2, job.ntime, version, 0.00001);
  REQUIRE(found);
  REQUIRE(c.send_line(submit_line(20, s, job.job_id, en2, job.ntime, found->nonce, rolled)));
  const json r = c.read_reply(20);
  REQUIRE(r.is_object());
  CHECK(r["result"] == true);
  REQUIRE(env.node.wait_submitted(1, 5000));
  const std::string hex = env.node.submitted().at(0);
  auto block = core::from_hex(hex);
  REQUIRE(block.ok());
  REQUIRE(block->size() > 81 + txs[0].size());
  // Header: hash as the miner computed it, on the old tip, meeting the target.
  const core::Hash256 hash = core::sha256d(std::span(block->data(), 80));
  CHECK(hash == found->hash);
  CHECK(core::hash_meets_target(hash, core::decode_compact(0x207fffff).target));
  core::Hash256 prev;
  std::memcpy(prev.bytes.data(), block->data() + 4, 32);
  CHECK(prev.to_display_hex() == prev_tip);
  const uint32_t header_version = uint32_t{block->at(0)} | uint32_t{block->at(1)} << 8 |
                                  uint32_t{block->at(2)} << 16 | uint32_t{block->at(3)} << 24;
  CHECK(header_version == version);
  // Body: 2 transactions, the coinbase then the template's; Merkle root matches.
  CHECK(block->at(80) == 2);
  const std::vector<uint8_t> coinbase(block->begin() + 81, block->end() - txs[0].size());
  CHECK(std::equal(txs[0].begin(), txs[0].end(), block->end() - txs[0].size()));
  const core::Hash256 root = core::sha256d_pair(core::sha256d(coinbase), core::sha256d(txs[0]));
  core::Hash256 header_root;
  std::memcpy(header_root.bytes.data(), block->data() + 36, 32);
  CHECK(root == header_root);
  // The coinbase carries en1||en2 and pays the miner's address.
  const std::string cb_hex = core::to_hex(coinbase);
  CHECK(cb_hex.find(core::to_hex(s.en1) + core::to_hex(en2)) != std::string::npos);
  CHECK(cb_hex.find(kRegtestScriptHex) != std::string::npos);
  // The node accepted it, so the tip moved: a clean job follows.
  const json next = c.read_method("mining.notify", 5000);
  REQUIRE(next.is_object());
  CHECK(next["params"][8] == true);
  CHECK(parse_notify(next).prev_block == hash);
  // The same share again: duplicate or stale, never a second block.
  REQUIRE(c.send_line(submit_line(21, s, job.job_id, en2, job.ntime, found->nonce, rolled)));
  const json again = c.read_reply(21);
  REQUIRE(again.is_object());
  CHECK(again["result"].is_null());
}

TEST_CASE("bad JSON, unknown methods and an overlong line do not crash the pool") {
  Env env;
  test::PoolHarness pool(env.cfg);
  REQUIRE(pool.ok());
  test::LineClient c(pool.port());
  REQUIRE(c.send_line("this is not json"));
  REQUIRE(c.send_line("{\"id\":[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]}"));
  REQUIRE(c.send_line(R"({"id":7,"method":"mining.bogus","params":[]})"));
  const json r = c.read_reply(7);
  REQUIRE(r.is_object());
  CHECK(r["error"][0] == 20);
  REQUIRE(c.send_line(R"({"id":8,"method":"mining.subscribe","params":[]})"));
  CHECK(c.read_reply(8)["result"].is_array());
  // 20 KiB without a line feed: the connection is dropped.
  test::LineClient big(pool.port());
  REQUIRE(big.send_raw(std::string(20 * 1024, 'a')));
  CHECK(big.wait_closed(5000));
  // The pool still serves (the ban hit only the offender's IP... which is
  // loopback here, so check the first, still open connection).
  REQUIRE(c.send_line(R"({"id":9,"method":"mining.subscribe","params":[]})"));
  CHECK(c.read_reply(9)["result"].is_array());
}

TEST_CASE("a flood of invalid shares disconnects the client and bans its IP") {
  Env env(0x1d00ffff);  // difficulty-1 network target: random nonces are no blocks
  env.cfg.invalid_share_ban_threshold = 10;
  env.cfg.invalid_share_ban_s = 60;
  test::PoolHarness pool(env.cfg);
  REQUIRE(pool.ok());
  REQUIRE(pool.wait_templates(1, 5000));
  test::LineClient c(pool.port());
  Session s = handshake(c);
  const std::vector<uint8_t> en2(s.en2_size, 7);
  for (int i = 0; i < 10; ++i) {
    // Random nonces at difficulty 0.001: the pool rebuilds and hashes each
    // one, then refuses it (23) -- or 21/20 for the malformed ones.
    c.send_line(submit_line(100 + i, s, i % 2 == 0 ? s.job.job_id : "bad", en2, s.job.ntime,
                            0x9e3779b9u * static_cast<uint32_t>(i + 1), 0));
  }
  CHECK(c.wait_closed(5000));
  CHECK(pool.stats().banned.load() >= 1);
  CHECK(pool.stats().shares_rejected.load() >= 10);
  test::LineClient again(pool.port());
  CHECK(again.wait_closed(5000));  // banned IP: closed at once
}

TEST_CASE("a client that never reads is disconnected at the write high-water mark") {
  Env env;
  env.cfg.write_high_water_bytes = 4096;
  env.cfg.write_stall_timeout_s = 0.5;
  test::PoolHarness pool(env.cfg);
  REQUIRE(pool.ok());
  test::LineClient c(pool.port());
  const int small = 4096;
  ::setsockopt(c.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  // Each subscribe is answered; never reading fills every buffer on the way.
  std::string burst;
  for (int i = 0; i < 2000; ++i)
    burst += R"({"id":1,"method":"mining.subscribe","params":[]})"
             "\n";
  const int64_t deadline = test::now_ms() + 20000;
  while (pool.stats().disconnected_slow.load() == 0 && test::now_ms() < deadline) {
    if (!c.send_raw(burst)) break;  // the pool closed us
  }
  const int64_t wait_until = test::now_ms() + 5000;
  while (pool.stats().disconnected_slow.load() == 0 && test::now_ms() < wait_until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(pool.stats().disconnected_slow.load() == 1);
  // Other miners are unaffected.
  test::LineClient other(pool.port());
  REQUIRE(other.send_line(R"({"id":3,"method":"mining.subscribe","params":[]})"));
  CHECK(other.read_reply(3)["result"].is_array());
}

TEST_CASE("clients that never subscribe are dropped") {
  Env env;
  env.cfg.subscribe_timeout_s = 0.5;
  test::PoolHarness pool(env.cfg);
  REQUIRE(pool.ok());
  test::LineClient idle(pool.port());
  CHECK(idle.wait_closed(5000));
}
