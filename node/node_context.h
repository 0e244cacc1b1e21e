#pragma once
// What RPC methods may reach: the chain, its parameters, the configuration,
// the long-poll hub, the dispatcher (help, getrpcinfo) and a way to stop.

#include <cstdint>
#include <filesystem>
#include <functional>

#include "core/chain_params.h"
#include "node/chain_state.h"
#include "node/config.h"
#include "node/longpoll.h"
#include "node/rpc_dispatcher.h"

namespace btr::node {

class FeeEstimator;
class Mempool;
namespace net {
class NetManager;
}

struct NodeContext {
  const core::ChainParams& params;
  ChainState& chain;
  const NodeConfig& config;
  RpcDispatcher& dispatcher;
  LongPollHub& longpoll;
  std::function<void()> request_stop;
  int64_t start_time = 0;
  std::filesystem::path log_path;
  Mempool* mempool = nullptr;  // set once the pool exists (node/mempool.h)
  FeeEstimator* fee_estimator = nullptr;
  net::NetManager* net = nullptr;  // null with networking off (node/net/)
};

void register_blockchain_rpcs(NodeContext& ctx);
void register_mining_rpcs(NodeContext& ctx);
void register_misc_rpcs(NodeContext& ctx);
void register_mempool_rpcs(NodeContext& ctx);
void register_net_rpcs(NodeContext& ctx);

}  // namespace btr::node
