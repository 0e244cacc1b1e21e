#pragma once
// A small HTTP/1.1 server on the pool's libuv loop for the JSON API, the
// Prometheus metrics and the dashboard. Handlers run on the loop thread and
// must not block. One request per connection (answered with
// "Connection: close"): browsers and Prometheus cope, and no connection state
// outlives a response. Every request is bounded (RequestLimits, a connection
// cap, an idle timeout); bad requests get a 4xx and never reach a handler.
//
// Routes: add_route("GET", "/api/pool", h) matches that exact path;
// a path ending in "/*" ("/api/address/*") matches every path below it, and
// the handler reads the rest from Request::path. Routes may be added before
// or after listen().

#include <uv.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/result.h"
#include "pool/http/http_request.h"

namespace btr::pool::http {

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> extra_headers;

  static Response json(const nlohmann::json& value, int status = 200);
  // {"error": message} with the status.
  static Response error(int status, const std::string& message);
  static Response text(std::string body, std::string content_type, int status = 200);
};

using Handler = std::function<Response(const Request&)>;

struct ServerLimits {
  RequestLimits request;
  size_t max_connections = 256;
  int64_t idle_timeout_ms = 10'000;  // a request must arrive completely by then
};

class ApiServer {
 public:
  explicit ApiServer(ServerLimits limits = {});
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // method: "GET", "POST", ...; GET routes also answer HEAD.
  void add_route(std::string method, std::string path, Handler handler);

  // Binds host:port (port 0: ephemeral) on the loop; loop thread only.
  core::Status listen(uv_loop_t* loop, const std::string& host, uint16_t port);
  uint16_t port() const { return bound_port_; }
  // Closes the listener and every connection; loop thread only.
  void close();

  // Routes a parsed request (what a connection does after parsing); handler
  // exceptions become 500. Exposed for tests that need no socket.
  Response dispatch(const Request& request) const;
  size_t open_connections() const { return connections_.size(); }
  uint64_t requests_served() const { return requests_served_; }

 private:
  struct Route {
    std::string method;
    std::string path;
    bool prefix = false;
    Handler handler;
  };
  struct Conn;
  friend struct ApiCallbacks;

  void on_connection(int status);
  void on_read(Conn& c, ssize_t nread, const uv_buf_t* buf);
  void respond(Conn& c, const Response& response, bool head_only);
  void close_conn(Conn& c);
  void on_sweep();

  ServerLimits limits_;
  std::vector<Route> routes_;
  uv_loop_t* loop_ = nullptr;
  std::unique_ptr<uv_tcp_t> listener_;
  std::unique_ptr<uv_timer_t> sweep_;
  std::vector<Conn*> connections_;
  uint16_t bound_port_ = 0;
  uint64_t requests_served_ = 0;
  bool closed_ = false;
};

const char* status_text(int status);
// The peer's address of a connected socket as text ("?" when unknown).
std::string peer_ip(uv_tcp_t* tcp);

}  // namespace btr::pool::http
