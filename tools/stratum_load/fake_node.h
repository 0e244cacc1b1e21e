#pragma once
// A minimal btr-node stand-in for load runs: JSON-RPC over HTTP on
// 127.0.0.1 with getblocktemplate (long polling), getbestblockhash,
// getblockcount and submitblock. Templates carry `transactions` dummy
// transactions; advance_tip() plays a block found elsewhere.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/uint256.h"

namespace btr::tools {

class LoadFakeNode {
 public:
  LoadFakeNode(uint16_t port, uint32_t bits, int transactions);
  ~LoadFakeNode();
  bool ok() const { return fd_ >= 0; }
  uint16_t port() const { return port_; }
  void advance_tip();
  std::string tip_display_hex();
  uint64_t submitted() const { return submitted_.load(); }

 private:
  void accept_loop();
  void serve(int fd);
  std::string handle(const std::string& body);
  std::string template_json();

  int fd_ = -1;
  uint16_t port_ = 0;
  uint32_t bits_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> submitted_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  core::Hash256 tip_;
  int64_t height_ = 1000;
  uint64_t serial_ = 0;
  std::string txs_json_;  // the template's "transactions" array, prebuilt
  std::thread acceptor_;
  std::vector<std::thread> servers_;
};

}  // namespace btr::tools
