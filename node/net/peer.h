#pragma once
// One P2P connection on libuv: reads the byte stream into whole messages
// (FrameDecoder), queues framed messages for writing, and applies
// backpressure: while more than kSendHighWater bytes wait to be written the
// peer's input is not read, so a peer that requests faster than it receives
// cannot grow the queue without bound. The connection manager owns each
// Peer and hears about its events through PeerOwner; it also keeps the
// per-connection protocol state here (handshake, ping, misbehaviour).

#include <uv.h>

#include <cstdint>
#include <deque>
#include <string>

#include "node/net/frame.h"
#include "node/net/messages.h"
#include "node/subnet.h"

namespace btr::node::net {

using PeerId = int64_t;
class Peer;

class PeerOwner {
 public:
  virtual ~PeerOwner() = default;
  virtual void peer_connected(Peer& peer) = 0;  // the TCP connection is up
  virtual void peer_message(Peer& peer, RawMessage msg) = 0;
  virtual void peer_protocol_error(Peer& peer, const std::string& reason) = 0;
  // The handle has closed: the owner deletes the peer now.
  virtual void peer_closed(Peer& peer) = 0;
};

enum class ConnType { kInbound, kOutbound, kManual };

inline constexpr size_t kSendHighWater = 8 * 1024 * 1024;
inline constexpr size_t kSendLowWater = 2 * 1024 * 1024;

class Peer {
 public:
  Peer(uv_loop_t* loop, PeerOwner& owner, PeerId id, ConnType type, const Magic& magic,
       size_t max_block_size, int64_t now);
  Peer(const Peer&) = delete;
  Peer& operator=(const Peer&) = delete;

  uv_tcp_t* tcp() { return &tcp_; }
  // Outbound: starts connecting; peer_connected or a close follows.
  bool connect(const IpAddress& ip, uint16_t port);
  // Inbound (accepted) or connected outbound: starts reading.
  void start();
  void send(const Message& msg);
  void send_raw(const std::string& command, std::span<const uint8_t> payload);
  void close(const std::string& reason);
  bool closing() const { return closing_; }

  // ---- identity and statistics (read by getpeerinfo) ----
  PeerId id = 0;
  ConnType type;
  IpAddress ip;
  uint16_t port = 0;
  std::string addr_name;  // "ip:port" as connected or accepted
  std::string bind_name;  // our side
  int64_t conn_time = 0;
  int64_t last_send = 0;
  int64_t last_recv = 0;
  uint64_t bytes_sent = 0;
  uint64_t bytes_recv = 0;
  bool one_shot = false;  // addnode onetry: not reconnected

  // ---- protocol state (written by the connection manager) ----
  bool version_received = false;
  bool verack_received = false;
  bool handshake_done() const { return version_received && verack_received; }
  VersionMsg remote_version;
  int misbehaviour = 0;
  bool prefers_headers = false;
  bool relay_txs = true;
  uint64_t ping_nonce = 0;  // awaiting pong when non-zero
  int64_t ping_sent_us = 0;
  int64_t last_ping_us = -1;
  int64_t min_ping_us = -1;
  bool getaddr_answered = false;
  std::string close_reason;

  size_t send_queue_bytes() const { return queued_bytes_; }

 private:
  struct WriteReq;
  static void on_alloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf);
  static void on_read(uv_stream_t* s, ssize_t n, const uv_buf_t* buf);
  static void on_write(uv_write_t* req, int status);
  static void on_connect(uv_connect_t* req, int status);
  void update_reading();
  void fill_names();

  uv_loop_t* loop_;
  PeerOwner& owner_;
  uv_tcp_t tcp_{};
  uv_connect_t connect_req_{};
  Magic magic_;
  FrameDecoder decoder_;
  size_t queued_bytes_ = 0;
  bool reading_ = false;
  bool started_ = false;
  bool closing_ = false;
  char read_buf_[64 * 1024];
};

}  // namespace btr::node::net
