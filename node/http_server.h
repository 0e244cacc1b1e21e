#pragma once
// HTTP/1.1 server on a libuv loop for the JSON-RPC interface. One request is
// in flight per connection at a time (later pipelined requests wait in the
// parser's buffer); a handler may answer at once or later from the loop (long
// polling parks the HttpResponder and answers when the tip changes). Reading
// pauses while a connection's buffered input is over the limit
// (backpressure); keep-alive is HTTP/1.1's default.

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/result.h"
#include "node/http_request.h"
#include "node/subnet.h"

namespace btr::node {

struct HttpResponse {
  int status = 200;
  std::string body;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
};

class HttpServer;

// A handle that answers one request, valid to copy and to keep; send() after
// the client went away (or a second send()) does nothing.
class HttpResponder {
 public:
  HttpResponder() = default;
  void send(HttpResponse response) const;
  bool connected() const;

 private:
  friend class HttpServer;
  HttpResponder(HttpServer* server, uint64_t conn_id, uint64_t request_no)
      : server_(server), conn_id_(conn_id), request_no_(request_no) {}
  HttpServer* server_ = nullptr;
  uint64_t conn_id_ = 0;
  uint64_t request_no_ = 0;
};

class HttpServer {
 public:
  using Handler =
      std::function<void(HttpRequest request, HttpResponder responder, const IpAddress& peer)>;

  HttpServer(uv_loop_t* loop, HttpLimits limits, Handler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and listens; port 0 picks a free port. Returns the bound port.
  core::Result<uint16_t> listen(const std::string& host, uint16_t port);
  // Peers outside these subnets get 403 (loopback is always allowed).
  void set_allowed(std::vector<Subnet> allowed) { allowed_ = std::move(allowed); }
  // Closes connections idle this long between requests (0 = never), like
  // Core's -rpcservertimeout. A parked long poll is not idle.
  void set_idle_timeout(int seconds) { idle_timeout_ms_ = static_cast<uint64_t>(seconds) * 1000; }
  // Stops listening and closes every connection; the loop finishes the job.
  void close();
  size_t connection_count() const { return conns_.size(); }

 private:
  struct Connection;
  struct WriteReq;
  friend class HttpResponder;

  static void on_connection(uv_stream_t* server, int status);
  static void on_alloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void on_write(uv_write_t* req, int status);
  static void on_conn_closed(uv_handle_t* handle);

  void accept(uv_stream_t* listener);
  void dispatch(Connection* c);
  void respond(uint64_t conn_id, uint64_t request_no, HttpResponse response);
  void write_response(Connection* c, const HttpResponse& response, bool close_after);
  void close_connection(Connection* c);
  void update_reading(Connection* c);
  void arm_idle(Connection* c);
  bool peer_allowed(const IpAddress& ip) const;

  uv_loop_t* loop_;
  HttpLimits limits_;
  Handler handler_;
  std::vector<uv_tcp_t*> listeners_;
  std::unordered_map<uint64_t, Connection*> conns_;
  std::vector<Subnet> allowed_;
  uint64_t next_id_ = 1;
  uint64_t idle_timeout_ms_ = 30'000;
  bool closing_ = false;
};

// Reason phrase for the statuses the server sends.
const char* http_status_text(int status);

}  // namespace btr::node
