#pragma once
// btr-node's process: opens the data folder, log and database, loads the
// chain, serves JSON-RPC on a libuv loop, publishes block notifications, and
// shuts down cleanly on SIGINT/SIGTERM or the stop RPC (closes every handle,
// removes the cookie and rpcport files).

#include <uv.h>

#include <memory>

#include "node/chain_state.h"
#include "node/chain_store.h"
#include "node/config.h"
#include "node/fee_estimator.h"
#include "node/longpoll.h"
#include "node/mempool.h"
#include "node/net/net_manager.h"
#include "node/node_context.h"
#include "node/notifier.h"
#include "node/rpc_dispatcher.h"
#include "node/rpc_server.h"
#include "node/script_verifier.h"
#include "node/wallet/wallet.h"

namespace btr::node {

class NodeApp {
 public:
  explicit NodeApp(NodeConfig config);
  ~NodeApp();
  NodeApp(const NodeApp&) = delete;
  NodeApp& operator=(const NodeApp&) = delete;

  // Runs until stopped; returns the process exit code.
  int run();

 private:
  int start();
  void start_mempool();
  int start_net();
  int verify_utxo();
  int start_wallet();
  void request_stop();
  void on_tip(const BlockIndex& tip);

  NodeConfig config_;
  const core::ChainParams* params_ = nullptr;
  uv_loop_t loop_{};
  std::unique_ptr<ChainStore> store_;
  // One verifier (and so one signature cache) for blocks and the mempool.
  InterpreterScriptVerifier verifier_;
  std::unique_ptr<ChainState> chain_;
  std::unique_ptr<Mempool> mempool_;
  std::unique_ptr<FeeEstimator> fee_estimator_;
  std::unique_ptr<net::NetManager> net_;  // after chain_ and mempool_: destroyed first
  std::unique_ptr<wallet::Wallet> wallet_;  // null with -disablewallet; destroyed before the chain
  uv_timer_t wallet_timer_{};               // relocks the wallet when walletpassphrase ends
  RpcDispatcher dispatcher_;
  std::unique_ptr<RpcServer> rpc_;
  std::unique_ptr<LongPollHub> longpoll_;
  std::unique_ptr<BlockNotifier> notifier_;
  std::unique_ptr<NodeContext> ctx_;
  uv_signal_t sigint_{};
  uv_signal_t sigterm_{};
  bool stopping_ = false;
};

}  // namespace btr::node
