#pragma once
// Solo mining against btr-node: getblocktemplate with long polling, a
// coinbase built here (BIP34 height, an 8-byte extranonce in the scriptSig,
// one output paying --address), and submitblock when a device finds a block.
//
// The template arrives as the same MinerJob a pool would send (coinb1 /
// extranonce / coinb2 split, Merkle branch of the other transactions), so the
// work manager and devices do not know which mode they run in.
//
// Threads: one long-poll thread fetching templates (it publishes jobs to the
// thread-safe WorkManager) and one submit thread; neither touches the event
// loop. Only the first block per height is submitted: on regtest every other
// hash is a block, and the rest are stale the moment the first one lands.

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "core/chain_params.h"
#include "tools/miner/http_rpc.h"
#include "tools/miner/miner_config.h"
#include "tools/miner/work_manager.h"

namespace btr::tools::miner {

struct SoloOptions {
  RpcEndpoint endpoint;
  std::vector<uint8_t> payout_script;
  uint32_t version_mask = 0x1fffe000;  // BIP320 bits consensus lets miners roll
  std::string coinbase_tag = "/btr-miner/";
  double longpoll_timeout_s = 120;
  double retry_s = 2;

  // Resolves --rpc, credentials (user/password or cookie) and --address.
  static core::Result<SoloOptions> from_config(const MinerConfig& config);
};

// The coinbase for a template, split around its 8-byte extranonce.
struct CoinbaseParts {
  std::vector<uint8_t> coinb1;
  std::vector<uint8_t> coinb2;
};
CoinbaseParts build_coinbase(int64_t height, int64_t value,
                             const std::vector<uint8_t>& payout_script, const std::string& tag);

// getblocktemplate's result -> a job (share target = block target).
core::Result<std::shared_ptr<MinerJob>> job_from_template(const nlohmann::json& tpl,
                                                          const SoloOptions& options);
// header || tx count || coinbase || transactions, for submitblock.
std::vector<uint8_t> assemble_block(const FoundShare& share);

class SoloClient {
 public:
  struct Events {
    std::function<void(const std::string&)> on_log;
    // submitblock's answer: accepted (null or "duplicate") or the reason.
    std::function<void(const FoundShare&, bool accepted, const std::string& reason)> on_block;
    std::function<void(double difficulty, uint64_t height)> on_template;
  };

  SoloClient(SoloOptions options, WorkManager& work, Events events);
  ~SoloClient();
  SoloClient(const SoloClient&) = delete;
  SoloClient& operator=(const SoloClient&) = delete;

  void start();
  void stop();
  // From the loop thread: queues the block for submitblock (first per height).
  void submit(const FoundShare& share);

 private:
  void template_loop();
  void submit_loop();
  void log(const std::string& text) const;
  void sleep_for(double seconds);

  SoloOptions options_;
  WorkManager& work_;
  Events events_;
  JsonRpcClient rpc_;
  std::atomic<bool> stop_{false};
  std::thread template_thread_;
  std::thread submit_thread_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<FoundShare> queue_;
  uint64_t submitted_height_ = 0;
};

}  // namespace btr::tools::miner
