#include "tools/miner/line_connection.h"

#include <cstring>
#include <memory>

namespace btr::tools::miner {
namespace {

struct WriteRequest {
  uv_write_t req{};
  std::string data;
};

std::string uv_reason(const char* what, int status) {
  return std::string(what) + ": " + uv_strerror(status);
}

template <class T>
LineConnection* self_of(T* handle) {
  return static_cast<LineConnection*>(handle->data);
}

}  // namespace

LineConnection::LineConnection(uv_loop_t* loop, Handler* handler, Timeouts timeouts)
    : loop_(loop), handler_(handler), timeouts_(timeouts) {}

LineConnection* LineConnection::open(uv_loop_t* loop, const std::string& host, uint16_t port,
                                     Handler* handler, Timeouts timeouts) {
  auto* self = new LineConnection(loop, handler, timeouts);
  uv_timer_init(loop, &self->timer_);
  self->timer_.data = self;
  self->open_handles_ = 1;
  self->arm_timer(timeouts.connect_s);
  self->resolve_req_.data = self;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  const std::string service = std::to_string(port);
  if (uv_getaddrinfo(loop, &self->resolve_req_, &LineConnection::on_resolved, host.c_str(),
                     service.c_str(), &hints) != 0) {
    self->closing_ = true;
    self->release_handles();
    return nullptr;
  }
  self->resolving_ = true;
  return self;
}

void LineConnection::arm_timer(double seconds) {
  const auto ms = static_cast<uint64_t>(seconds * 1000.0);
  uv_timer_start(&timer_, &LineConnection::on_timer, ms > 0 ? ms : 1, 0);
}

void LineConnection::on_resolved(uv_getaddrinfo_t* req, int status, addrinfo* res) {
  LineConnection* self = self_of(req);
  self->resolving_ = false;
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> owned(res, &uv_freeaddrinfo);
  if (self->closing_) {
    self->maybe_free();
    return;
  }
  if (status < 0 || res == nullptr) {
    self->fail(uv_reason("resolve", status));
    return;
  }
  uv_tcp_init(self->loop_, &self->tcp_);
  self->tcp_.data = self;
  self->tcp_open_ = true;
  ++self->open_handles_;
  self->connect_req_.data = self;
  const int rc =
      uv_tcp_connect(&self->connect_req_, &self->tcp_, res->ai_addr, &LineConnection::on_connect);
  if (rc < 0) self->fail(uv_reason("connect", rc));
}

void LineConnection::on_connect(uv_connect_t* req, int status) {
  LineConnection* self = self_of(req);
  if (self->closing_) return;  // the close already accounts for the handle
  if (status < 0) {
    self->fail(uv_reason("connect", status));
    return;
  }
  uv_tcp_nodelay(&self->tcp_, 1);
  const int rc = uv_read_start(reinterpret_cast<uv_stream_t*>(&self->tcp_),
                               &LineConnection::on_alloc, &LineConnection::on_read);
  if (rc < 0) {
    self->fail(uv_reason("read", rc));
    return;
  }
  self->connected_ = true;
  self->arm_timer(self->timeouts_.silence_s);
  self->handler_->on_connected();
}

void LineConnection::on_alloc(uv_handle_t* handle, size_t, uv_buf_t* buf) {
  LineConnection* self = self_of(handle);
  buf->base = self->read_buf_;
  buf->len = sizeof self->read_buf_;
}

void LineConnection::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  LineConnection* self = self_of(stream);
  if (self->closing_ || nread == 0) return;
  if (nread < 0) {
    self->fail(nread == UV_EOF ? "closed by peer" : uv_reason("read", static_cast<int>(nread)));
    return;
  }
  self->arm_timer(self->timeouts_.silence_s);
  const core::Status fed =
      self->framer_.feed(std::string_view(buf->base, static_cast<size_t>(nread)));
  // Lines complete before an overflow are still delivered, then the peer is dropped.
  while (!self->closing_) {
    std::optional<std::string> line = self->framer_.next_line();
    if (!line) break;
    self->handler_->on_line(*line);
  }
  if (!fed.ok() && !self->closing_) self->fail(fed.error());
}

void LineConnection::on_timer(uv_timer_t* timer) {
  LineConnection* self = self_of(timer);
  if (self->closing_) return;
  self->fail(self->connected_ ? "pool silent too long" : "connect timeout");
}

void LineConnection::send(std::string line) {
  if (closing_ || !connected_) return;
  auto* stream = reinterpret_cast<uv_stream_t*>(&tcp_);
  if (uv_stream_get_write_queue_size(stream) > kMaxWriteQueueBytes) {
    fail("write queue full");
    return;
  }
  auto* write = new WriteRequest;
  write->data = std::move(line);
  uv_buf_t buf = uv_buf_init(write->data.data(), static_cast<unsigned>(write->data.size()));
  const int rc = uv_write(&write->req, stream, &buf, 1, [](uv_write_t* req, int) {
    delete reinterpret_cast<WriteRequest*>(req);  // req is the first member
  });
  if (rc < 0) {
    delete write;
    fail(uv_reason("write", rc));
  }
}

void LineConnection::fail(const std::string& reason) {
  if (closing_) return;
  Handler* handler = handler_;
  closing_ = true;
  release_handles();
  handler->on_closed(reason);
}

void LineConnection::close() {
  if (closing_) return;
  closing_ = true;
  release_handles();
}

void LineConnection::release_handles() {
  if (resolving_) uv_cancel(reinterpret_cast<uv_req_t*>(&resolve_req_));
  uv_close(reinterpret_cast<uv_handle_t*>(&timer_), &LineConnection::on_handle_closed);
  if (tcp_open_) {
    uv_close(reinterpret_cast<uv_handle_t*>(&tcp_), &LineConnection::on_handle_closed);
  }
}

void LineConnection::on_handle_closed(uv_handle_t* handle) {
  LineConnection* self = self_of(handle);
  --self->open_handles_;
  self->maybe_free();
}

void LineConnection::maybe_free() {
  if (open_handles_ == 0 && !resolving_) delete this;
}

}  // namespace btr::tools::miner
