// The accounting end to end on loopback: a PPLNS pool in front of a fake
// btr-node, a miner that submits shares and then a block; the ledger, the
// JSON API, /metrics, the dashboard (headless Chromium) and the webhook must
// all tell the same story, including the orphaning of that block.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <mutex>
#include <thread>

#include "core/address.h"
#include "core/hex.h"
#include "core/pow.h"
#include "stratum/codec.h"
#include "test/pool/net/net_util.h"

using namespace btr;
using nlohmann::json;

namespace {

constexpr const char* kMiner = "mtVwi6aB1K4mZ4ziK27VgXGjdhLQ1V9iqs";  // chain.md's regtest key
constexpr uint32_t kBits = 0x1e00ffff;                                // difficulty 1/256

// Collects the JSON bodies POSTed to it (the operator's webhook endpoint).
class WebhookSink {
 public:
  WebhookSink() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
    ::listen(fd_, 16);
    socklen_t len = sizeof a;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~WebhookSink() {
    stop_ = true;
    ::shutdown(fd_, SHUT_RDWR);
    ::close(fd_);
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  bool wait_event(const std::string& name, int timeout_ms) {
    const int64_t end = test::now_ms() + timeout_ms;
    while (test::now_ms() < end) {
      {
        std::lock_guard lk(mu_);
        for (const json& e : events_)
          if (e.value("event", "") == name) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

 private:
  void run() {
    while (!stop_) {
      const int c = ::accept(fd_, nullptr, nullptr);
      if (c < 0) return;
      timeval tv{2, 0};
      ::setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      std::string in;
      char buf[4096];
      for (;;) {  // keep-alive: answer every request until the client closes
        const size_t head = in.find("\r\n\r\n");
        if (head != std::string::npos) {
          const size_t cl = in.find("Content-Length: ");
          const size_t len = cl == std::string::npos ? 0 : std::stoul(in.substr(cl + 16));
          if (in.size() >= head + 4 + len) {
            const json body = json::parse(in.substr(head + 4, len), nullptr, false);
            {
              std::lock_guard lk(mu_);
              events_.push_back(body);
            }
            const char* ok = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
            (void)!::write(c, ok, std::strlen(ok));
            in.erase(0, head + 4 + len);
            continue;
          }
        }
        const ssize_t n = ::read(c, buf, sizeof buf);
        if (n <= 0) break;
        in.append(buf, static_cast<size_t>(n));
      }
      ::close(c);
    }
  }
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<json> events_;
  std::thread thread_;
};

std::string operator_address() {
  core::Address a;
  for (size_t i = 0; i < a.hash.bytes.size(); ++i) a.hash.bytes[i] = static_cast<uint8_t>(0x40 + i);
  return core::encode_address(a, pool::address_prefixes(pool::Network::kRegtest));
}

stratum::Notify as_notify(const json& j) {
  auto parsed = stratum::parse_server_message(j.dump());
  REQUIRE(parsed.message.ok());
  REQUIRE(std::holds_alternative<stratum::Notify>(*parsed.message));
  return std::get<stratum::Notify>(*parsed.message);
}

// Subscribes and authorizes as kMiner.w1 at the port's lowest difficulty;
// returns the job sent for it.
stratum::Notify start_mining(test::LineClient& c, std::vector<uint8_t>& en1) {
  REQUIRE(c.send_line(R"({"id":1,"method":"mining.subscribe","params":["acct-test/1"]})"));
  const json sub = c.read_reply(1);
  REQUIRE(sub["result"].is_array());
  auto decoded = core::from_hex(sub["result"][1].get<std::string>());
  REQUIRE(decoded.ok());
  en1 = *decoded;
  REQUIRE(c.send_line(std::string(R"({"id":2,"method":"mining.authorize","params":[")") + kMiner +
                      R"(.w1","x"]})"));
  REQUIRE(c.read_reply(2)["result"] == true);
  REQUIRE(c.send_line(R"({"id":3,"method":"mining.suggest_difficulty","params":[0.00001]})"));
  json n = c.read_method("mining.notify");
  n = c.read_method("mining.notify");  // the job sent after the new difficulty
  REQUIRE(n.is_object());
  return as_notify(n);
}

std::string submit(int id, const stratum::Notify& job, const std::vector<uint8_t>& en2,
                   uint32_t nonce) {
  char tail[48];
  std::snprintf(tail, sizeof tail, "\"%08x\",\"%08x\"", job.ntime, nonce);
  return "{\"id\":" + std::to_string(id) + R"(,"method":"mining.submit","params":[")" + kMiner +
         ".w1\",\"" + job.job_id + "\",\"" + core::to_hex(en2) + "\"," + tail + "]}";
}

json get_json(uint16_t port, const std::string& path) {
  const auto a = test::http_request(port, "GET", path);
  const json j = json::parse(a.body, nullptr, false);
  if (a.status != 200) MESSAGE(path << " -> HTTP " << a.status << " " << a.body);
  return j;
}

template <class Pred>
bool eventually(Pred pred, int timeout_ms) {
  const int64_t end = test::now_ms() + timeout_ms;
  while (test::now_ms() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return pred();
}

// "name value" from Prometheus text, -1 when absent.
double metric(const std::string& text, const std::string& series) {
  const size_t at = text.find("\n" + series + " ");
  if (at == std::string::npos) return -1;
  return std::stod(text.substr(at + series.size() + 2));
}

std::string dashboard_dom(uint16_t port, const std::string& fragment = "") {
  const std::string profile =
      (std::filesystem::temp_directory_path() / ("btr-chromium-" + std::to_string(::getpid())))
          .string();
  const std::string cmd =
      "timeout 60 /usr/bin/chromium --headless --no-sandbox --disable-gpu "
      "--user-data-dir=" +
      profile + " --virtual-time-budget=8000 --dump-dom http://127.0.0.1:" + std::to_string(port) +
      "/" + fragment + " 2>/dev/null";
  std::string out;
  if (FILE* p = ::popen(cmd.c_str(), "r")) {
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    ::pclose(p);
  }
  std::filesystem::remove_all(profile);
  return out;
}

}  // namespace

TEST_CASE(
    "accounting: a PPLNS block in the ledger, API, metrics, dashboard and webhook, then orphaned") {
  test::FakeNode node(kBits);
  test::TempDir dir;
  WebhookSink hook;
  pool::PoolConfig cfg = test::test_pool_config(node, dir);
  cfg.payout.scheme = "pplns";
  cfg.payout.fee_address = operator_address();
  cfg.payout.fee_percent = 1;
  cfg.payout.pplns_min_output = 1'000'000'000'000;  // the miner's due is carried as a balance
  cfg.webhook_url = hook.url();
  cfg.worker_offline_s = 1;  // below the config minimum: the test wants the event soon
  test::PoolHarness pool(cfg, /*with_api=*/true);
  REQUIRE(pool.ok());
  REQUIRE(pool.wait_templates(1, 5000));
  const uint16_t api = pool.api_port();

  test::LineClient c(pool.port());
  std::vector<uint8_t> en1;
  stratum::Notify job = start_mining(c, en1);
  const double network_difficulty = core::difficulty_from_bits(kBits);

  // Five shares that are not blocks.
  int accepted = 0;
  for (uint8_t k = 1; accepted < 5 && k < 50; ++k) {
    const std::vector<uint8_t> en2 = {k, 0, 0, 0, 0, 0, 0, 0};
    const auto found = test::mine_share(job, en1, en2, job.ntime, job.version, 0.00001);
    REQUIRE(found);
    if (core::share_difficulty(found->hash) >= network_difficulty) continue;
    REQUIRE(c.send_line(submit(10 + k, job, en2, found->nonce)));
    CHECK(c.read_reply(10 + k)["result"] == true);
    ++accepted;
  }
  REQUIRE(accepted == 5);

  // A new tip: the next job's coinbase is computed from the window that now
  // holds those shares.
  node.advance_tip();
  json n;
  for (;;) {
    n = c.read_method("mining.notify");
    REQUIRE(n.is_object());
    if (n["params"][8] == true) break;
  }
  job = as_notify(n);
  const std::vector<uint8_t> en2 = {0xaa, 0, 0, 0, 0, 0, 0, 1};
  const auto block = test::mine_share(job, en1, en2, job.ntime, job.version, network_difficulty);
  REQUIRE(block);
  REQUIRE(c.send_line(submit(99, job, en2, block->nonce)));
  CHECK(c.read_reply(99)["result"] == true);
  REQUIRE(node.wait_submitted(1, 5000));
  const std::string hash = block->hash.to_display_hex();

  // The ledger has it, with the payout the coinbase carried.
  REQUIRE(eventually([&] { return get_json(api, "/api/pool")["blocks"]["found"] == 1; }, 5000));
  const json b = get_json(api, "/api/block/" + hash);
  CHECK(b["status"] == "pending");
  CHECK(b["scheme"] == "pplns");
  const int64_t value = b["value"].get<int64_t>();
  int64_t outputs = 0;
  int64_t miner_carried = 0;
  std::string operator_row;
  for (const json& p : b["payouts"]) {
    outputs += p["output"].get<int64_t>();
    if (p["address"] == kMiner) miner_carried = p["carried"].get<int64_t>();
  }
  CHECK(outputs == value);
  CHECK(miner_carried == value - value / 100);  // all of M, carried (fee 1%)
  // ...and that is exactly what the submitted coinbase pays: one output, the operator's.
  const std::string block_hex = node.submitted().at(0);
  std::vector<uint8_t> amount(8);
  for (int i = 0; i < 8; ++i)
    amount[static_cast<size_t>(i)] = static_cast<uint8_t>(value >> (8 * i));
  auto op =
      core::decode_address(operator_address(), pool::address_prefixes(pool::Network::kRegtest));
  REQUIRE(op.ok());
  CHECK(block_hex.find("01" + core::to_hex(amount) + "19" +
                       core::to_hex(core::address_script(*op))) != std::string::npos);

  const json who = get_json(api, std::string("/api/address/") + kMiner);
  CHECK(who["balance"] == miner_carried);
  REQUIRE(who["workers"].size() == 1);
  CHECK(who["workers"][0]["shares_accepted"] == 6);
  CHECK(who["payouts"].size() == 1);

  // /metrics answers the same numbers as the API.
  const json summary = get_json(api, "/api/pool");
  const std::string metrics = test::http_request(api, "GET", "/metrics").body;
  CHECK(metric(metrics, "btr_pool_shares_accepted_total") ==
        summary["shares"]["accepted"].get<double>());
  CHECK(metric(metrics, "btr_pool_shares_accepted_total") == 6);
  CHECK(metric(metrics, "btr_pool_blocks{status=\"pending\"}") == 1);
  CHECK(metric(metrics, "btr_pool_blocks_found_total") == 1);
  CHECK(metric(metrics, "btr_pool_blocks_submitted_total{result=\"accepted\"}") == 1);
  CHECK(metric(metrics, "btr_pool_connections") == 1);
  CHECK(metric(metrics, "btr_pool_share_latency_seconds_count") == 6);
  CHECK(metric(metrics, "btr_pool_template_age_seconds") >= 0);
  CHECK(hook.wait_event("block_found", 5000));

  // Bad requests get a 4xx and the server keeps answering.
  {
    test::LineClient raw(api);
    REQUIRE(raw.send_raw("BLAH\r\n\r\n"));
    const auto status = raw.read_line(3000);
    REQUIRE(status.has_value());
    CHECK(status->rfind("HTTP/1.1 400", 0) == 0);
  }
  CHECK(test::http_request(api, "GET", "/api/address/not-an-address").status == 400);
  CHECK(test::http_request(api, "GET", "/api/block/" + std::string(64, 'f')).status == 404);
  CHECK(test::http_request(api, "POST", "/api/pool", "{}").status == 405);

  // Another chain takes over at the block's height: orphaned, credit reversed.
  node.reorg_from(b["height"].get<int64_t>());
  REQUIRE(eventually([&] { return get_json(api, "/api/block/" + hash)["status"] == "orphaned"; },
                     10000));
  const json after = get_json(api, std::string("/api/address/") + kMiner);
  CHECK(after["balance"] == 0);
  CHECK(after["payouts"][0]["reversed"] == true);
  CHECK(hook.wait_event("block_orphaned", 5000));
  CHECK(hook.wait_event("worker_offline", 10000));
}

TEST_CASE("accounting: the dashboard renders in headless Chromium and shows a found block") {
  if (!std::filesystem::exists("/usr/bin/chromium")) {
    MESSAGE("BTR-SKIP: /usr/bin/chromium is not installed; dashboard not rendered");
    return;
  }
  test::FakeNode node;  // regtest bits: a share at difficulty 0.00001 is a block
  test::TempDir dir;
  test::PoolHarness pool(test::test_pool_config(node, dir), /*with_api=*/true);
  REQUIRE(pool.ok());
  REQUIRE(pool.wait_templates(1, 5000));
  const uint16_t api = pool.api_port();
  test::LineClient c(pool.port());
  std::vector<uint8_t> en1;
  const stratum::Notify job = start_mining(c, en1);
  const std::vector<uint8_t> en2 = {7, 0, 0, 0, 0, 0, 0, 0};
  const auto block = test::mine_share(job, en1, en2, job.ntime, job.version, 0.00001);
  REQUIRE(block);
  REQUIRE(c.send_line(submit(9, job, en2, block->nonce)));
  CHECK(c.read_reply(9)["result"] == true);
  REQUIRE(eventually([&] { return get_json(api, "/api/pool")["blocks"]["found"] == 1; }, 5000));
  const std::string hash = block->hash.to_display_hex();
  const json b = get_json(api, "/api/block/" + hash);

  const std::string dom = dashboard_dom(api);
  CHECK(dom.find(hash) != std::string::npos);
  CHECK(dom.find("pending") != std::string::npos);
  CHECK(dom.find("<canvas") != std::string::npos);
  CHECK(dom.find(std::string(kMiner) + ".w1") != std::string::npos);    // workers table
  CHECK(dom.find("1 (0 confirmed, 0 orphaned)") != std::string::npos);  // the blocks card
  // The address lookup shows what the ledger holds: solo, nothing carried,
  // the whole value paid in the block's coinbase.
  const std::string mine = dashboard_dom(api, std::string("#address=") + kMiner);
  char paid[32];
  std::snprintf(paid, sizeof paid, "%.8f", static_cast<double>(b["value"].get<int64_t>()) / 1e8);
  CHECK(mine.find("Balance carried: 0.00000000 BTR") != std::string::npos);
  CHECK(mine.find(std::string("<td>") + paid + "</td>") != std::string::npos);
}
