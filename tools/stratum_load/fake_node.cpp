#include "tools/stratum_load/fake_node.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <ctime>
#include <nlohmann/json.hpp>
#include <random>

#include "core/crypto/sha256.h"
#include "core/hex.h"
#include "core/pow.h"

namespace btr::tools {
namespace {

using nlohmann::json;

core::Hash256 random_hash(std::mt19937_64& rng) {
  core::Hash256 h;
  for (auto& b : h.bytes) b = static_cast<uint8_t>(rng());
  return h;
}

bool readable(int fd, int ms) {
  pollfd p{fd, POLLIN, 0};
  return ::poll(&p, 1, ms) > 0;
}

}  // namespace

LoadFakeNode::LoadFakeNode(uint16_t port, uint32_t bits, int transactions) : bits_(bits) {
  std::mt19937_64 rng(std::random_device{}());
  tip_ = random_hash(rng);
  json txs = json::array();
  for (int i = 0; i < transactions; ++i) {
    // 1-in-1-out legacy transaction with a random prevout (about 85 bytes).
    std::vector<uint8_t> tx = {1, 0, 0, 0, 1};
    const core::Hash256 prev = random_hash(rng);
    tx.insert(tx.end(), prev.bytes.begin(), prev.bytes.end());
    static constexpr uint8_t kTail[] = {0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 1, 0x10, 0x27,
                                        0, 0, 0, 0, 0, 0,    1,    0x51, 0,    0, 0,    0};
    tx.insert(tx.end(), std::begin(kTail), std::end(kTail));
    const std::string id = core::sha256d(tx).to_display_hex();
    txs.push_back({{"data", core::to_hex(tx)}, {"txid", id}, {"hash", id}, {"fee", 100}});
  }
  txs_json_ = txs.dump();
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 16) != 0) {
    ::close(fd_);
    fd_ = -1;
    return;
  }
  socklen_t len = sizeof a;
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

LoadFakeNode::~LoadFakeNode() {
  stop_ = true;
  cv_.notify_all();
  if (acceptor_.joinable()) acceptor_.join();
  for (auto& t : servers_) t.join();
  if (fd_ >= 0) ::close(fd_);
}

void LoadFakeNode::advance_tip() {
  {
    std::lock_guard lk(mu_);
    std::mt19937_64 rng(serial_ * 7919 + 1);
    tip_ = random_hash(rng);
    ++height_;
    ++serial_;
  }
  cv_.notify_all();
}

std::string LoadFakeNode::tip_display_hex() {
  std::lock_guard lk(mu_);
  return tip_.to_display_hex();
}

std::string LoadFakeNode::template_json() {
  char bits[9];
  std::snprintf(bits, sizeof bits, "%08x", bits_);
  const auto now = static_cast<int64_t>(std::time(nullptr));
  json t = {{"version", 0x20000000},
            {"rules", json::array()},
            {"previousblockhash", tip_.to_display_hex()},
            {"coinbaseaux", json::object()},
            {"coinbasevalue", 100000000},
            {"longpollid", tip_.to_display_hex() + std::to_string(serial_)},
            {"target", core::decode_compact(bits_).target.to_hex()},
            {"mintime", now - 600},
            {"curtime", now},
            {"bits", bits},
            {"height", height_ + 1},
            {"transactions", json::array()}};
  std::string text = t.dump();
  // Splice the prebuilt transaction array in (2,000 of them: no re-dump).
  const std::string empty = "\"transactions\":[]";
  const size_t pos = text.find(empty);
  text.replace(pos, empty.size(), "\"transactions\":" + txs_json_);
  return text;
}

std::string LoadFakeNode::handle(const std::string& body) {
  const json req = json::parse(body, nullptr, false);
  if (!req.is_object())
    return R"({"result":null,"error":{"code":-32700,"message":"parse"},"id":null})";
  const std::string id = req.contains("id") ? req["id"].dump() : "null";
  const std::string method = req.value("method", "");
  std::string result;
  std::unique_lock lk(mu_);
  if (method == "getbestblockhash") {
    result = "\"" + tip_.to_display_hex() + "\"";
  } else if (method == "getblockcount") {
    result = std::to_string(height_);
  } else if (method == "getblocktemplate") {
    const json& p = req["params"];
    if (p.is_array() && !p.empty() && p[0].is_object() && p[0].contains("longpollid")) {
      const std::string want = p[0]["longpollid"].get<std::string>();
      if (want == tip_.to_display_hex() + std::to_string(serial_)) {
        const uint64_t s = serial_;
        cv_.wait_for(lk, std::chrono::seconds(30), [&] { return stop_ || serial_ != s; });
      }
    }
    result = template_json();
  } else if (method == "submitblock") {
    ++submitted_;
    result = "\"high-hash\"";  // the load run measures the pool, not the chain
  } else {
    return R"({"result":null,"error":{"code":-32601,"message":"Method not found"},"id":)" + id +
           "}";
  }
  return "{\"result\":" + result + ",\"error\":null,\"id\":" + id + "}";
}

void LoadFakeNode::accept_loop() {
  while (!stop_) {
    if (!readable(fd_, 50)) continue;
    const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (c >= 0) servers_.emplace_back([this, c] { serve(c); });
  }
}

void LoadFakeNode::serve(int fd) {
  std::string buf;
  char chunk[65536];
  while (!stop_) {
    size_t end = buf.find("\r\n\r\n");
    if (end == std::string::npos) {
      if (!readable(fd, 50)) continue;
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) break;
      buf.append(chunk, static_cast<size_t>(n));
      continue;
    }
    size_t length = 0;
    std::string head = buf.substr(0, end);
    for (char& ch : head) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    const size_t cl = head.find("content-length:");
    if (cl != std::string::npos) length = std::strtoull(head.c_str() + cl + 15, nullptr, 10);
    while (buf.size() < end + 4 + length && !stop_) {
      if (!readable(fd, 50)) continue;
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) {
        ::close(fd);
        return;
      }
      buf.append(chunk, static_cast<size_t>(n));
    }
    const std::string body = buf.substr(end + 4, length);
    buf.erase(0, end + 4 + length);
    const std::string reply = handle(body);
    const std::string resp =
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
        std::to_string(reply.size()) + "\r\n\r\n" + reply;
    size_t sent = 0;
    while (sent < resp.size()) {
      const ssize_t n = ::send(fd, resp.data() + sent, resp.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
  }
  ::close(fd);
}

}  // namespace btr::tools
