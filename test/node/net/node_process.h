#pragma once
// Runs btr-node (or btr-cli) as a child process for the "net" tests: a
// regtest node in a temporary data folder, RPC on a free loopback port
// (--rpcport=0, read back from DATADIR/rpcport), raw HTTP over loopback.

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace btr::test {

struct RunResult {
  int exit_code = -1;
  std::string output;  // stdout
};

// Runs a program to completion, capturing stdout.
RunResult run_program(const std::string& path, const std::vector<std::string>& args);

class NodeProcess {
 public:
  explicit NodeProcess(std::vector<std::string> extra_args = {});
  ~NodeProcess();
  NodeProcess(const NodeProcess&) = delete;
  NodeProcess& operator=(const NodeProcess&) = delete;

  // Starts and waits (bounded) for the RPC port; false on timeout.
  bool start();
  void kill9();
  // SIGTERM and wait; returns the exit code.
  int terminate();
  // Waits for exit after a stop RPC; returns the exit code (or -1 after the timeout).
  int wait_exit(int timeout_ms);

  const std::filesystem::path& base() const { return base_; }
  std::filesystem::path datadir() const { return base_ / "regtest"; }
  uint16_t port() const { return port_; }
  std::string cookie() const;  // "__cookie__:..."
  std::vector<std::string> node_args() const;

  // One raw request on a new connection; returns the whole raw response.
  std::string raw(const std::string& request_bytes) const;
  // JSON-RPC 1.0 call with cookie auth (or explicit user:pass); returns the reply object.
  nlohmann::json call(const std::string& method, nlohmann::json params = nlohmann::json::array(),
                      const std::string& credentials = "") const;

 private:
  std::filesystem::path base_;
  std::vector<std::string> extra_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

// Status code and body of a raw HTTP response.
int http_status(const std::string& response);
std::string http_body(const std::string& response);
std::string basic_auth(const std::string& credentials);

}  // namespace btr::test
