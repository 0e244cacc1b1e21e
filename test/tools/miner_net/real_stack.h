#pragma once
// btr-miner against the real thing on 127.0.0.1: a regtest btr-node, one or
// two btr-pool processes in front of it and a btr-miner process, each with
// its own log in a scratch folder. The miner runs with --json-log, so the
// test reads its state (accepted shares, pool, difficulty, blocks) from the
// last status line and its events from the log lines.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "test/pool/net/node_runner.h"

namespace btr::test {

// Set when the build knows where btr-node, btr-pool and btr-miner are and
// they exist; otherwise the reason to skip.
std::string real_stack_missing();
std::string node_binary();  // "" when the build has none

class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

class PoolProcess {
 public:
  // shutdown_reconnect: on SIGTERM the pool asks its miners to come back in 2 s.
  PoolProcess(const RegtestNode& node, std::filesystem::path dir, std::string admin_token,
              bool shutdown_reconnect = false);
  core::Status start();  // waits until the stratum port accepts
  int stop() { return process_.stop(); }
  void kill9() { process_.kill9(); }
  uint16_t stratum_port() const { return stratum_port_; }
  uint16_t api_port() const { return api_port_; }
  std::string url() const { return "stratum+tcp://127.0.0.1:" + std::to_string(stratum_port_); }
  // POST to an admin route; returns the HTTP status (0: no answer) and fills `body`.
  int admin_post(const std::string& path, const std::string& json_body,
                 std::string* body = nullptr);
  std::filesystem::path log_file() const { return dir_ / "pool.log"; }

 private:
  const RegtestNode& node_;
  std::filesystem::path dir_;
  std::string token_;
  bool shutdown_reconnect_;
  uint16_t stratum_port_;
  uint16_t api_port_;
  ChildProcess process_;
};

class MinerProcess {
 public:
  explicit MinerProcess(std::filesystem::path dir) : dir_(std::move(dir)) {}
  // argv without the program; --json-log and --status-interval 1 are added.
  bool start(const std::vector<std::string>& args);
  int stop() { return process_.stop(); }
  // The newest status object (null when none yet).
  nlohmann::json status() const;
  // Log messages ("message" of every non-status line) so far.
  std::vector<std::string> messages() const;
  // Waits until pred(status) holds; false after timeout_ms.
  template <class Pred>
  bool wait_status(Pred pred, int timeout_ms) const;
  // Waits until some message after the first `skip` contains `text`.
  bool wait_message(const std::string& text, int timeout_ms, size_t skip = 0) const;
  std::filesystem::path log_file() const { return dir_ / "miner.log"; }

 private:
  std::filesystem::path dir_;
  ChildProcess process_;
};

int64_t steady_ms();
void sleep_ms(int ms);

template <class Pred>
bool MinerProcess::wait_status(Pred pred, int timeout_ms) const {
  const int64_t deadline = steady_ms() + timeout_ms;
  while (steady_ms() < deadline) {
    const nlohmann::json s = status();
    if (s.is_object() && pred(s)) return true;
    sleep_ms(100);
  }
  return false;
}

}  // namespace btr::test
