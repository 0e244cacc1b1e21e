#pragma once
// Asks btr-node what its active chain holds at the heights of the pool's
// pending blocks (getblockcount, then getblockhash per block) on a worker
// thread, and hands the answers to the event loop, where the ledger turns
// them into confirmations, confirmed or orphaned. check() is called on every
// new tip; a check asked for while one runs is merged into the next.

#include <uv.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "pool/ledger.h"
#include "pool/rpc_client.h"

namespace btr::pool {

struct ChainCheckResult {
  bool ok = false;  // false: the node could not be asked (error says why)
  std::string error;
  int64_t tip_height = 0;
  std::vector<ChainCheck> checks;
};

class LedgerConfirmer {
 public:
  using Done = std::function<void(const ChainCheckResult&)>;  // on the loop thread
  LedgerConfirmer(uv_loop_t* loop, HttpUrl url, RpcCredentials credentials, Done done);
  ~LedgerConfirmer();
  LedgerConfirmer(const LedgerConfirmer&) = delete;
  LedgerConfirmer& operator=(const LedgerConfirmer&) = delete;

  void check(std::vector<PendingBlock> blocks);  // loop thread
  void stop();                                   // loop thread; joins, closes the async

 private:
  void run();
  ChainCheckResult ask(RpcClient& rpc, const std::vector<PendingBlock>& blocks);

  Done done_;
  uv_async_t async_{};
  bool async_open_ = false;
  HttpUrl url_;
  RpcCredentials creds_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  bool requested_ = false;
  std::vector<PendingBlock> request_;
  std::vector<ChainCheckResult> results_;
  std::thread thread_;
};

}  // namespace btr::pool
