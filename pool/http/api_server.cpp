#include "pool/http/api_server.h"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <nlohmann/json.hpp>

#include "pool/node_client.h"

namespace btr::pool::http {

struct ApiServer::Conn {
  uv_tcp_t tcp{};
  ApiServer* server = nullptr;
  std::string buffer;
  std::string peer_ip;
  int64_t opened_ms = 0;
  bool closing = false;
  bool answered = false;
};

namespace {

struct WriteReq {
  uv_write_t req{};
  std::string data;
};

}  // namespace

std::string peer_ip(uv_tcp_t* tcp) {
  sockaddr_storage ss{};
  int len = sizeof ss;
  if (uv_tcp_getpeername(tcp, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return "?";
  char ip[INET6_ADDRSTRLEN] = "?";
  if (ss.ss_family == AF_INET) {
    uv_ip4_name(reinterpret_cast<const sockaddr_in*>(&ss), ip, sizeof ip);
  } else if (ss.ss_family == AF_INET6) {
    uv_ip6_name(reinterpret_cast<const sockaddr_in6*>(&ss), ip, sizeof ip);
  }
  return ip;
}

// libuv wants plain function pointers; these forward to the server.
struct ApiCallbacks {
  static void alloc(uv_handle_t*, size_t, uv_buf_t* buf) {
    static char storage[16 * 1024];  // loop thread only; the request copies what it keeps
    *buf = uv_buf_init(storage, sizeof storage);
  }
  static void read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
    auto* c = static_cast<ApiServer::Conn*>(s->data);
    c->server->on_read(*c, nread, buf);
  }
  static void connection(uv_stream_t* listener, int status) {
    static_cast<ApiServer*>(listener->data)->on_connection(status);
  }
  // The Conn is already out of the server's list (close_conn); only free it.
  static void closed(uv_handle_t* h) { delete static_cast<ApiServer::Conn*>(h->data); }
  static void written(uv_write_t* req, int) {
    auto* w = static_cast<WriteReq*>(req->data);
    auto* c = static_cast<ApiServer::Conn*>(req->handle->data);
    delete w;
    // One request per connection: close once the answer is out.
    if (!c->closing) c->server->close_conn(*c);
  }
};

const char* status_text(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 411:
      return "Length Required";
    case 413:
      return "Payload Too Large";
    case 414:
      return "URI Too Long";
    case 429:
      return "Too Many Requests";
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
      return "Status";
  }
}

Response Response::json(const nlohmann::json& value, int status) {
  Response r;
  r.status = status;
  // Replace invalid UTF-8 (names come from miners) instead of throwing.
  r.body = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return r;
}

Response Response::error(int status, const std::string& message) {
  return json(nlohmann::json{{"error", message}}, status);
}

Response Response::text(std::string body, std::string content_type, int status) {
  Response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(body);
  return r;
}

ApiServer::ApiServer(ServerLimits limits) : limits_(limits) {}

ApiServer::~ApiServer() {
  close();
}

void ApiServer::add_route(std::string method, std::string path, Handler handler) {
  Route r;
  r.method = std::move(method);
  if (path.size() >= 2 && path.compare(path.size() - 2, 2, "/*") == 0) {
    r.prefix = true;
    path.resize(path.size() - 1);  // keep the '/'
  }
  r.path = std::move(path);
  r.handler = std::move(handler);
  routes_.push_back(std::move(r));
}

core::Status ApiServer::listen(uv_loop_t* loop, const std::string& host, uint16_t port) {
  loop_ = loop;
  sockaddr_storage addr{};
  const bool v6 = host.find(':') != std::string::npos;
  const int r = v6 ? uv_ip6_addr(host.c_str(), port, reinterpret_cast<sockaddr_in6*>(&addr))
                   : uv_ip4_addr(host.c_str(), port, reinterpret_cast<sockaddr_in*>(&addr));
  if (r != 0) return core::fail("api: bad bind address " + host);
  listener_ = std::make_unique<uv_tcp_t>();
  uv_tcp_init(loop, listener_.get());
  listener_->data = this;
  int err = uv_tcp_bind(listener_.get(), reinterpret_cast<const sockaddr*>(&addr), 0);
  if (err == 0)
    err = uv_listen(reinterpret_cast<uv_stream_t*>(listener_.get()), 128, ApiCallbacks::connection);
  if (err != 0) {
    close();
    return core::fail("api: cannot listen on " + host + ":" + std::to_string(port) + ": " +
                      uv_strerror(err));
  }
  sockaddr_storage got{};
  int len = sizeof got;
  uv_tcp_getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&got), &len);
  bound_port_ = ntohs(got.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&got)->sin6_port
                                                : reinterpret_cast<sockaddr_in*>(&got)->sin_port);
  sweep_ = std::make_unique<uv_timer_t>();
  uv_timer_init(loop, sweep_.get());
  sweep_->data = this;
  uv_timer_start(
      sweep_.get(), [](uv_timer_t* t) { static_cast<ApiServer*>(t->data)->on_sweep(); }, 1000,
      1000);
  closed_ = false;
  return core::Status::success();
}

void ApiServer::close() {
  if (closed_ || loop_ == nullptr) return;
  closed_ = true;
  // Handles are freed by their close callbacks, so the server object may go
  // away before the loop has run them.
  if (listener_) {
    uv_close(reinterpret_cast<uv_handle_t*>(listener_.release()),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_tcp_t*>(h); });
  }
  if (sweep_) {
    uv_timer_stop(sweep_.get());
    uv_close(reinterpret_cast<uv_handle_t*>(sweep_.release()),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_timer_t*>(h); });
  }
  while (!connections_.empty()) close_conn(*connections_.back());
}

void ApiServer::on_connection(int status) {
  if (status < 0 || closed_) return;
  auto* c = new Conn;
  c->server = this;
  c->opened_ms = monotonic_ms();
  uv_tcp_init(loop_, &c->tcp);
  c->tcp.data = c;
  connections_.push_back(c);
  if (uv_accept(reinterpret_cast<uv_stream_t*>(listener_.get()),
                reinterpret_cast<uv_stream_t*>(&c->tcp)) != 0) {
    close_conn(*c);
    return;
  }
  if (connections_.size() > limits_.max_connections) {
    respond(*c, Response::error(503, "too many connections"), false);
    return;
  }
  c->peer_ip = peer_ip(&c->tcp);
  uv_read_start(reinterpret_cast<uv_stream_t*>(&c->tcp), ApiCallbacks::alloc, ApiCallbacks::read);
}

void ApiServer::on_read(Conn& c, ssize_t nread, const uv_buf_t* buf) {
  if (nread < 0) {
    close_conn(c);
    return;
  }
  if (nread == 0 || c.answered || c.closing) return;
  c.buffer.append(buf->base, static_cast<size_t>(nread));
  Request req;
  const ParseResult r = parse_request(c.buffer, limits_.request, req);
  if (r.state == ParseResult::State::kIncomplete) return;
  uv_read_stop(reinterpret_cast<uv_stream_t*>(&c.tcp));
  if (r.state == ParseResult::State::kError) {
    respond(c, Response::error(r.status, r.reason), false);
    return;
  }
  req.peer_ip = c.peer_ip;
  ++requests_served_;
  respond(c, dispatch(req), req.method == "HEAD");
}

Response ApiServer::dispatch(const Request& request) const {
  bool path_known = false;
  const std::string& method = request.method == "HEAD" ? std::string("GET") : request.method;
  for (const Route& route : routes_) {
    const bool match = route.prefix
                           ? request.path.size() > route.path.size() &&
                                 request.path.compare(0, route.path.size(), route.path) == 0
                           : request.path == route.path;
    if (!match) continue;
    path_known = true;
    if (route.method != method) continue;
    try {
      return route.handler(request);
    } catch (const std::exception& e) {
      std::fprintf(stderr, "api: handler for %s failed: %s\n", request.path.c_str(), e.what());
      return Response::error(500, "internal error");
    }
  }
  if (path_known) return Response::error(405, "method not allowed");
  return Response::error(404, "not found");
}

void ApiServer::respond(Conn& c, const Response& response, bool head_only) {
  c.answered = true;
  auto* w = new WriteReq;
  char head[256];
  std::snprintf(head, sizeof head,
                "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
                "Connection: close\r\nCache-Control: no-store\r\n",
                response.status, status_text(response.status), response.content_type.c_str(),
                response.body.size());
  w->data = head;
  for (const auto& [name, value] : response.extra_headers) {
    w->data += name + ": " + value + "\r\n";
  }
  w->data += "\r\n";
  if (!head_only) w->data += response.body;
  w->req.data = w;
  uv_buf_t b = uv_buf_init(w->data.data(), static_cast<unsigned>(w->data.size()));
  if (uv_write(&w->req, reinterpret_cast<uv_stream_t*>(&c.tcp), &b, 1, ApiCallbacks::written) !=
      0) {
    delete w;
    close_conn(c);
  }
}

void ApiServer::close_conn(Conn& c) {
  if (c.closing) return;
  c.closing = true;
  auto it = std::find(connections_.begin(), connections_.end(), &c);
  if (it != connections_.end()) connections_.erase(it);
  uv_close(reinterpret_cast<uv_handle_t*>(&c.tcp), ApiCallbacks::closed);
}

void ApiServer::on_sweep() {
  const int64_t now = monotonic_ms();
  std::vector<Conn*> idle;
  for (Conn* c : connections_) {
    if (!c->answered && now - c->opened_ms > limits_.idle_timeout_ms) idle.push_back(c);
  }
  for (Conn* c : idle) respond(*c, Response::error(408, "request timeout"), false);
}

}  // namespace btr::pool::http
