#include "pool/ledger_service.h"

#include <ctime>

#include "core/pow.h"
#include "pool/http/dashboard.h"
#include "pool/pool_server.h"

namespace btr::pool {
namespace {

using http::Response;
using nlohmann::json;

int64_t unix_now() {
  return static_cast<int64_t>(std::time(nullptr));
}

}  // namespace

LedgerOptions ledger_options(const PoolConfig& cfg) {
  LedgerOptions o;
  o.stats_horizon_s = cfg.stats_horizon_s;
  return o;
}

LedgerService::LedgerService(const PoolConfig& cfg, SqliteLedger& ledger)
    : cfg_(cfg), ledger_(ledger), prefixes_(address_prefixes(cfg.network)) {}

LedgerService::~LedgerService() {
  stop();
}

core::Status LedgerService::start(uv_loop_t* loop, const HttpUrl& node_url,
                                  const RpcCredentials& creds) {
  confirmer_ = std::make_unique<LedgerConfirmer>(
      loop, node_url, creds, [this](const ChainCheckResult& r) { on_chain_checks(r); });
  if (!cfg_.webhook_url.empty()) {
    auto w = Webhook::create(cfg_.webhook_url,
                             [](const std::string& msg) { pool_log("%s", msg.c_str()); });
    if (!w.ok()) return core::fail(w.error());
    webhook_ = std::move(w).value();
  }
  return core::Status::success();
}

void LedgerService::stop() {
  if (confirmer_) confirmer_->stop();
  webhook_.reset();  // joins its thread; queued notifications are dropped
}

std::optional<std::vector<uint8_t>> LedgerService::script_for(const std::string& address,
                                                              const PayoutSet& set) const {
  if (address == set.miner_address && !set.miner_script.empty()) return set.miner_script;
  auto decoded = core::decode_address(address, prefixes_);
  if (!decoded.ok()) return std::nullopt;
  return core::address_script(*decoded);
}

std::optional<PlannedPayout> LedgerService::plan(const PayoutSet& set, const BlockTemplate& t) {
  const payout::FeeRule fee{cfg_.payout.fee_address, cfg_.payout.fee_percent};
  const payout::PplnsRules rules{cfg_.payout.pplns_min_output,
                                 static_cast<size_t>(cfg_.payout.pplns_max_outputs)};
  auto plan = std::make_shared<payout::PayoutPlan>(ledger_.plan_for_job(
      set.scheme, t.coinbase_value, set.miner_address,
      cfg_.payout.pplns_window_factor * core::difficulty_from_target(t.target), fee, rules));
  if (const std::string err = payout::check_plan(*plan); !err.empty()) {
    pool_log("payout plan refused: %s", err.c_str());
    return std::nullopt;
  }
  PlannedPayout out;
  for (const auto& [address, amount] : plan->outputs()) {
    auto script = script_for(address, set);
    if (!script) {
      pool_log("payout to %s refused: not a %s address", address.c_str(),
               network_name(cfg_.network));
      return std::nullopt;
    }
    out.outputs.push_back(PayoutOutput{std::move(*script), amount});
  }
  out.plan = std::move(plan);
  return out;
}

void LedgerService::on_template(const BlockTemplate& t, bool new_tip) {
  ++metrics_.templates;
  metrics_.last_template_unix = unix_now();
  network_.height = t.height;
  network_.difficulty = core::difficulty_from_target(t.target);
  network_.template_time = metrics_.last_template_unix;
  // Every new tip: ask the node where the pending blocks stand.
  if (new_tip && confirmer_) confirmer_->check(ledger_.pending_blocks());
}

void LedgerService::on_block(const BlockEvent& b) {
  metrics_.count_submit_result(b.submit_result);
  json event = {{"event", "block_found"}, {"time", b.unix_time},
                {"height", b.height},     {"hash", b.hash},
                {"worker", b.worker},     {"address", b.address},
                {"accepted", b.accepted}, {"submit_result", b.submit_result}};
  if (b.plan) {
    event["value"] = b.plan->value;
    event["scheme"] = payout::scheme_name(b.plan->scheme);
  }
  notify(std::move(event));
}

void LedgerService::on_node_state(bool reachable) {
  if (!reachable) ++metrics_.node_rpc_errors;
}

void LedgerService::on_chain_checks(const ChainCheckResult& r) {
  if (!r.ok) {
    ++metrics_.node_rpc_errors;
    pool_log("block confirmation check failed: %s", r.error.c_str());
    return;
  }
  for (const std::string& change : ledger_.apply_chain_checks(r.tip_height, r.checks)) {
    const size_t colon = change.rfind(':');
    const std::string hash = change.substr(0, colon);
    const std::string status = change.substr(colon + 1);
    pool_log("block %s %s (chain tip %lld)", hash.c_str(), status.c_str(),
             static_cast<long long>(r.tip_height));
    notify({{"event", "block_" + status}, {"time", unix_now()}, {"hash", hash}});
  }
}

void LedgerService::tick() {
  for (const std::string& worker :
       ledger_.take_offline_workers(unix_now(), cfg_.worker_offline_s)) {
    pool_log("worker %s offline (no share for %.0f s)", worker.c_str(), cfg_.worker_offline_s);
    notify({{"event", "worker_offline"}, {"time", unix_now()}, {"worker", worker}});
  }
  if (webhook_) {
    metrics_.webhook_sent = webhook_->sent();
    metrics_.webhook_failed = webhook_->failed();
  }
}

void LedgerService::notify(nlohmann::json event) {
  if (webhook_) webhook_->notify(std::move(event));
}

void LedgerService::add_routes(http::ApiServer& api, ServerCounters counters) {
  api.add_route("GET", "/", [](const http::Request&) {
    return Response::text(http::dashboard_html(), "text/html; charset=utf-8");
  });
  api.add_route("GET", "/api/pool", [this](const http::Request&) {
    return Response::json(http::pool_summary(ledger_, network_, unix_now()));
  });
  api.add_route("GET", "/api/blocks", [this](const http::Request& req) {
    int limit = 50;
    const std::string l = req.query_param("limit");
    if (!l.empty()) {
      if (l.size() > 4 || l.find_first_not_of("0123456789") != std::string::npos)
        return Response::error(400, "limit must be 1..1000");
      limit = std::stoi(l);
      if (limit < 1 || limit > 1000) return Response::error(400, "limit must be 1..1000");
    }
    return Response::json(http::recent_blocks(ledger_, limit));
  });
  api.add_route("GET", "/api/block/*", [this](const http::Request& req) {
    const std::string key = req.path.substr(std::string("/api/block/").size());
    if (key.size() > 64) return Response::error(400, "bad block hash or height");
    auto j = http::block_summary(ledger_, key);
    return j ? Response::json(*j) : Response::error(404, "unknown block");
  });
  api.add_route("GET", "/api/address/*", [this](const http::Request& req) {
    const std::string address = req.path.substr(std::string("/api/address/").size());
    if (!core::decode_address(address, prefixes_).ok())
      return Response::error(400, std::string("not a ") + network_name(cfg_.network) + " address");
    auto j = http::address_summary(ledger_, address, unix_now());
    return j ? Response::json(*j) : Response::error(404, "no shares from this address");
  });
  api.add_route("GET", "/api/workers", [this](const http::Request&) {
    return Response::json(http::workers_summary(ledger_, unix_now(), 200));
  });
  api.add_route("GET", "/api/hashrate", [this](const http::Request&) {
    return Response::json(http::hashrate_history(ledger_, unix_now(), 24));
  });
  api.add_route("GET", "/metrics", [this, counters](const http::Request&) {
    http::MetricsSnapshot s;
    if (counters) counters(s);
    const int64_t now = unix_now();
    const json summary = http::pool_summary(ledger_, network_, now);
    s.shares_accepted = ledger_.accepted_shares();
    s.shares_rejected = ledger_.rejected_by_reason();
    for (const auto& [status, n] : summary["blocks"].items()) {
      if (status != "found") s.blocks_by_status[status] = n.get<uint64_t>();
    }
    s.template_age_s = metrics_.last_template_unix == 0
                           ? -1.0
                           : static_cast<double>(now - metrics_.last_template_unix);
    s.hashrate_10m = summary["hashrate_10m"].get<double>();
    s.hashrate_1h = summary["hashrate_1h"].get<double>();
    s.height = network_.height;
    s.network_difficulty = network_.difficulty;
    s.metrics = &metrics_;
    return Response::text(http::render_prometheus(s), "text/plain; version=0.0.4");
  });
}

// PoolServer's accounting half: the ledger service, its routes on the API
// server and the payout planner of every job.
core::Status PoolServer::start_accounting(const HttpUrl& node_url) {
  accounting_ = std::make_unique<LedgerService>(cfg_, *ledger_);
  accounting_->add_routes(*api_, [this](http::MetricsSnapshot& s) {
    s.connections = stats_.connections.load();
    s.connections_total = stats_.accepted_total.load();
    s.blocks_found = stats_.blocks_submitted.load();
    s.blocks_accepted = stats_.blocks_accepted.load();
  });
  work_.set_payout_planner(
      [this](const PayoutSet& set, const BlockTemplate& t) { return accounting_->plan(set, t); });
  return accounting_->start(loop_, node_url,
                            RpcCredentials{cfg_.node_cookie, cfg_.node_user, cfg_.node_password});
}

}  // namespace btr::pool
