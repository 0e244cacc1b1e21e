#include "test/node/net/p2p_test_util.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "core/address.h"
#include "core/chain_params.h"
#include "node/net/protocol.h"

namespace btr::test {
namespace {

const node::net::Magic& regtest_magic() {
  static const node::net::Magic m = [] {
    node::net::Magic out{};
    const auto& ms = core::chain_params(core::Network::kRegtest).message_start;
    std::copy(ms.begin(), ms.end(), out.begin());
    return out;
  }();
  return m;
}

}  // namespace

std::unique_ptr<NodeProcess> start_p2p_node(std::vector<std::string> extra) {
  std::vector<std::string> args = {"--connect=0"};
  args.insert(args.end(), extra.begin(), extra.end());
  auto node = std::make_unique<NodeProcess>(args);
  if (!node->start()) return nullptr;
  return node;
}

uint16_t p2p_port(const NodeProcess& node) {
  const auto info = node.call("getnetworkinfo");
  const auto& local = info["result"]["localaddresses"];
  if (!local.is_array() || local.empty()) return 0;
  return local[0]["port"].get<uint16_t>();
}

void p2p_connect(const NodeProcess& a, const NodeProcess& b) {
  a.call("addnode", {"127.0.0.1:" + std::to_string(p2p_port(b)), "onetry"});
}

void p2p_disconnect_all(const NodeProcess& node) {
  const auto peers = node.call("getpeerinfo")["result"];
  for (const auto& p : peers) node.call("disconnectnode", {"", p["id"].get<int64_t>()});
}

std::string tag_address(uint8_t tag) {
  core::Address a;
  a.hash.bytes.fill(tag);
  return core::encode_address(a, core::chain_params(core::Network::kRegtest).prefixes);
}

std::string best_hash(const NodeProcess& node) {
  const auto r = node.call("getbestblockhash")["result"];
  return r.is_string() ? r.get<std::string>() : "";
}

int64_t block_count(const NodeProcess& node) {
  const auto r = node.call("getblockcount")["result"];
  return r.is_number_integer() ? r.get<int64_t>() : -1;
}

void mine(const NodeProcess& node, int blocks, const std::string& address) {
  node.call("generatetoaddress", {blocks, address});
}

bool wait_for(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return pred();
}

RawPeer::RawPeer(uint16_t port) : decoder_(regtest_magic(), 1'000'000) {
  fd_ = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    close(fd_);
    fd_ = -1;
  }
}

RawPeer::~RawPeer() {
  if (fd_ >= 0) close(fd_);
}

void RawPeer::send(const node::net::Message& msg) {
  send_bytes(node::net::frame_message(regtest_magic(), node::net::command_of(msg),
                                      node::net::encode_payload(msg)));
}

void RawPeer::send_bytes(std::span<const uint8_t> bytes) {
  (void)::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
}

std::optional<node::net::RawMessage> RawPeer::receive(std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (true) {
    auto next = decoder_.next();
    if (!next) return std::nullopt;
    if (*next) return std::move(**next);
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        end - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
    uint8_t buf[65536];
    const ssize_t n = recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return std::nullopt;
    decoder_.feed({buf, static_cast<size_t>(n)});
  }
}

bool RawPeer::handshake() {
  node::net::VersionMsg v;
  v.version = node::net::kProtocolVersion;
  v.services = node::net::kNodeNetwork;
  v.timestamp = static_cast<int64_t>(std::time(nullptr));
  v.nonce = 0x5eed;
  v.user_agent = "/p2p-test/";
  send(v);
  bool got_version = false;
  bool got_verack = false;
  while (!(got_version && got_verack)) {
    auto m = receive(std::chrono::seconds(10));
    if (!m) return false;
    if (m->command == "version") {
      got_version = true;
      send(node::net::VerackMsg{});
    }
    if (m->command == "verack") got_verack = true;
  }
  return true;
}

bool RawPeer::closed_by_peer(std::chrono::milliseconds timeout) {
  const auto end = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < end) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    uint8_t buf[65536];
    const ssize_t n = recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return true;
  }
  return false;
}

}  // namespace btr::test
