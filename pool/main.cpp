// btr-pool: the BitSilver Stratum v1 pool server.
#include <uv.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "pool/config.h"
#include "pool/pool_server.h"

using btr::pool::PoolConfig;

namespace {

struct CliValues {
  std::string network, datadir, node_url, node_cookie, node_user, node_password, config_file;
  std::string zmq;
  std::optional<int> stratum_port, api_port;
  std::vector<std::string> bind;
};

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read config file " + path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Network: flag, else the config file's "network", else main. Then defaults
// for that network, the file on top, the flags on top of that.
PoolConfig build_config(const CliValues& v) {
  std::string file_text;
  std::string network = v.network;
  if (!v.config_file.empty()) {
    file_text = read_text(v.config_file);
    const auto j = nlohmann::json::parse(file_text, nullptr, false);
    if (network.empty() && j.is_object() && j.contains("network") && j["network"].is_string()) {
      network = j["network"].get<std::string>();
    }
  }
  if (network.empty()) network = "main";
  auto net = btr::pool::parse_network(network);
  if (!net.ok()) throw std::runtime_error(net.error());
  PoolConfig cfg = btr::pool::default_pool_config(*net);
  if (!file_text.empty()) {
    if (auto st = btr::pool::apply_config_json(file_text, cfg); !st.ok()) {
      throw std::runtime_error(st.error());
    }
    cfg.network = *net;
  }
  if (!v.datadir.empty()) cfg.datadir = v.datadir;
  if (!v.node_url.empty()) cfg.node_url = v.node_url;
  if (!v.node_cookie.empty()) {
    cfg.node_cookie = v.node_cookie;
    cfg.node_user.clear();
    cfg.node_password.clear();
  }
  if (!v.node_user.empty()) {
    cfg.node_user = v.node_user;
    cfg.node_password = v.node_password;
    cfg.node_cookie.clear();
  }
  if (!v.zmq.empty()) cfg.zmq_hashblock = v.zmq;
  if (!v.bind.empty()) cfg.bind = v.bind;
  if (v.stratum_port) {
    if (*v.stratum_port < 0 || *v.stratum_port > 65535)
      throw std::runtime_error("bad --stratum-port");
    cfg.ports.front().port = static_cast<uint16_t>(*v.stratum_port);
  }
  if (v.api_port) cfg.api_port = *v.api_port;
  if (auto st = btr::pool::validate_config(cfg); !st.ok()) throw std::runtime_error(st.error());
  return cfg;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"btr-pool: BitSilver Stratum v1 pool server (SOLO or PPLNS payouts, HTTP API)"};
  app.footer(btr::pool::pool_config_help());
  CliValues v;
  app.add_option("--network", v.network, "main | testnet | regtest (default main)");
  app.add_option("--datadir", v.datadir, "directory for pool.sqlite (default .)");
  app.add_option("--node-url", v.node_url, "btr-node JSON-RPC, http://HOST:PORT");
  app.add_option("--node-cookie", v.node_cookie, "btr-node cookie file (re-read on reconnect)");
  app.add_option("--node-user", v.node_user, "RPC user (instead of the cookie)");
  app.add_option("--node-password", v.node_password, "RPC password");
  app.add_option("--zmq-hashblock", v.zmq, "btr-node ZMQ hashblock endpoint, tcp://HOST:PORT");
  app.add_option("--stratum-port", v.stratum_port, "port of the first stratum port (default 3333)");
  app.add_option("--api-port", v.api_port, "HTTP port of the JSON API, /metrics and the dashboard (0 = off)");
  app.add_option("--bind", v.bind, "listen address, repeatable (default 0.0.0.0 and ::)");
  app.add_option("--config", v.config_file, "JSON config file (format below)");
  CLI11_PARSE(app, argc, argv);

  PoolConfig cfg;
  try {
    cfg = build_config(v);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "btr-pool: %s\n", e.what());
    return 1;
  }
  std::error_code ec;
  std::filesystem::create_directories(cfg.datadir, ec);

  uv_loop_t loop;
  uv_loop_init(&loop);
  int rc = 0;
  {
    btr::pool::PoolServer server(cfg, nullptr);
    btr::pool::pool_log("btr-pool starting: network %s, node %s, datadir %s",
                        btr::pool::network_name(cfg.network), cfg.node_url.c_str(),
                        cfg.datadir.c_str());
    if (auto st = server.start(&loop, /*handle_signals=*/true); !st.ok()) {
      btr::pool::pool_log("start failed: %s", st.error().c_str());
      server.request_stop();
      rc = 1;
    }
    uv_run(&loop, UV_RUN_DEFAULT);
  }
  uv_loop_close(&loop);
  btr::pool::pool_log("stopped");
  return rc;
}
