#pragma once
// A scripted Stratum v1 pool for btr-miner's client tests: a libuv TCP server
// on 127.0.0.1 (port 0 = any free port) running on the test's own loop. It
// records every line each client sends and answers with a script the test
// can replace. kill() closes the listener and every client; start(port)
// listens again, so a test can take a pool away and bring it back.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <uv.h>
#include <nlohmann/json.hpp>

#include "stratum/line_framer.h"

namespace btr::test {

class FakePool {
 public:
  struct Client {
    FakePool* pool = nullptr;
    uv_tcp_t tcp{};
    stratum::LineFramer framer;
    std::vector<nlohmann::json> received;
    bool closed = false;
    void send(const nlohmann::json& message);
    void send_raw(std::string line);
    void close();
  };
  // Called for every parsed line; the default script answers the handshake
  // (mask 1fffe000, en1 "01020304", en2 size 4), sends set_difficulty + a
  // clean notify after authorize, and accepts every submit.
  using Script = std::function<void(Client&, const nlohmann::json&)>;

  explicit FakePool(uv_loop_t* loop);
  ~FakePool();
  FakePool(const FakePool&) = delete;
  FakePool& operator=(const FakePool&) = delete;

  int start(int port = 0);  // returns the port it listens on
  void kill();              // listener and clients gone (the loop frees them)
  int port() const { return port_; }

  Script script;
  bool silent = false;  // accept connections, never answer anything
  double difficulty = 1.0 / 65536;
  nlohmann::json notify_params;  // the job the default script sends
  std::vector<std::unique_ptr<Client>> clients;
  int connections = 0;
  std::vector<nlohmann::json> submits;  // all mining.submit requests, in order

  void default_script(Client& client, const nlohmann::json& message);
  Client* last_client();
  // The job sent by the default script: a simple valid coinbase, 0 branches.
  static nlohmann::json make_notify(const std::string& job_id, bool clean);

 private:
  static void on_connection(uv_stream_t* server, int status);
  static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);

  uv_loop_t* loop_;
  uv_tcp_t* listener_ = nullptr;
  int port_ = 0;
};

// Runs `loop` until pred() is true or `timeout_s` passed. Returns pred().
bool run_until(uv_loop_t* loop, const std::function<bool()>& pred, double timeout_s);
// Runs the loop for a fixed time (lets pending callbacks settle).
void run_for(uv_loop_t* loop, double seconds);

}  // namespace btr::test
