#pragma once
// The pool's accounting around the ledger, on the event loop: the payout of
// every job (SOLO or PPLNS per port, from the ledger's window and balances),
// block confirmation against btr-node on every new tip, webhook
// notifications, worker-offline detection, and the HTTP API, metrics and
// dashboard routes. PoolServer owns one and calls it from its events.

#include <uv.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/address.h"
#include "core/result.h"
#include "pool/config.h"
#include "pool/http/api_server.h"
#include "pool/http/ledger_queries.h"
#include "pool/http/pool_metrics.h"
#include "pool/ledger.h"
#include "pool/ledger_confirmer.h"
#include "pool/webhook.h"
#include "pool/work_manager.h"

namespace btr::pool {

// The ledger's options from the pool's config.
LedgerOptions ledger_options(const PoolConfig& cfg);

class LedgerService {
 public:
  // Fills the server's own counters (connections, blocks submitted...).
  using ServerCounters = std::function<void(http::MetricsSnapshot&)>;

  LedgerService(const PoolConfig& cfg, SqliteLedger& ledger);
  ~LedgerService();
  LedgerService(const LedgerService&) = delete;
  LedgerService& operator=(const LedgerService&) = delete;

  // Starts the confirmer (node RPC) and the webhook; loop thread.
  core::Status start(uv_loop_t* loop, const HttpUrl& node_url, const RpcCredentials& creds);
  void stop();
  void add_routes(http::ApiServer& api, ServerCounters counters);

  // WorkManager's planner: the payout of a job built now.
  std::optional<PlannedPayout> plan(const PayoutSet& set, const BlockTemplate& t);
  void on_template(const BlockTemplate& t, bool new_tip);
  void on_block(const BlockEvent& block);  // after the ledger recorded it
  void on_node_state(bool reachable);
  void observe_share_latency(double seconds) { metrics_.share_latency.observe(seconds); }
  void tick();  // every few seconds: worker-offline notifications

  const http::PoolMetrics& metrics() const { return metrics_; }
  http::NetworkInfo network() const { return network_; }

 private:
  void on_chain_checks(const ChainCheckResult& r);
  void notify(nlohmann::json event);
  std::optional<std::vector<uint8_t>> script_for(const std::string& address,
                                                 const PayoutSet& set) const;

  const PoolConfig& cfg_;
  SqliteLedger& ledger_;
  core::AddressPrefixes prefixes_;
  http::PoolMetrics metrics_;
  http::NetworkInfo network_;
  std::unique_ptr<LedgerConfirmer> confirmer_;
  std::unique_ptr<Webhook> webhook_;
};

}  // namespace btr::pool
