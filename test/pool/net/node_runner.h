#pragma once
// Child processes for the pool's (and the miner's) loopback tests: a program
// with its output in a log file, and a regtest btr-node on a fixed RPC port
// (so it can be restarted under a running pool, which keeps its URL) with
// optional ZMQ hashblock publishing. Every wait is bounded.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/result.h"
#include "pool/rpc_client.h"

namespace btr::test {

// A loopback TCP port that was free a moment ago.
uint16_t free_loopback_port();
// A socket connected to 127.0.0.1:port (close it), or -1 when nothing listens.
int connect_loopback(uint16_t port);

class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess() { stop(); }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Starts argv[0] with stdout and stderr appended to `log`.
  bool start(const std::vector<std::string>& argv, const std::filesystem::path& log);
  // SIGTERM, then SIGKILL after timeout_ms; returns the exit status (-1: none).
  int stop(int timeout_ms = 10000);
  void kill9();
  bool running();
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
};

class RegtestNode {
 public:
  // `dir`: an empty scratch folder; extra_args are appended (e.g. ZMQ).
  RegtestNode(std::string binary, std::filesystem::path dir,
              std::vector<std::string> extra_args = {});

  // Starts and waits (bounded) until the RPC port answers with the new cookie.
  core::Status start();
  int stop() { return process_.stop(); }
  void kill9() { process_.kill9(); }

  uint16_t rpc_port() const { return rpc_port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(rpc_port_); }
  std::filesystem::path cookie_file() const { return dir_ / "regtest" / ".cookie"; }
  std::filesystem::path log_file() const { return dir_ / "node.log"; }
  // One JSON-RPC call with the current cookie; throws nothing.
  core::Result<nlohmann::json> call(const std::string& method,
                                    nlohmann::json params = nlohmann::json::array());

 private:
  std::string binary_;
  std::filesystem::path dir_;
  std::vector<std::string> extra_;
  uint16_t rpc_port_;
  ChildProcess process_;
};

}  // namespace btr::test
