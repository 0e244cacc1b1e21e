#pragma once
// The --api-port status endpoint: any HTTP GET gets the miner's status JSON
// (the same object --json-log prints) and the connection is closed. Loopback
// by default; requests larger than 8 KiB or slower than 5 s are dropped.
// Event-loop thread only; close() then let the loop run before destroying.

#include <cstdint>
#include <functional>
#include <string>

#include <uv.h>

#include "core/result.h"

namespace btr::tools::miner {

class ApiServer {
 public:
  using Body = std::function<std::string()>;

  ApiServer(uv_loop_t* loop, Body body) : loop_(loop), body_(std::move(body)) {}
  ~ApiServer() = default;
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  // Port 0 picks a free one; returns the port bound.
  core::Result<uint16_t> listen(const std::string& address, uint16_t port);
  void close();

 private:
  struct Client;
  static void on_connection(uv_stream_t* server, int status);

  uv_loop_t* loop_;
  Body body_;
  uv_tcp_t server_{};
  bool listening_ = false;
};

}  // namespace btr::tools::miner
