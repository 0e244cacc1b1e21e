#pragma once
// Helpers for the P2P net tests: regtest nodes that make no automatic
// connections (--connect=0) and listen on a free loopback port, ways to
// join and split them over RPC, polling with a deadline, and a raw-socket
// peer that speaks the wire protocol from the test side.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "node/net/frame.h"
#include "node/net/messages.h"
#include "test/node/net/node_process.h"

namespace btr::test {

// A regtest node without automatic P2P connections, started.
std::unique_ptr<NodeProcess> start_p2p_node(std::vector<std::string> extra = {});
uint16_t p2p_port(const NodeProcess& node);
// a opens a one-shot manual connection to b.
void p2p_connect(const NodeProcess& a, const NodeProcess& b);
// Closes every connection of the node.
void p2p_disconnect_all(const NodeProcess& node);
// A regtest P2PKH address of a key hash filled with `tag`.
std::string tag_address(uint8_t tag);
std::string best_hash(const NodeProcess& node);
int64_t block_count(const NodeProcess& node);
void mine(const NodeProcess& node, int blocks, const std::string& address);
// Polls pred every 100 ms until it holds or the timeout passes.
bool wait_for(const std::function<bool()>& pred, std::chrono::milliseconds timeout);

// A blocking TCP client on loopback speaking regtest's framing.
class RawPeer {
 public:
  explicit RawPeer(uint16_t port);
  ~RawPeer();
  bool connected() const { return fd_ >= 0; }
  void send(const node::net::Message& msg);
  void send_bytes(std::span<const uint8_t> bytes);
  // The next message within the timeout; nullopt on timeout or close.
  std::optional<node::net::RawMessage> receive(std::chrono::milliseconds timeout);
  // version/verack both ways; false if it did not complete.
  bool handshake();
  // True once the node closed the connection (reads EOF within the timeout).
  bool closed_by_peer(std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
  node::net::FrameDecoder decoder_;
};

}  // namespace btr::test
