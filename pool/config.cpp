#include "pool/config.h"

#include <nlohmann/json.hpp>

#include "pool/http_client.h"

namespace btr::pool {
namespace {

using nlohmann::json;

// Reads one typed key; refuses a wrong type with the key's name.
template <class T>
core::Status read_key(const json& obj, const char* key, T& out) {
  const auto it = obj.find(key);
  if (it == obj.end()) return core::Status::success();
  try {
    out = it->get<T>();
  } catch (const json::exception&) {
    return core::fail(std::string("config: key '") + key + "' has the wrong type");
  }
  return core::Status::success();
}

core::Status check_known(const json& obj, std::initializer_list<const char*> known,
                         const char* where) {
  for (const auto& [key, value] : obj.items()) {
    bool found = false;
    for (const char* k : known) found = found || key == k;
    if (!found) return core::fail(std::string("config: unknown key '") + key + "' in " + where);
  }
  return core::Status::success();
}

#define BTR_TRY(expr)                             \
  do {                                            \
    if (auto st_ = (expr); !st_.ok()) return st_; \
  } while (0)

core::Status apply_port(const json& j, PortConfig& p) {
  BTR_TRY(check_known(
      j,
      {"port", "difficulty", "min_difficulty", "max_difficulty", "target_share_interval_s",
       "retarget_interval_s", "extranonce2_size", "allow_fractional", "payout_scheme"},
      "a port"));
  int port = p.port;
  BTR_TRY(read_key(j, "port", port));
  if (port < 0 || port > 65535) return core::fail("config: port out of range");
  p.port = static_cast<uint16_t>(port);
  BTR_TRY(read_key(j, "difficulty", p.start_difficulty));
  BTR_TRY(read_key(j, "min_difficulty", p.min_difficulty));
  BTR_TRY(read_key(j, "max_difficulty", p.max_difficulty));
  BTR_TRY(read_key(j, "target_share_interval_s", p.target_share_interval_s));
  BTR_TRY(read_key(j, "retarget_interval_s", p.retarget_interval_s));
  BTR_TRY(read_key(j, "extranonce2_size", p.extranonce2_size));
  BTR_TRY(read_key(j, "allow_fractional", p.allow_fractional));
  BTR_TRY(read_key(j, "payout_scheme", p.payout_scheme));
  return core::Status::success();
}

core::Status apply_payout(const json& j, PayoutConfig& p) {
  BTR_TRY(check_known(j,
                      {"scheme", "fee_percent", "fee_address", "pplns_window_factor",
                       "pplns_min_output", "pplns_max_outputs"},
                      "payout"));
  BTR_TRY(read_key(j, "scheme", p.scheme));
  BTR_TRY(read_key(j, "fee_percent", p.fee_percent));
  BTR_TRY(read_key(j, "fee_address", p.fee_address));
  BTR_TRY(read_key(j, "pplns_window_factor", p.pplns_window_factor));
  BTR_TRY(read_key(j, "pplns_min_output", p.pplns_min_output));
  BTR_TRY(read_key(j, "pplns_max_outputs", p.pplns_max_outputs));
  return core::Status::success();
}

core::Status validate_payout(const PoolConfig& cfg) {
  bool pplns = cfg.payout.scheme == "pplns";
  if (!pplns && cfg.payout.scheme != "solo") {
    return core::fail("config: payout scheme must be solo or pplns");
  }
  for (const PortConfig& p : cfg.ports) {
    if (!p.payout_scheme.empty() && p.payout_scheme != "solo" && p.payout_scheme != "pplns")
      return core::fail("config: a port's payout_scheme must be solo or pplns");
    pplns = pplns || p.payout_scheme == "pplns";
  }
  if (!cfg.payout.fee_address.empty() &&
      !core::decode_address(cfg.payout.fee_address, address_prefixes(cfg.network)).ok()) {
    return core::fail("config: fee_address is not a " + std::string(network_name(cfg.network)) +
                      " address");
  }
  // Carried balances sit in the operator's output until they are paid.
  if (pplns && cfg.payout.fee_address.empty())
    return core::fail("config: pplns needs payout.fee_address (the operator's output)");
  if (!(cfg.payout.pplns_window_factor > 0) || cfg.payout.pplns_window_factor > 1000)
    return core::fail("config: pplns_window_factor must be in (0, 1000]");
  if (cfg.payout.pplns_min_output < 0) return core::fail("config: pplns_min_output < 0");
  if (cfg.payout.pplns_max_outputs < 1 || cfg.payout.pplns_max_outputs > 1000)
    return core::fail("config: pplns_max_outputs must be 1..1000");
  if (!cfg.webhook_url.empty() && !parse_http_url(cfg.webhook_url).ok())
    return core::fail("config: webhook_url must be http://HOST:PORT/path");
  if (!(cfg.worker_offline_s >= 10)) return core::fail("config: worker_offline_s < 10");
  if (cfg.stats_horizon_s < 3600) return core::fail("config: stats_horizon_s < 3600");
  return core::Status::success();
}

}  // namespace

const char* network_name(Network n) {
  switch (n) {
    case Network::kMain:
      return "main";
    case Network::kTestnet:
      return "testnet";
    case Network::kRegtest:
      return "regtest";
  }
  return "?";
}

core::Result<Network> parse_network(const std::string& name) {
  if (name == "main" || name == "mainnet") return Network::kMain;
  if (name == "testnet" || name == "test") return Network::kTestnet;
  if (name == "regtest") return Network::kRegtest;
  return core::fail("unknown network '" + name + "' (main, testnet or regtest)");
}

core::AddressPrefixes address_prefixes(Network n) {
  if (n == Network::kMain) return core::AddressPrefixes{25, 85, 153};
  return core::AddressPrefixes{111, 196, 239};
}

PoolConfig default_pool_config(Network network) {
  PoolConfig cfg;
  cfg.network = network;
  PortConfig port;
  switch (network) {
    case Network::kMain:
      cfg.node_url = "http://127.0.0.1:8632";
      break;
    case Network::kTestnet:
      cfg.node_url = "http://127.0.0.1:18632";
      port.allow_fractional = true;
      port.min_difficulty = 0.001;
      break;
    case Network::kRegtest:
      cfg.node_url = "http://127.0.0.1:18643";
      port.start_difficulty = 0.001;
      port.min_difficulty = 0.00001;
      port.allow_fractional = true;
      break;
  }
  cfg.ports.push_back(port);
  return cfg;
}

core::Status apply_config_json(const std::string& text, PoolConfig& cfg) {
  const json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return core::fail("config: not a JSON object");
  BTR_TRY(check_known(j,
                      {"network",
                       "datadir",
                       "node_url",
                       "node_cookie",
                       "node_user",
                       "node_password",
                       "zmq_hashblock",
                       "api_port",
                       "stratum_port",
                       "bind",
                       "ports",
                       "payout",
                       "pool_tag",
                       "max_connections_per_ip",
                       "subscribe_timeout_s",
                       "write_high_water_bytes",
                       "write_stall_timeout_s",
                       "invalid_share_ban_threshold",
                       "invalid_share_ban_s",
                       "max_line_bytes",
                       "send_threads",
                       "io_uring",
                       "block_poll_interval_s",
                       "template_refresh_s",
                       "longpoll",
                       "ntime_window_s",
                       "jobs_kept",
                       "webhook_url",
                       "worker_offline_s",
                       "stats_horizon_s",
                       "admin_token",
                       "shutdown_reconnect",
                       "shutdown_reconnect_wait_s"},
                      "the top level"));
  if (j.contains("network")) {
    std::string name;
    BTR_TRY(read_key(j, "network", name));
    auto n = parse_network(name);
    if (!n.ok()) return core::fail("config: " + n.error());
    cfg.network = *n;
  }
  BTR_TRY(read_key(j, "datadir", cfg.datadir));
  BTR_TRY(read_key(j, "node_url", cfg.node_url));
  BTR_TRY(read_key(j, "node_cookie", cfg.node_cookie));
  BTR_TRY(read_key(j, "node_user", cfg.node_user));
  BTR_TRY(read_key(j, "node_password", cfg.node_password));
  BTR_TRY(read_key(j, "zmq_hashblock", cfg.zmq_hashblock));
  BTR_TRY(read_key(j, "api_port", cfg.api_port));
  BTR_TRY(read_key(j, "bind", cfg.bind));
  BTR_TRY(read_key(j, "pool_tag", cfg.pool_tag));
  if (const auto it = j.find("ports"); it != j.end()) {
    if (!it->is_array() || it->empty())
      return core::fail("config: 'ports' must be a non-empty array");
    const PortConfig base = cfg.ports.empty() ? PortConfig{} : cfg.ports.front();
    std::vector<PortConfig> ports;
    for (const auto& pj : *it) {
      if (!pj.is_object()) return core::fail("config: each port must be an object");
      PortConfig p = base;
      BTR_TRY(apply_port(pj, p));
      ports.push_back(p);
    }
    cfg.ports = std::move(ports);
  }
  if (j.contains("stratum_port")) {
    int port = 0;
    BTR_TRY(read_key(j, "stratum_port", port));
    if (port < 0 || port > 65535) return core::fail("config: stratum_port out of range");
    if (cfg.ports.empty()) cfg.ports.emplace_back();
    cfg.ports.front().port = static_cast<uint16_t>(port);
  }
  if (const auto it = j.find("payout"); it != j.end()) {
    if (!it->is_object()) return core::fail("config: 'payout' must be an object");
    BTR_TRY(apply_payout(*it, cfg.payout));
  }
  BTR_TRY(read_key(j, "max_connections_per_ip", cfg.max_connections_per_ip));
  BTR_TRY(read_key(j, "subscribe_timeout_s", cfg.subscribe_timeout_s));
  BTR_TRY(read_key(j, "write_high_water_bytes", cfg.write_high_water_bytes));
  BTR_TRY(read_key(j, "write_stall_timeout_s", cfg.write_stall_timeout_s));
  BTR_TRY(read_key(j, "invalid_share_ban_threshold", cfg.invalid_share_ban_threshold));
  BTR_TRY(read_key(j, "invalid_share_ban_s", cfg.invalid_share_ban_s));
  BTR_TRY(read_key(j, "max_line_bytes", cfg.max_line_bytes));
  BTR_TRY(read_key(j, "send_threads", cfg.send_threads));
  BTR_TRY(read_key(j, "io_uring", cfg.io_uring));
  BTR_TRY(read_key(j, "block_poll_interval_s", cfg.block_poll_interval_s));
  BTR_TRY(read_key(j, "template_refresh_s", cfg.template_refresh_s));
  BTR_TRY(read_key(j, "longpoll", cfg.longpoll));
  BTR_TRY(read_key(j, "ntime_window_s", cfg.ntime_window_s));
  BTR_TRY(read_key(j, "jobs_kept", cfg.jobs_kept));
  BTR_TRY(read_key(j, "webhook_url", cfg.webhook_url));
  BTR_TRY(read_key(j, "worker_offline_s", cfg.worker_offline_s));
  BTR_TRY(read_key(j, "stats_horizon_s", cfg.stats_horizon_s));
  BTR_TRY(read_key(j, "admin_token", cfg.admin_token));
  BTR_TRY(read_key(j, "shutdown_reconnect", cfg.shutdown_reconnect));
  BTR_TRY(read_key(j, "shutdown_reconnect_wait_s", cfg.shutdown_reconnect_wait_s));
  return core::Status::success();
}

core::Status validate_config(const PoolConfig& cfg) {
  if (cfg.ports.empty()) return core::fail("config: no stratum port");
  for (const PortConfig& p : cfg.ports) {
    if (p.extranonce2_size < 2 || p.extranonce2_size > 16) {
      return core::fail("config: extranonce2_size must be 2..16 (cgminer's limits)");
    }
    if (!(p.min_difficulty > 0) || !(p.max_difficulty >= p.min_difficulty)) {
      return core::fail("config: need 0 < min_difficulty <= max_difficulty");
    }
    if (!(p.start_difficulty >= p.min_difficulty && p.start_difficulty <= p.max_difficulty)) {
      return core::fail("config: difficulty must lie within [min_difficulty, max_difficulty]");
    }
    if (!p.allow_fractional && p.min_difficulty < 1) {
      return core::fail("config: min_difficulty below 1 needs allow_fractional");
    }
    if (!(p.target_share_interval_s > 0) || !(p.retarget_interval_s > 0)) {
      return core::fail("config: share and retarget intervals must be positive");
    }
  }
  if (auto st = validate_payout(cfg); !st.ok()) return st;
  if (cfg.payout.fee_percent < 0 || cfg.payout.fee_percent > 100) {
    return core::fail("config: fee_percent must be 0..100");
  }
  if (cfg.bind.empty()) return core::fail("config: bind needs at least one address");
  if (cfg.max_connections_per_ip < 1) return core::fail("config: max_connections_per_ip < 1");
  if (cfg.jobs_kept < 1) return core::fail("config: jobs_kept < 1");
  if (cfg.send_threads < 0 || cfg.send_threads > 64)
    return core::fail("config: send_threads must be 0 (one per core) to 64");
  // Below 1 s no rolled share fits; past a day the node's future-time rule refuses the block.
  if (cfg.ntime_window_s < 1 || cfg.ntime_window_s > 86400) {
    return core::fail("config: ntime_window_s must be 1..86400");
  }
  if (cfg.shutdown_reconnect_wait_s < 0 || cfg.shutdown_reconnect_wait_s > 3600) {
    return core::fail("config: shutdown_reconnect_wait_s must be 0..3600");
  }
  if (cfg.max_line_bytes < 512) return core::fail("config: max_line_bytes < 512");
  if (!cfg.node_cookie.empty() && !cfg.node_user.empty()) {
    return core::fail("config: give node_cookie or node_user/node_password, not both");
  }
  if (cfg.api_port < 0 || cfg.api_port > 65535) return core::fail("config: api_port out of range");
  return core::Status::success();
}

std::string pool_config_help() {
  return R"(Config file (--config FILE): one JSON object. Flags given on the command line win.
  network            "main" | "testnet" | "regtest"            (default main)
  datadir            directory for pool.sqlite (ledger, WAL)    (default .)
  node_url           "http://HOST:PORT" of btr-node             (default 127.0.0.1 + network RPC port)
  node_cookie        path of btr-node's .cookie (re-read at each reconnect)
  node_user, node_password   RPC Basic auth instead of the cookie
  zmq_hashblock      "tcp://HOST:PORT" of btr-node's ZMQ hashblock publisher (optional)
  api_port           HTTP port (0 = off): dashboard at /, JSON API /api/pool, /api/blocks,
                     /api/block/HASH|HEIGHT, /api/address/ADDR, /api/workers, /api/hashrate,
                     Prometheus /metrics
  stratum_port       sets the port number of the first entry of "ports"
  bind               ["0.0.0.0","::"]: addresses every stratum port listens on (IPv4 and IPv6)
  pool_tag           text in every coinbase scriptSig             (default "/btr-pool/")
  ports              [{ "port": 3333, "difficulty": 1, "min_difficulty": 1, "max_difficulty": 1e12,
                        "target_share_interval_s": 10, "retarget_interval_s": 30,
                        "extranonce2_size": 8, "allow_fractional": false }, ...]
                     regtest default: difficulty 0.001, min_difficulty 0.00001, fractional allowed
  payout             { "scheme": "solo"|"pplns", "fee_percent": 0, "fee_address": "",
                       "pplns_window_factor": 2, "pplns_min_output": 10000,
                       "pplns_max_outputs": 20 }
                     solo: the finder's address gets the value minus the fee. pplns: every job
                     pays the last N = factor * network difficulty of shares in proportion; dues
                     under pplns_min_output, or past the pplns_max_outputs largest, are carried
                     as balances in the operator's output (fee_address, required) and paid in a
                     later coinbase. Fee = floor(value * round(fee_percent*100) / 10000).
                     A port may override the scheme with "payout_scheme".
  webhook_url        "http://HOST:PORT/path": JSON POST on block found / confirmed / orphaned
                     and worker offline (never blocks the pool; failures are logged)
  worker_offline_s   (600) silence after which a worker is reported offline
  stats_horizon_s    (86400) raw share slices kept at least this long (then rolled up)
  max_connections_per_ip (20000), subscribe_timeout_s (30), write_high_water_bytes (262144),
  write_stall_timeout_s (10), invalid_share_ban_threshold (100 invalid shares in a row),
  invalid_share_ban_s (600), max_line_bytes (16384), block_poll_interval_s (0.1),
  template_refresh_s (30), longpoll (true), ntime_window_s (7000: a share's ntime may be at
  most this many seconds after its job's), jobs_kept (4)
  send_threads       (0 = one per core, at most 4): threads that write a new block's notify to
                     every miner in parallel (through io_uring batches when the kernel allows)
  io_uring           (true): batch sends through io_uring when the kernel offers it; false sends
                     with one sendmsg per socket (where a seccomp profile forbids io_uring)
  admin_token        secret for POST /api/admin/reconnect and /api/admin/set_extranonce on the
                     api_port (header "Authorization: Bearer TOKEN"); empty = admin routes refused
  shutdown_reconnect (false): on SIGINT/SIGTERM send every miner client.reconnect to this pool,
                     to wait shutdown_reconnect_wait_s (5) seconds, so a planned restart keeps them
)";
}

}  // namespace btr::pool
