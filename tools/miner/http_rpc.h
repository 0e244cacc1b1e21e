#pragma once
// A small blocking JSON-RPC 1.0 client over HTTP/1.1 for solo mining against
// btr-node. Each call opens a fresh connection ("Connection: close"), so a
// long poll on one thread and a submitblock on another never share a socket.
// Every blocking step waits in slices of 100 ms and gives up when `stop` is
// set, so shutdown never waits for a long poll to return.

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/result.h"

namespace btr::tools::miner {

struct RpcEndpoint {
  std::string host;
  uint16_t port = 0;
  std::string path = "/";
  std::string authorization;  // "Basic ..." or empty
};

// "http://HOST:PORT[/path]".
core::Result<RpcEndpoint> parse_rpc_url(std::string_view url);
std::string base64_encode(std::string_view in);
// user:password, or the contents of a cookie file ("__cookie__:secret").
core::Result<std::string> read_cookie_file(const std::string& path);

class JsonRpcClient {
 public:
  explicit JsonRpcClient(RpcEndpoint endpoint) : endpoint_(std::move(endpoint)) {}

  // The "result" of the call, or the error's message (HTTP errors included).
  core::Result<nlohmann::json> call(const std::string& method, const nlohmann::json& params,
                                    double timeout_s, const std::atomic<bool>* stop) const;

 private:
  RpcEndpoint endpoint_;
};

}  // namespace btr::tools::miner
