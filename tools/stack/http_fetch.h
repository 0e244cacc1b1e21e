#pragma once
// Blocking HTTP/1.1 requests for btr-stack: one request per connection
// ("Connection: close"), run on a private libuv loop so a caller on the
// supervisor's loop waits at most `timeout_s` and never shares handles with
// it. Loopback use: the node's JSON-RPC and the pool's JSON API.

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace btr::tools::stack {

struct HttpReply {
  int status = 0;
  std::string body;
};

struct HttpRequest {
  std::string method = "GET";
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string path = "/";
  std::string authorization;  // full header value, e.g. "Basic ..."; empty = none
  std::string body;
  double timeout_s = 5;
};

core::Result<HttpReply> http_fetch(const HttpRequest& request);

// GET http://host:port/path, parsed as JSON (HTTP errors and non-JSON fail).
core::Result<nlohmann::json> http_get_json(const std::string& host, uint16_t port,
                                           const std::string& path, double timeout_s = 5);

// A JSON-RPC 1.0 client for btr-node with cookie authentication: the cookie
// file is re-read when a call is refused (the node writes a new one at start).
class NodeRpc {
 public:
  NodeRpc(std::string host, uint16_t port, std::string cookie_file);
  // The call's "result", or the error's message.
  core::Result<nlohmann::json> call(const std::string& method,
                                    const nlohmann::json& params = nlohmann::json::array(),
                                    double timeout_s = 5);
  uint16_t port() const { return port_; }
  std::string url() const { return "http://" + host_ + ":" + std::to_string(port_); }

 private:
  core::Status load_cookie();
  std::string host_;
  uint16_t port_;
  std::string cookie_file_;
  std::string authorization_;
};

}  // namespace btr::tools::stack
