#include "node/net/peer.h"

#include <ctime>
#include <memory>

#include "node/log.h"

namespace btr::node::net {
namespace {

std::string sockaddr_name(const sockaddr_storage& sa) {
  auto ip = IpAddress::from_sockaddr(reinterpret_cast<const sockaddr*>(&sa));
  if (!ip) return "";
  const uint16_t port =
      ntohs(sa.ss_family == AF_INET ? reinterpret_cast<const sockaddr_in*>(&sa)->sin_port
                                    : reinterpret_cast<const sockaddr_in6*>(&sa)->sin6_port);
  const std::string host = ip->v6 ? "[" + ip->to_string() + "]" : ip->to_string();
  return host + ":" + std::to_string(port);
}

}  // namespace

struct Peer::WriteReq {
  uv_write_t req{};
  std::vector<uint8_t> data;
  Peer* peer = nullptr;
};

Peer::Peer(uv_loop_t* loop, PeerOwner& owner, PeerId peer_id, ConnType conn_type,
           const Magic& magic, size_t max_block_size, int64_t now)
    : id(peer_id),
      type(conn_type),
      conn_time(now),
      loop_(loop),
      owner_(owner),
      magic_(magic),
      decoder_(magic, max_block_size) {
  uv_tcp_init(loop_, &tcp_);
  tcp_.data = this;
}

bool Peer::connect(const IpAddress& addr, uint16_t remote_port) {
  ip = addr;
  port = remote_port;
  sockaddr_storage sa{};
  const std::string host = addr.to_string();
  int rc = addr.v6 ? uv_ip6_addr(host.c_str(), remote_port, reinterpret_cast<sockaddr_in6*>(&sa))
                   : uv_ip4_addr(host.c_str(), remote_port, reinterpret_cast<sockaddr_in*>(&sa));
  addr_name = addr.v6 ? "[" + host + "]:" + std::to_string(remote_port)
                      : host + ":" + std::to_string(remote_port);
  connect_req_.data = this;
  if (rc == 0) {
    rc = uv_tcp_connect(&connect_req_, &tcp_, reinterpret_cast<const sockaddr*>(&sa),
                        &Peer::on_connect);
  }
  if (rc != 0) {
    close(std::string("connect: ") + uv_strerror(rc));
    return false;
  }
  return true;
}

void Peer::on_connect(uv_connect_t* req, int status) {
  auto* self = static_cast<Peer*>(req->data);
  if (self->closing_) return;
  if (status != 0) {
    self->close(std::string("connect: ") + uv_strerror(status));
    return;
  }
  self->fill_names();
  self->start();
  self->owner_.peer_connected(*self);
}

void Peer::fill_names() {
  sockaddr_storage sa{};
  int len = sizeof sa;
  if (uv_tcp_getpeername(&tcp_, reinterpret_cast<sockaddr*>(&sa), &len) == 0) {
    if (auto addr = IpAddress::from_sockaddr(reinterpret_cast<const sockaddr*>(&sa))) ip = *addr;
    addr_name = sockaddr_name(sa);
    port = ntohs(sa.ss_family == AF_INET ? reinterpret_cast<const sockaddr_in*>(&sa)->sin_port
                                         : reinterpret_cast<const sockaddr_in6*>(&sa)->sin6_port);
  }
  len = sizeof sa;
  if (uv_tcp_getsockname(&tcp_, reinterpret_cast<sockaddr*>(&sa), &len) == 0) {
    bind_name = sockaddr_name(sa);
  }
}

void Peer::start() {
  if (type == ConnType::kInbound) fill_names();
  uv_tcp_nodelay(&tcp_, 1);
  started_ = true;
  update_reading();
}

void Peer::update_reading() {
  if (closing_ || !started_) return;
  const bool want = reading_ ? queued_bytes_ < kSendHighWater : queued_bytes_ <= kSendLowWater;
  if (want == reading_) return;
  reading_ = want;
  if (want) {
    uv_read_start(reinterpret_cast<uv_stream_t*>(&tcp_), &Peer::on_alloc, &Peer::on_read);
  } else {
    uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp_));
  }
}

void Peer::on_alloc(uv_handle_t* h, size_t, uv_buf_t* buf) {
  auto* self = static_cast<Peer*>(h->data);
  *buf = uv_buf_init(self->read_buf_, sizeof self->read_buf_);
}

void Peer::on_read(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
  auto* self = static_cast<Peer*>(s->data);
  if (n < 0) {
    self->close(n == UV_EOF ? "peer closed the connection" : uv_strerror(static_cast<int>(n)));
    return;
  }
  if (n == 0 || self->closing_) return;
  self->bytes_recv += static_cast<uint64_t>(n);
  self->last_recv = std::time(nullptr);
  self->decoder_.feed({reinterpret_cast<const uint8_t*>(buf->base), static_cast<size_t>(n)});
  while (!self->closing_) {
    auto msg = self->decoder_.next();
    if (!msg) {
      self->owner_.peer_protocol_error(*self, msg.error());
      return;
    }
    if (!*msg) break;
    self->owner_.peer_message(*self, std::move(**msg));
  }
}

void Peer::send(const Message& msg) {
  const std::vector<uint8_t> payload = encode_payload(msg);
  send_raw(command_of(msg), payload);
}

void Peer::send_raw(const std::string& command, std::span<const uint8_t> payload) {
  if (closing_) return;
  auto req = std::make_unique<WriteReq>();
  req->data = frame_message(magic_, command, payload);
  req->peer = this;
  req->req.data = req.get();
  uv_buf_t b = uv_buf_init(reinterpret_cast<char*>(req->data.data()),
                           static_cast<unsigned>(req->data.size()));
  const size_t size = req->data.size();
  const int rc = uv_write(&req->req, reinterpret_cast<uv_stream_t*>(&tcp_), &b, 1, &Peer::on_write);
  if (rc != 0) {
    close(std::string("write: ") + uv_strerror(rc));
    return;
  }
  (void)req.release();  // owned by libuv until on_write
  queued_bytes_ += size;
  bytes_sent += size;
  last_send = std::time(nullptr);
  update_reading();
}

void Peer::on_write(uv_write_t* r, int status) {
  std::unique_ptr<WriteReq> req(static_cast<WriteReq*>(r->data));
  Peer* self = req->peer;
  self->queued_bytes_ -= req->data.size();
  if (status != 0 && status != UV_ECANCELED) {
    self->close(std::string("write: ") + uv_strerror(status));
    return;
  }
  self->update_reading();
}

void Peer::close(const std::string& reason) {
  if (closing_) return;
  closing_ = true;
  close_reason = reason;
  log_debug("net: peer " + std::to_string(id) + " (" + addr_name + ") closed: " + reason);
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), [](uv_handle_t* h) {
    auto* self = static_cast<Peer*>(h->data);
    self->owner_.peer_closed(*self);
  });
}

}  // namespace btr::node::net
