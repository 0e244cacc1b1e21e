#pragma once
// A btr-node child process for the P2P benchmark: regtest, RPC and P2P on
// free loopback ports, no automatic connections unless --connect is given;
// JSON-RPC calls with the node's cookie.

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace btr::tools {

class NodeRunner {
 public:
  NodeRunner(std::string binary, std::filesystem::path base, std::vector<std::string> args);
  ~NodeRunner();
  NodeRunner(const NodeRunner&) = delete;
  NodeRunner& operator=(const NodeRunner&) = delete;

  // Starts and waits for the RPC port; false on failure.
  bool start();
  // stop RPC and wait for the process to exit.
  void stop();
  nlohmann::json call(const std::string& method, nlohmann::json params = nlohmann::json::array());
  uint16_t p2p_port();
  std::filesystem::path datadir() const { return base_ / "regtest"; }

 private:
  std::string binary_;
  std::filesystem::path base_;
  std::vector<std::string> args_;
  pid_t pid_ = -1;
  uint16_t rpc_port_ = 0;
  std::string cookie_;
};

}  // namespace btr::tools
