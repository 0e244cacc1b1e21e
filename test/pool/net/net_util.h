#pragma once
// Loopback helpers for the pool's network tests: a fake btr-node (JSON-RPC
// over HTTP, regtest-like templates, long polling, submitblock recording), a
// blocking line client, and a PoolServer running on its own loop thread.
// Everything binds 127.0.0.1 port 0 and every wait is bounded.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/uint256.h"
#include "pool/config.h"
#include "pool/pool_server.h"
#include "stratum/messages.h"

namespace btr::test {

class FakeNode {
 public:
  // bits: 0x207fffff (regtest) makes nearly every share a block.
  explicit FakeNode(uint32_t bits = 0x207fffff, int extra_transactions = 1);
  ~FakeNode();

  uint16_t port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // Moves the tip as if another miner found a block.
  void advance_tip();
  // Replaces the block at `height` and everything above with other blocks
  // (a reorg), so a block the pool found there is no longer in the chain.
  void reorg_from(int64_t height);
  std::string best_hash();  // display hex
  int64_t height();         // of the tip
  std::vector<std::string> submitted();
  // Blocks until `count` submitblock calls arrived (false on timeout).
  bool wait_submitted(size_t count, int timeout_ms);
  int template_calls() const { return template_calls_.load(); }
  // Require Basic auth with this user/password (empty: none).
  void require_auth(std::string user, std::string password);

  nlohmann::json make_template();
  // The non-coinbase transactions of the current template (raw bytes).
  std::vector<std::vector<uint8_t>> template_transactions();

 private:
  void accept_loop();
  void serve(int fd);
  nlohmann::json handle(const nlohmann::json& req, bool& is_error);

  int listen_fd_ = -1;
  uint16_t port_ = 0;
  uint32_t bits_;
  int extra_txs_;
  std::atomic<bool> stop_{false};
  std::atomic<int> template_calls_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  core::Hash256 tip_;
  int64_t height_ = 100;
  std::map<int64_t, std::string> chain_;  // height -> display hash (getblockhash)
  uint64_t tip_serial_ = 0;
  std::vector<std::string> submitted_;
  std::vector<std::vector<uint8_t>> txs_;  // regenerated at each tip
  std::string auth_;                       // expected Authorization header value
  std::thread acceptor_;
  std::vector<std::thread> servers_;
};

class LineClient {
 public:
  explicit LineClient(uint16_t port);
  ~LineClient();
  bool connected() const { return fd_ >= 0; }
  bool send_raw(std::string_view bytes);
  bool send_line(const std::string& line);  // adds '\n'
  // Next line without LF; nullopt on timeout or close.
  std::optional<std::string> read_line(int timeout_ms = 5000);
  // Next line parsed as JSON (discarded value on timeout/garbage).
  nlohmann::json read_json(int timeout_ms = 5000);
  // Reads lines until one has the given "id" (others are returned in `skipped`).
  nlohmann::json read_reply(int id, int timeout_ms = 5000,
                            std::vector<nlohmann::json>* skipped = nullptr);
  // Reads until a message with this method arrives.
  nlohmann::json read_method(const std::string& method, int timeout_ms = 5000,
                             std::vector<nlohmann::json>* before = nullptr);
  // True when the server closes the connection within the timeout.
  bool wait_closed(int timeout_ms);
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  std::string buf_;
};

// A scratch directory removed at destruction.
struct TempDir {
  TempDir();
  ~TempDir();
  std::filesystem::path path;
};

pool::PoolConfig test_pool_config(const FakeNode& node, const TempDir& dir);

class PoolHarness {
 public:
  // with_api: the HTTP API (admin routes) listens on 127.0.0.1, ephemeral port.
  explicit PoolHarness(pool::PoolConfig cfg, bool with_api = false);
  ~PoolHarness();
  bool ok() const { return ok_; }
  uint16_t port(size_t i = 0) const { return ports_.at(i); }
  uint16_t api_port() const { return api_port_; }
  // A clean shutdown (as on SIGTERM); returns when the loop has ended.
  void stop();
  const pool::PoolStats& stats() const { return server_->stats(); }
  // Waits until the pool has received at least n templates.
  bool wait_templates(uint64_t n, int timeout_ms);

 private:
  std::unique_ptr<pool::PoolServer> server_;
  std::thread thread_;
  std::vector<uint16_t> ports_;
  uint16_t api_port_ = 0;
  bool ok_ = false;
};

// One HTTP request to 127.0.0.1:port (a bearer token when given); returns the
// status (0 when there was no answer) and the body.
struct HttpAnswer {
  int status = 0;
  std::string body;
};
HttpAnswer http_request(uint16_t port, const std::string& method, const std::string& path,
                        const std::string& body = "", const std::string& token = "");

// Finds a nonce for the job so that the share meets `difficulty` (brute force
// over the nonce only). Returns the nonce, or nullopt after max_tries.
struct FoundShare {
  uint32_t nonce;
  core::Hash256 hash;
};
std::optional<FoundShare> mine_share(const stratum::Notify& job, const std::vector<uint8_t>& en1,
                                     const std::vector<uint8_t>& en2, uint32_t ntime,
                                     uint32_t version, double difficulty,
                                     uint64_t max_tries = 50'000'000);

int64_t now_ms();

}  // namespace btr::test
