#include "node/node_app.h"

#include <csignal>
#include <cstdio>
#include <ctime>
#include <fstream>

#include "node/log.h"
#include "node/node_context.h"
#include "node/rpc_wallet.h"
#include "node/tx_amount.h"

namespace btr::node {
namespace {

constexpr const char* kDbName = "chainstate.sqlite";

int64_t wall_clock() {
  return static_cast<int64_t>(std::time(nullptr));
}

}  // namespace

NodeApp::NodeApp(NodeConfig config) : config_(std::move(config)) {
  uv_loop_init(&loop_);
}

NodeApp::~NodeApp() {
  uv_loop_close(&loop_);
}

int NodeApp::run() {
  auto params = core::chain_params_by_name(config_.network);
  if (!params) {
    std::fprintf(stderr, "Error: unknown network %s\n", config_.network.c_str());
    return 1;
  }
  params_ = *params;
  std::error_code ec;
  std::filesystem::create_directories(config_.datadir, ec);
  if (ec) {
    std::fprintf(stderr, "Error: cannot create data folder %s: %s\n", config_.datadir.c_str(),
                 ec.message().c_str());
    return 1;
  }
  if (!log_open(config_.datadir / "debug.log", config_.printtoconsole, config_.debug)) {
    std::fprintf(stderr, "Error: cannot open %s\n", (config_.datadir / "debug.log").c_str());
    return 1;
  }
  log_info("btr-node starting: network " + config_.network + ", data folder " +
           config_.datadir.string());
  auto store = ChainStore::open(config_.datadir / kDbName);
  if (!store) {
    log_error(store.error());
    return 1;
  }
  store_ = std::move(*store);
  const std::string stored_net = store_->network();
  if (!stored_net.empty() && stored_net != config_.network) {
    log_error("database belongs to network " + stored_net);
    return 1;
  }
  if (stored_net.empty()) (void)store_->set_network(config_.network);
  ChainOptions opts;
  opts.txindex = config_.txindex;
  opts.prune_target_bytes = config_.prune_mib * 1024 * 1024;
  chain_ = std::make_unique<ChainState>(*params_, *store_, verifier_, opts, &wall_clock);
  if (auto st = chain_->load(); !st) {
    log_error("cannot load chain: " + st.error());
    return 1;
  }
  const int rc = config_.verify_utxo ? verify_utxo() : start();
  if (rc != 0 || config_.verify_utxo) {
    log_close();
    return rc;
  }
  uv_run(&loop_, UV_RUN_DEFAULT);
  if (rpc_) rpc_->auth().remove_cookie();
  std::filesystem::remove(config_.datadir / "rpcport", ec);
  log_info("btr-node stopped");
  log_close();
  return 0;
}

int NodeApp::verify_utxo() {
  auto stored = store_->utxo_stats();
  auto replayed = chain_->replay_utxo_stats();
  if (!stored || !replayed) {
    const std::string err = !stored ? stored.error() : replayed.error();
    log_error("verify-utxo: " + err);
    std::printf("error: %s\n", err.c_str());
    return 2;
  }
  const bool same = stored->hash == replayed->hash && stored->txouts == replayed->txouts &&
                    stored->total_amount == replayed->total_amount;
  std::printf(
      "{\"height\": %d, \"bestblock\": \"%s\", \"stored_hash\": \"%s\", \"replayed_hash\": "
      "\"%s\", \"txouts\": %llu, \"match\": %s}\n",
      chain_->tip()->height(), chain_->tip()->hash().to_display_hex().c_str(),
      stored->hash.to_display_hex().c_str(), replayed->hash.to_display_hex().c_str(),
      static_cast<unsigned long long>(stored->txouts), same ? "true" : "false");
  log_info(std::string("verify-utxo: ") + (same ? "UTXO set matches the replay" : "MISMATCH"));
  return same ? 0 : 3;
}

int NodeApp::start() {
  longpoll_ = std::make_unique<LongPollHub>(&loop_, config_.longpoll_timeout_s);
  longpoll_->changed(chain_->tip()->hash().to_display_hex());
  notifier_ = std::make_unique<BlockNotifier>(&loop_);
  notifier_->set_command(config_.blocknotify);
  if (auto st = notifier_->open_zmq(config_.zmqpubhashblock, config_.zmqpubrawblock); !st) {
    log_error(st.error());
    return 1;
  }
  chain_->set_tip_listener([this](const BlockIndex& tip) { on_tip(tip); });
  start_mempool();

  ctx_ = std::make_unique<NodeContext>(NodeContext{*params_, *chain_, config_, dispatcher_,
                                                   *longpoll_, [this] { request_stop(); },
                                                   wall_clock(), config_.datadir / "debug.log"});
  ctx_->mempool = mempool_.get();
  ctx_->fee_estimator = fee_estimator_.get();
  register_blockchain_rpcs(*ctx_);
  register_mining_rpcs(*ctx_);
  register_misc_rpcs(*ctx_);
  register_mempool_rpcs(*ctx_);
  register_net_rpcs(*ctx_);
  if (const int rc = start_net(); rc != 0) return rc;
  register_raw_transaction_rpcs(*ctx_);
  if (const int rc = start_wallet(); rc != 0) return rc;

  RpcAuth auth;
  if (!config_.rpcpassword.empty()) {
    auth.add_credentials(config_.rpcuser, config_.rpcpassword);
  } else if (auto st = auth.create_cookie(config_.datadir / ".cookie"); !st) {
    log_error(st.error());
    return 1;
  }
  HttpLimits limits;
  limits.max_body_bytes = config_.rpc_max_body_bytes;
  rpc_ = std::make_unique<RpcServer>(&loop_, limits, std::move(auth), dispatcher_);
  std::vector<Subnet> allowed;
  for (const std::string& a : config_.rpcallowip) {
    auto net = Subnet::parse(a);
    if (!net) {
      log_error("rpcallowip: " + net.error());
      return 1;
    }
    allowed.push_back(*net);
  }
  rpc_->set_allowed(std::move(allowed));
  rpc_->set_idle_timeout(config_.rpcservertimeout);
  // Without rpcallowip the server stays on loopback whatever rpcbind says, as Core does.
  std::vector<std::string> binds = config_.rpcbind;
  if (binds.empty() || config_.rpcallowip.empty()) binds = {"127.0.0.1"};
  const uint16_t port = config_.rpcport.value_or(params_->rpc_port);
  uint16_t bound = 0;
  for (const std::string& host : binds) {
    auto r = rpc_->listen(host, bound != 0 && port == 0 ? bound : port);
    if (!r) {
      log_error("rpc: " + r.error());
      return 1;
    }
    bound = *r;
    log_info("rpc: listening on " + host + ":" + std::to_string(bound));
  }
  {
    // Written after binding, so a reader that sees it can connect.
    const auto tmp = config_.datadir / "rpcport.tmp";
    std::ofstream(tmp) << bound << "\n";
    std::error_code ec;
    std::filesystem::rename(tmp, config_.datadir / "rpcport", ec);
  }
  uv_signal_init(&loop_, &sigint_);
  uv_signal_init(&loop_, &sigterm_);
  sigint_.data = sigterm_.data = this;
  auto on_signal = [](uv_signal_t* h, int signum) {
    log_info(std::string("received ") + (signum == SIGINT ? "SIGINT" : "SIGTERM") + ", stopping");
    static_cast<NodeApp*>(h->data)->request_stop();
  };
  uv_signal_start(&sigint_, on_signal, SIGINT);
  uv_signal_start(&sigterm_, on_signal, SIGTERM);
  std::signal(SIGPIPE, SIG_IGN);
  return 0;
}

int NodeApp::start_net() {
  net::NetOptions o;
  o.connect = config_.connect;
  o.addnode = config_.addnode;
  o.listen = config_.listen;
  o.bind = config_.bind;
  o.port = config_.port.value_or(params_->p2p_port);
  o.max_connections = config_.maxconnections;
  o.datadir = config_.datadir;
  net_ = std::make_unique<net::NetManager>(&loop_, *chain_, std::move(o));
  if (auto st = net_->start(); !st) {
    log_error(st.error());
    return 1;
  }
  net_->attach_mempool(*mempool_);
  ctx_->net = net_.get();
  return 0;
}

void NodeApp::start_mempool() {
  MempoolOptions o;
  o.max_bytes = config_.maxmempool_mb * 1000 * 1000;  // Core counts -maxmempool in MB
  o.expiry_seconds = config_.mempoolexpiry_hours * 3600;
  o.policy.min_relay_fee_per_kb = config_.minrelaytxfee_per_kb;
  o.require_standard = !config_.acceptnonstdtxn;
  o.ancestor_limit = config_.limitancestorcount;
  o.descendant_limit = config_.limitdescendantcount;
  mempool_ = std::make_unique<Mempool>(*chain_, verifier_, o, &wall_clock);
  mempool_->set_change_callback([this] {
    if (longpoll_) longpoll_->mempool_changed();
  });
  fee_estimator_ = std::make_unique<FeeEstimator>(*chain_);
  fee_estimator_->load_recent();
}

int NodeApp::start_wallet() {
  if (config_.disablewallet) {
    log_info("wallet disabled");
    return 0;
  }
  auto fallback = parse_coin_amount(config_.fallbackfee);
  if (!fallback) {
    log_error("fallbackfee: " + fallback.error());
    return 1;
  }
  wallet::WalletOptions options;
  options.fallback_fee_per_kb = *fallback;
  auto w = wallet::Wallet::open(config_.datadir / "wallet.sqlite", *params_, *chain_,
                                mempool_.get(), options, &wall_clock);
  if (!w) {
    log_error("wallet: " + w.error());
    return 1;
  }
  wallet_ = std::move(*w);
  if (fee_estimator_) {
    wallet_->set_fee_estimator(
        [fe = fee_estimator_.get()](int target) { return fe->estimate(target); });
  }
  register_wallet_rpcs(*ctx_, *wallet_);
  uv_timer_init(&loop_, &wallet_timer_);
  wallet_timer_.data = this;
  uv_timer_start(
      &wallet_timer_,
      [](uv_timer_t* t) { static_cast<NodeApp*>(t->data)->wallet_->keys().relock_if_due(); }, 1000,
      1000);
  return 0;
}

void NodeApp::request_stop() {
  if (stopping_) return;
  stopping_ = true;
  if (net_) net_->stop();
  if (wallet_) uv_close(reinterpret_cast<uv_handle_t*>(&wallet_timer_), nullptr);
  // Parked long polls get their answer, then every handle closes and the
  // loop runs out of work.
  longpoll_->close();
  rpc_->close();
  notifier_->close();
  uv_close(reinterpret_cast<uv_handle_t*>(&sigint_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&sigterm_), nullptr);
}

void NodeApp::on_tip(const BlockIndex& tip) {
  const std::string hex = tip.hash().to_display_hex();
  if (longpoll_) longpoll_->changed(hex);
  if (notifier_) {
    auto raw = chain_->read_raw_block(&tip);
    notifier_->notify(hex, raw ? *raw : std::vector<uint8_t>());
  }
}

}  // namespace btr::node
