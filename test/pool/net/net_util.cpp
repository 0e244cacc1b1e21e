#include "test/pool/net/net_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <future>
#include <random>

#include "core/crypto/sha256.h"
#include "core/hex.h"
#include "core/pow.h"
#include "pool/http_client.h"
#include "pool/ledger.h"
#include "stratum/share_rebuild.h"
#include "test/common/test_util.h"

namespace btr::test {

using nlohmann::json;

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

namespace {

int listen_loopback(uint16_t& port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd, 64) != 0) {
    ::close(fd);
    return -1;
  }
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  port = ntohs(a.sin_port);
  return fd;
}

bool wait_readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, timeout_ms) > 0;
}

core::Hash256 random_hash() {
  static std::mt19937_64 rng(seed());
  core::Hash256 h;
  for (auto& b : h.bytes) b = static_cast<uint8_t>(rng());
  return h;
}

// A well-formed legacy transaction (1 input, 1 output) with a random prevout,
// so the template has a Merkle branch to check.
std::vector<uint8_t> dummy_transaction() {
  std::vector<uint8_t> tx = {1, 0, 0, 0, 1};
  const core::Hash256 prev = random_hash();
  tx.insert(tx.end(), prev.bytes.begin(), prev.bytes.end());
  static constexpr uint8_t kTail[] = {0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 1, 0x10, 0x27,
                                      0, 0, 0, 0, 0, 0,    1,    0x51, 0,    0, 0,    0};
  tx.insert(tx.end(), std::begin(kTail), std::end(kTail));
  return tx;
}

}  // namespace

// ---------------------------------------------------------------- FakeNode
FakeNode::FakeNode(uint32_t bits, int extra_transactions)
    : bits_(bits), extra_txs_(extra_transactions), tip_(random_hash()) {
  for (int i = 0; i < extra_txs_; ++i) txs_.push_back(dummy_transaction());
  listen_fd_ = listen_loopback(port_);
  acceptor_ = std::thread([this] { accept_loop(); });
}

FakeNode::~FakeNode() {
  stop_ = true;
  cv_.notify_all();
  acceptor_.join();
  for (auto& t : servers_) t.join();
  ::close(listen_fd_);
}

void FakeNode::advance_tip() {
  {
    std::lock_guard lk(mu_);
    tip_ = random_hash();
    ++height_;
    chain_[height_] = tip_.to_display_hex();
    ++tip_serial_;
    for (auto& tx : txs_) tx = dummy_transaction();
  }
  cv_.notify_all();
}

void FakeNode::reorg_from(int64_t height) {
  {
    std::lock_guard lk(mu_);
    for (int64_t h = height; h <= height_; ++h) {
      tip_ = random_hash();
      chain_[h] = tip_.to_display_hex();
    }
    ++tip_serial_;
    for (auto& tx : txs_) tx = dummy_transaction();
  }
  cv_.notify_all();
}

std::vector<std::vector<uint8_t>> FakeNode::template_transactions() {
  std::lock_guard lk(mu_);
  return txs_;
}

std::string FakeNode::best_hash() {
  std::lock_guard lk(mu_);
  return tip_.to_display_hex();
}

int64_t FakeNode::height() {
  std::lock_guard lk(mu_);
  return height_;
}

std::vector<std::string> FakeNode::submitted() {
  std::lock_guard lk(mu_);
  return submitted_;
}

bool FakeNode::wait_submitted(size_t count, int timeout_ms) {
  std::unique_lock lk(mu_);
  return cv_.wait_for(lk, std::chrono::milliseconds(timeout_ms),
                      [&] { return submitted_.size() >= count; });
}

void FakeNode::require_auth(std::string user, std::string password) {
  std::lock_guard lk(mu_);
  auth_ = user.empty() ? std::string() : pool::basic_auth(user, password);
}

json FakeNode::make_template() {
  // Caller holds mu_.
  const core::Uint256 target = core::decode_compact(bits_).target;
  json txs = json::array();
  for (const auto& tx : txs_) {
    txs.push_back({{"data", core::to_hex(tx)},
                   {"txid", core::sha256d(tx).to_display_hex()},
                   {"hash", core::sha256d(tx).to_display_hex()},
                   {"fee", 1000},
                   {"depends", json::array()},
                   {"sigops", 1}});
  }
  char bits_hex[9];
  std::snprintf(bits_hex, sizeof bits_hex, "%08x", bits_);
  const auto now = static_cast<int64_t>(std::time(nullptr));
  return {{"version", 0x20000000},
          {"rules", json::array()},
          {"previousblockhash", tip_.to_display_hex()},
          {"transactions", txs},
          {"coinbaseaux", json::object()},
          {"coinbasevalue", 100000000 + 1000 * extra_txs_},
          {"longpollid", tip_.to_display_hex() + std::to_string(tip_serial_)},
          {"target", target.to_hex()},
          {"mintime", now - 600},
          {"mutable", json::array({"time", "transactions", "prevblock"})},
          {"noncerange", "00000000ffffffff"},
          {"curtime", now},
          {"bits", bits_hex},
          {"height", height_ + 1}};
}

json FakeNode::handle(const json& req, bool& is_error) {
  const std::string method = req.value("method", "");
  const json params = req.contains("params") ? req["params"] : json::array();
  std::unique_lock lk(mu_);
  if (method == "getbestblockhash") return tip_.to_display_hex();
  if (method == "getblockcount") return height_;
  if (method == "getblockhash") {
    const int64_t h = params.is_array() && !params.empty() && params[0].is_number_integer()
                          ? params[0].get<int64_t>()
                          : -1;
    if (const auto it = chain_.find(h); it != chain_.end()) return it->second;
    is_error = true;
    return {{"code", -8}, {"message", "Block height out of range"}};
  }
  if (method == "getblocktemplate") {
    ++template_calls_;
    if (params.is_array() && !params.empty() && params[0].is_object() &&
        params[0].contains("longpollid")) {
      const std::string id = params[0]["longpollid"].get<std::string>();
      const std::string current = tip_.to_display_hex() + std::to_string(tip_serial_);
      if (id == current) {
        const uint64_t serial = tip_serial_;
        cv_.wait_for(lk, std::chrono::seconds(2), [&] { return stop_ || tip_serial_ != serial; });
      }
    }
    return make_template();
  }
  if (method == "submitblock") {
    const std::string hex = params.is_array() && !params.empty() && params[0].is_string()
                                ? params[0].get<std::string>()
                                : std::string();
    submitted_.push_back(hex);
    auto bytes = core::from_hex(hex);
    std::string result = "rejected";
    if (bytes.ok() && bytes->size() >= 81) {
      const core::Hash256 hash = core::sha256d(std::span(bytes->data(), 80));
      core::Hash256 prev;
      std::memcpy(prev.bytes.data(), bytes->data() + 4, 32);
      if (prev == tip_ && core::hash_meets_target(hash, core::decode_compact(bits_).target)) {
        tip_ = hash;
        ++height_;
        chain_[height_] = hash.to_display_hex();
        ++tip_serial_;
        for (auto& tx : txs_) tx = dummy_transaction();
        result = "";
      } else {
        result = prev == tip_ ? "high-hash" : "bad-prevblk";
      }
    }
    cv_.notify_all();
    if (result.empty()) return nullptr;
    return result;
  }
  is_error = true;
  return {{"code", -32601}, {"message", "Method not found"}};
}

void FakeNode::accept_loop() {
  while (!stop_) {
    if (!wait_readable(listen_fd_, 50)) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    servers_.emplace_back([this, fd] { serve(fd); });
  }
}

void FakeNode::serve(int fd) {
  std::string buf;
  char chunk[65536];
  while (!stop_) {
    // Headers, then Content-Length bytes of body.
    size_t head_end = std::string::npos;
    size_t sep = 4;
    for (;;) {
      head_end = buf.find("\r\n\r\n");
      sep = 4;
      if (head_end == std::string::npos) {
        head_end = buf.find("\n\n");
        sep = 2;
      }
      if (head_end != std::string::npos) break;
      if (stop_) break;
      if (!wait_readable(fd, 50)) continue;
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) {
        ::close(fd);
        return;
      }
      buf.append(chunk, static_cast<size_t>(n));
    }
    if (stop_) break;
    const std::string head = buf.substr(0, head_end);
    size_t length = 0;
    std::string auth;
    size_t pos = 0;
    while (pos < head.size()) {
      size_t nl = head.find('\n', pos);
      if (nl == std::string::npos) nl = head.size();
      std::string line = head.substr(pos, nl - pos);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      pos = nl + 1;
      const size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      if (name == "content-length") length = std::strtoull(value.c_str(), nullptr, 10);
      if (name == "authorization") auth = value;
    }
    const size_t body_start = head_end + sep;
    while (buf.size() < body_start + length && !stop_) {
      if (!wait_readable(fd, 50)) continue;
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) {
        ::close(fd);
        return;
      }
      buf.append(chunk, static_cast<size_t>(n));
    }
    const std::string body = buf.substr(body_start, length);
    buf.erase(0, body_start + length);
    std::string expected_auth;
    {
      std::lock_guard lk(mu_);
      expected_auth = auth_;
    }
    std::string response;
    if (!expected_auth.empty() && auth != expected_auth) {
      response = "HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n";
    } else {
      const json req = json::parse(body, nullptr, false);
      bool is_error = false;
      json result = req.is_object() ? handle(req, is_error) : json();
      json reply = {{"id", req.is_object() && req.contains("id") ? req["id"] : json()}};
      reply["result"] = is_error ? json() : result;
      reply["error"] = is_error ? result : json();
      const std::string text = reply.dump();
      response =
          "HTTP/1.1 " + std::string(is_error ? "500 Internal Server Error" : "200 OK") +
          "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(text.size()) +
          "\r\n\r\n" + text;
    }
    size_t sent = 0;
    while (sent < response.size()) {
      const ssize_t n = ::send(fd, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) {
        ::close(fd);
        return;
      }
      sent += static_cast<size_t>(n);
    }
  }
  ::close(fd);
}

// ---------------------------------------------------------------- LineClient
LineClient::LineClient(uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

LineClient::~LineClient() {
  if (fd_ >= 0) ::close(fd_);
}

bool LineClient::send_raw(std::string_view bytes) {
  size_t sent = 0;
  while (sent < bytes.size()) {
    const ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return true;
}

bool LineClient::send_line(const std::string& line) {
  return send_raw(line + "\n");
}

std::optional<std::string> LineClient::read_line(int timeout_ms) {
  const int64_t deadline = now_ms() + timeout_ms;
  for (;;) {
    const size_t nl = buf_.find('\n');
    if (nl != std::string::npos) {
      std::string line = buf_.substr(0, nl);
      buf_.erase(0, nl + 1);
      return line;
    }
    const int64_t left = deadline - now_ms();
    if (left <= 0 || !wait_readable(fd_, static_cast<int>(left))) return std::nullopt;
    char chunk[65536];
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return std::nullopt;
    buf_.append(chunk, static_cast<size_t>(n));
  }
}

json LineClient::read_json(int timeout_ms) {
  auto line = read_line(timeout_ms);
  if (!line) return json(json::value_t::discarded);
  return json::parse(*line, nullptr, false);
}

json LineClient::read_reply(int id, int timeout_ms, std::vector<json>* skipped) {
  const int64_t deadline = now_ms() + timeout_ms;
  for (;;) {
    const int64_t left = deadline - now_ms();
    if (left <= 0) return json(json::value_t::discarded);
    json j = read_json(static_cast<int>(left));
    if (j.is_discarded()) return j;
    if (j.contains("id") && j["id"] == id && !j.contains("method")) return j;
    if (skipped != nullptr) skipped->push_back(j);
  }
}

json LineClient::read_method(const std::string& method, int timeout_ms, std::vector<json>* before) {
  const int64_t deadline = now_ms() + timeout_ms;
  for (;;) {
    const int64_t left = deadline - now_ms();
    if (left <= 0) return json(json::value_t::discarded);
    json j = read_json(static_cast<int>(left));
    if (j.is_discarded()) return j;
    if (j.value("method", "") == method) return j;
    if (before != nullptr) before->push_back(j);
  }
}

bool LineClient::wait_closed(int timeout_ms) {
  const int64_t deadline = now_ms() + timeout_ms;
  char chunk[65536];
  for (;;) {
    const int64_t left = deadline - now_ms();
    if (left <= 0) return false;
    if (!wait_readable(fd_, static_cast<int>(left))) return false;
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n <= 0) return true;
  }
}

// ---------------------------------------------------------------- TempDir / harness
TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "btr-pool-test-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

pool::PoolConfig test_pool_config(const FakeNode& node, const TempDir& dir) {
  pool::PoolConfig cfg = pool::default_pool_config(pool::Network::kRegtest);
  cfg.bind = {"127.0.0.1"};
  cfg.ports.front().port = 0;
  cfg.node_url = node.url();
  cfg.datadir = dir.path.string();
  cfg.block_poll_interval_s = 0.05;
  return cfg;
}

PoolHarness::PoolHarness(pool::PoolConfig cfg, bool with_api) {
  auto ledger = pool::SqliteLedger::open(cfg.datadir + "/pool.sqlite");
  if (!ledger.ok()) return;
  server_ = std::make_unique<pool::PoolServer>(std::move(cfg), std::move(ledger).value());
  std::promise<bool> started;
  auto fut = started.get_future();
  thread_ = std::thread([this, &started, with_api] {
    uv_loop_t loop;
    uv_loop_init(&loop);
    auto st = server_->start(&loop);
    if (st.ok() && with_api) {
      st = server_->start_api("127.0.0.1", 0);
      if (st.ok()) api_port_ = server_->api_port();
    }
    if (st.ok()) ports_ = server_->bound_ports();
    started.set_value(st.ok());
    if (!st.ok()) server_->request_stop();
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_loop_close(&loop);
  });
  ok_ = fut.get();
}

PoolHarness::~PoolHarness() {
  stop();
}

void PoolHarness::stop() {
  if (!thread_.joinable()) return;  // stopped already: the loop and its handles are gone
  if (server_) server_->request_stop();
  thread_.join();
}

HttpAnswer http_request(uint16_t port, const std::string& method, const std::string& path,
                        const std::string& body, const std::string& token) {
  LineClient conn(port);
  HttpAnswer answer;
  if (!conn.connected()) return answer;
  std::string req = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (!token.empty()) req += "Authorization: Bearer " + token + "\r\n";
  req += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\nConnection: close\r\n\r\n" + body;
  if (!conn.send_raw(req)) return answer;
  // The server closes after one answer: read until then.
  std::string all;
  char chunk[4096];
  const int64_t deadline = now_ms() + 5000;
  while (now_ms() < deadline) {
    if (!wait_readable(conn.fd(), 100)) continue;
    const ssize_t n = ::recv(conn.fd(), chunk, sizeof chunk, 0);
    if (n <= 0) break;
    all.append(chunk, static_cast<size_t>(n));
  }
  if (all.size() > 12 && all.rfind("HTTP/1.", 0) == 0) answer.status = std::atoi(all.c_str() + 9);
  const size_t head = all.find("\r\n\r\n");
  if (head != std::string::npos) answer.body = all.substr(head + 4);
  return answer;
}

bool PoolHarness::wait_templates(uint64_t n, int timeout_ms) {
  const int64_t deadline = now_ms() + timeout_ms;
  while (now_ms() < deadline) {
    if (server_->stats().templates.load() >= n) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return false;
}

std::optional<FoundShare> mine_share(const stratum::Notify& job, const std::vector<uint8_t>& en1,
                                     const std::vector<uint8_t>& en2, uint32_t ntime,
                                     uint32_t version, double difficulty, uint64_t max_tries) {
  stratum::ShareFields f;
  f.extranonce1 = en1;
  f.extranonce2 = en2;
  f.ntime = ntime;
  f.nonce = 0;
  f.version = version;
  const stratum::RebuiltShare base = stratum::rebuild_share(job, f);
  core::HeaderBytes header = base.header_bytes;
  const core::Uint256 target = core::target_from_difficulty(difficulty);
  for (uint64_t i = 0; i < max_tries; ++i) {
    const auto nonce = static_cast<uint32_t>(i);
    header[76] = static_cast<uint8_t>(nonce);
    header[77] = static_cast<uint8_t>(nonce >> 8);
    header[78] = static_cast<uint8_t>(nonce >> 16);
    header[79] = static_cast<uint8_t>(nonce >> 24);
    const core::Hash256 h = core::sha256d(header);
    if (core::hash_meets_target(h, target)) return FoundShare{nonce, h};
  }
  return std::nullopt;
}

}  // namespace btr::test
