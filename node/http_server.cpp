#include "node/http_server.h"

#include <cstdlib>
#include <cstring>

#include "node/log.h"

namespace btr::node {

struct HttpServer::Connection {
  uv_tcp_t tcp{};  // tcp.data points back to this Connection
  HttpServer* server = nullptr;
  uint64_t id = 0;
  HttpRequestParser parser;
  IpAddress peer;
  uint64_t request_no = 0;  // of the request in flight
  bool busy = false;        // a request awaits its answer
  bool keep_alive = true;
  bool reading = false;
  bool eof = false;
  bool in_dispatch = false;
  int pending_writes = 0;
  uv_timer_t idle{};     // closes a connection idle between requests
  int open_handles = 0;  // tcp + idle; deleted when both have closed

  explicit Connection(HttpLimits limits) : parser(limits) {}
};

struct HttpServer::WriteReq {
  uv_write_t req{};
  std::string data;
  Connection* conn = nullptr;
  bool close_after = false;
};

const char* http_status_text(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 413:
      return "Payload Too Large";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

void HttpResponder::send(HttpResponse response) const {
  if (server_ != nullptr) server_->respond(conn_id_, request_no_, std::move(response));
}

bool HttpResponder::connected() const {
  if (server_ == nullptr) return false;
  const auto it = server_->conns_.find(conn_id_);
  return it != server_->conns_.end() && it->second->busy && it->second->request_no == request_no_;
}

HttpServer::HttpServer(uv_loop_t* loop, HttpLimits limits, Handler handler)
    : loop_(loop), limits_(limits), handler_(std::move(handler)) {}

HttpServer::~HttpServer() {
  // close() and a loop run must have released every handle before this.
  for (auto& [id, c] : conns_) c->server = nullptr;
}

core::Result<uint16_t> HttpServer::listen(const std::string& host, uint16_t port) {
  sockaddr_storage addr{};
  if (uv_ip4_addr(host.c_str(), port, reinterpret_cast<sockaddr_in*>(&addr)) != 0 &&
      uv_ip6_addr(host.c_str(), port, reinterpret_cast<sockaddr_in6*>(&addr)) != 0) {
    return core::fail("invalid bind address " + host);
  }
  auto* tcp = new uv_tcp_t;
  uv_tcp_init(loop_, tcp);
  tcp->data = this;
  int rc = uv_tcp_bind(tcp, reinterpret_cast<const sockaddr*>(&addr), 0);
  if (rc == 0) rc = uv_listen(reinterpret_cast<uv_stream_t*>(tcp), 128, &HttpServer::on_connection);
  if (rc != 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(tcp),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_tcp_t*>(h); });
    return core::fail("cannot listen on " + host + ":" + std::to_string(port) + ": " +
                      uv_strerror(rc));
  }
  sockaddr_storage bound{};
  int len = sizeof bound;
  uv_tcp_getsockname(tcp, reinterpret_cast<sockaddr*>(&bound), &len);
  const uint16_t bound_port =
      ntohs(bound.ss_family == AF_INET ? reinterpret_cast<sockaddr_in*>(&bound)->sin_port
                                       : reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port);
  listeners_.push_back(tcp);
  return bound_port;
}

void HttpServer::close() {
  closing_ = true;
  for (uv_tcp_t* l : listeners_) {
    uv_close(reinterpret_cast<uv_handle_t*>(l),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_tcp_t*>(h); });
  }
  listeners_.clear();
  // Connections with a reply still being written close when it is done
  // (the answer to "stop" must reach its client).
  std::vector<Connection*> now;
  for (auto& [id, c] : conns_) {
    if (c->pending_writes > 0) {
      c->eof = true;
      update_reading(c);
    } else {
      now.push_back(c);
    }
  }
  for (Connection* c : now) close_connection(c);
}

void HttpServer::on_connection(uv_stream_t* listener, int status) {
  auto* self = static_cast<HttpServer*>(listener->data);
  if (status < 0 || self->closing_) return;
  self->accept(listener);
}

bool HttpServer::peer_allowed(const IpAddress& ip) const {
  if (ip.is_loopback()) return true;
  for (const Subnet& net : allowed_) {
    if (net.contains(ip)) return true;
  }
  return false;
}

void HttpServer::accept(uv_stream_t* listener) {
  auto* c = new Connection(limits_);
  c->server = this;
  c->id = next_id_++;
  c->tcp.data = c;
  c->idle.data = c;
  uv_tcp_init(loop_, &c->tcp);
  uv_timer_init(loop_, &c->idle);
  c->open_handles = 2;
  if (uv_accept(listener, reinterpret_cast<uv_stream_t*>(&c->tcp)) != 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(&c->tcp), &HttpServer::on_conn_closed);
    uv_close(reinterpret_cast<uv_handle_t*>(&c->idle), &HttpServer::on_conn_closed);
    return;
  }
  uv_tcp_nodelay(&c->tcp, 1);
  conns_[c->id] = c;
  sockaddr_storage peer{};
  int len = sizeof peer;
  uv_tcp_getpeername(&c->tcp, reinterpret_cast<sockaddr*>(&peer), &len);
  auto ip = IpAddress::from_sockaddr(reinterpret_cast<sockaddr*>(&peer));
  if (!ip || !peer_allowed(*ip)) {
    log_warn("rpc: connection from " + (ip ? ip->to_string() : std::string("?")) +
             " refused (not in rpcallowip)");
    HttpResponse r;
    r.status = 403;
    r.content_type = "text/plain";
    write_response(c, r, true);
    return;
  }
  c->peer = *ip;
  arm_idle(c);
  update_reading(c);
}

void HttpServer::arm_idle(Connection* c) {
  if (idle_timeout_ms_ == 0) return;
  uv_timer_start(
      &c->idle,
      [](uv_timer_t* t) {
        auto* conn = static_cast<Connection*>(t->data);
        if (!conn->busy && conn->server != nullptr) conn->server->close_connection(conn);
      },
      idle_timeout_ms_, 0);
}

void HttpServer::on_alloc(uv_handle_t*, size_t suggested, uv_buf_t* buf) {
  buf->base = static_cast<char*>(std::malloc(suggested));
  buf->len = buf->base != nullptr ? suggested : 0;
}

void HttpServer::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* c = static_cast<Connection*>(stream->data);
  HttpServer* self = c->server;
  if (nread < 0) {
    std::free(buf->base);
    // A client that half-closes after sending may still wait for its answer.
    c->eof = true;
    if (!c->busy || nread != UV_EOF)
      self->close_connection(c);
    else
      self->update_reading(c);
    return;
  }
  const auto state = c->parser.feed(std::string_view(buf->base, static_cast<size_t>(nread)));
  std::free(buf->base);
  if (state == HttpRequestParser::State::kError && !c->busy) {
    HttpResponse r;
    r.status = c->parser.error_status();
    r.content_type = "text/plain";
    r.body = c->parser.error_reason();
    self->write_response(c, r, true);
    return;
  }
  self->dispatch(c);
  if (self->conns_.count(c->id) != 0) self->update_reading(c);
}

void HttpServer::update_reading(Connection* c) {
  const bool want =
      !c->eof && c->parser.buffered() <= limits_.max_header_bytes + limits_.max_body_bytes;
  auto* stream = reinterpret_cast<uv_stream_t*>(&c->tcp);
  if (want && !c->reading) {
    uv_read_start(stream, &HttpServer::on_alloc, &HttpServer::on_read);
    c->reading = true;
  } else if (!want && c->reading) {
    uv_read_stop(stream);
    c->reading = false;
  }
}

void HttpServer::dispatch(Connection* c) {
  if (c->in_dispatch) return;  // a synchronous answer inside handler_: the loop below continues
  c->in_dispatch = true;
  const uint64_t id = c->id;
  while (!c->busy) {
    const auto state = c->parser.poll();
    if (state == HttpRequestParser::State::kNeedMore) break;
    if (state == HttpRequestParser::State::kError) {
      HttpResponse r;
      r.status = c->parser.error_status();
      r.content_type = "text/plain";
      r.body = c->parser.error_reason();
      c->busy = true;
      write_response(c, r, true);
      break;
    }
    HttpRequest req = c->parser.take();
    c->busy = true;
    uv_timer_stop(&c->idle);
    c->keep_alive = req.keep_alive();
    ++c->request_no;
    handler_(std::move(req), HttpResponder(this, c->id, c->request_no), c->peer);
    if (conns_.count(id) == 0) return;  // closed during the handler
  }
  c->in_dispatch = false;
}

void HttpServer::respond(uint64_t conn_id, uint64_t request_no, HttpResponse response) {
  const auto it = conns_.find(conn_id);
  if (it == conns_.end()) return;
  Connection* c = it->second;
  if (!c->busy || c->request_no != request_no) return;
  const bool close_after = !c->keep_alive || c->eof || closing_;
  write_response(c, response, close_after);
  if (close_after) return;
  c->busy = false;
  arm_idle(c);
  dispatch(c);
  if (conns_.count(conn_id) != 0) update_reading(c);
}

void HttpServer::write_response(Connection* c, const HttpResponse& response, bool close_after) {
  auto* w = new WriteReq;
  w->conn = c;
  w->close_after = close_after;
  std::string& d = w->data;
  d.reserve(response.body.size() + 200);
  d += "HTTP/1.1 " + std::to_string(response.status) + " " + http_status_text(response.status);
  d += "\r\nContent-Type: " + response.content_type;
  d += "\r\nContent-Length: " + std::to_string(response.body.size());
  for (const auto& [name, value] : response.headers) d += "\r\n" + name + ": " + value;
  d += close_after ? "\r\nConnection: close\r\n\r\n" : "\r\n\r\n";
  d += response.body;
  uv_buf_t buf = uv_buf_init(d.data(), static_cast<unsigned>(d.size()));
  w->req.data = w;
  if (uv_write(&w->req, reinterpret_cast<uv_stream_t*>(&c->tcp), &buf, 1, &HttpServer::on_write) !=
      0) {
    delete w;
    close_connection(c);
    return;
  }
  ++c->pending_writes;
  if (close_after) {
    // Nothing more is read; the connection closes when the write completes.
    c->busy = true;
    c->eof = true;
    update_reading(c);
  }
}

void HttpServer::on_write(uv_write_t* req, int status) {
  auto* w = static_cast<WriteReq*>(req->data);
  Connection* c = w->conn;
  const bool close_after = w->close_after;
  delete w;
  if (status == UV_ECANCELED) return;  // the connection is already closing
  --c->pending_writes;
  HttpServer* server = c->server;
  if (server == nullptr) return;
  if (status < 0 || close_after || (server->closing_ && c->pending_writes == 0)) {
    server->close_connection(c);
  }
}

void HttpServer::close_connection(Connection* c) {
  if (conns_.erase(c->id) == 0) return;  // already closing
  uv_close(reinterpret_cast<uv_handle_t*>(&c->tcp), &HttpServer::on_conn_closed);
  uv_close(reinterpret_cast<uv_handle_t*>(&c->idle), &HttpServer::on_conn_closed);
}

void HttpServer::on_conn_closed(uv_handle_t* handle) {
  auto* c = static_cast<Connection*>(handle->data);
  if (--c->open_handles == 0) delete c;
}

}  // namespace btr::node
