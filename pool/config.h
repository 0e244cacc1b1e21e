#pragma once
// btr-pool's settings: command-line flags layered over an optional JSON config
// file (--config FILE). The file holds the same keys as the flags (with '_'
// for '-': "node_url", "stratum_port", ...) plus per-port settings, limits and
// the payout scheme; see pool_config_help() for every key and its default.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/address.h"
#include "core/result.h"

namespace btr::pool {

enum class Network { kMain, kTestnet, kRegtest };
const char* network_name(Network n);
core::Result<Network> parse_network(const std::string& name);
// chain.md "Networks": P2PKH / P2SH / WIF version bytes.
core::AddressPrefixes address_prefixes(Network n);

struct PortConfig {
  uint16_t port = 3333;           // 0 = ephemeral (tests)
  double start_difficulty = 1.0;  // sent before the first notify
  double min_difficulty = 1.0;    // vardiff floor; suggest_difficulty is clamped to it
  double max_difficulty = 1e12;   // vardiff ceiling
  double target_share_interval_s = 10.0;
  double retarget_interval_s = 30.0;
  int extranonce2_size = 8;
  bool allow_fractional = false;  // difficulty below 1 allowed on this port
  std::string payout_scheme;      // "solo" | "pplns"; "" = the pool's payout.scheme
};

struct PayoutConfig {
  std::string scheme = "solo";  // "solo" or "pplns" (pool/payout/payout_plan.h)
  double fee_percent = 0.0;
  std::string fee_address;           // the operator's output; required by PPLNS (carried balances)
  double pplns_window_factor = 2.0;  // N = factor * network difficulty
  int64_t pplns_min_output = 10000;  // base units; smaller dues are carried
  int pplns_max_outputs = 20;        // miner outputs per coinbase, largest first
};

struct PoolConfig {
  Network network = Network::kMain;
  std::string datadir = ".";
  std::string node_url;  // http://HOST:PORT
  std::string node_cookie;
  std::string node_user;
  std::string node_password;
  std::string zmq_hashblock;  // e.g. tcp://127.0.0.1:28332; empty = off
  int api_port = 0;           // JSON API, /metrics and dashboard (pool/http); 0 = off
  std::vector<std::string> bind = {"0.0.0.0", "::"};
  std::vector<PortConfig> ports;
  PayoutConfig payout;
  // Accounting (pool/ledger.h, pool/webhook.h).
  std::string webhook_url;          // http://HOST:PORT/path; "" = no notifications
  double worker_offline_s = 600;    // a worker silent this long is reported offline
  int64_t stats_horizon_s = 86400;  // raw share slices kept at least this long
  std::string pool_tag = "/btr-pool/";

  // Connection hygiene.
  int max_connections_per_ip = 20000;
  double subscribe_timeout_s = 30.0;  // drop clients that never subscribe
  size_t write_high_water_bytes = 256 * 1024;
  double write_stall_timeout_s = 10.0;    // above the mark this long -> disconnect
  int invalid_share_ban_threshold = 100;  // invalid shares in a row before a ban...
  double invalid_share_ban_s = 600.0;     // ...of this many seconds for the IP
  size_t max_line_bytes = 16 * 1024;
  // Threads that write a big batch (a new block's notify to every miner) in
  // parallel, the event loop's included; 0 = one per core (at most 4).
  int send_threads = 0;
  bool io_uring = true;  // false: one sendmsg per socket (e.g. where seccomp forbids io_uring)

  // Work.
  double block_poll_interval_s = 0.1;  // getbestblockhash fallback poll
  double template_refresh_s = 30.0;    // new template at least this often
  bool longpoll = true;
  int ntime_window_s = 7000;  // a share's ntime may be at most this far after its job's
  int jobs_kept = 4;          // templates whose jobs stay valid until the tip moves

  // Administration (pool/admin_routes.h). Empty token: the admin routes refuse every request.
  std::string admin_token;
  // On a clean shutdown, ask every miner to come back (client.reconnect to this same pool,
  // waiting shutdown_reconnect_wait_s first) so a planned restart does not send them to backups.
  bool shutdown_reconnect = false;
  int shutdown_reconnect_wait_s = 5;
};

// Defaults for a network: ports, difficulties (regtest starts at 0.001 with a
// floor of 0.00001 so a CPU finds shares within seconds), node RPC port.
PoolConfig default_pool_config(Network network);

// Applies the keys of a JSON config document on top of `cfg`. Unknown keys are
// errors (a misspelt key must not be ignored silently).
core::Status apply_config_json(const std::string& text, PoolConfig& cfg);
// Checks ranges and cross-field rules after every layer was applied.
core::Status validate_config(const PoolConfig& cfg);

// Text for --help describing the config file format and every key.
std::string pool_config_help();

}  // namespace btr::pool
