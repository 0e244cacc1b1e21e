#pragma once
// The JSON-RPC endpoint: HTTP server + Basic auth + dispatcher. POST to "/"
// (or "/wallet/<name>", accepted as Core does) with valid credentials reaches
// the dispatcher; anything else gets Core's HTTP status (401 with a
// WWW-Authenticate challenge, 405 for other methods, 404 for other paths).

#include <uv.h>

#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "node/http_server.h"
#include "node/rpc_auth.h"
#include "node/rpc_dispatcher.h"

namespace btr::node {

class RpcServer {
 public:
  RpcServer(uv_loop_t* loop, HttpLimits limits, RpcAuth auth, RpcDispatcher& dispatcher);

  core::Result<uint16_t> listen(const std::string& host, uint16_t port) {
    return http_.listen(host, port);
  }
  void set_allowed(std::vector<Subnet> allowed) { http_.set_allowed(std::move(allowed)); }
  void set_idle_timeout(int seconds) { http_.set_idle_timeout(seconds); }
  void close() { http_.close(); }
  RpcAuth& auth() { return auth_; }

 private:
  void on_request(HttpRequest request, HttpResponder responder);

  RpcAuth auth_;
  RpcDispatcher& dispatcher_;
  HttpServer http_;
};

}  // namespace btr::node
