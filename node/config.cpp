#include "node/config.h"

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <fstream>

#include "node/tx_amount.h"

namespace btr::node {
namespace {

std::string trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  const size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// Finds "--name VALUE" or "--name=VALUE" (or "-name=VALUE", Core style) in argv.
std::optional<std::string> scan_arg(const std::vector<std::string>& args, const std::string& name) {
  std::optional<std::string> found;
  for (size_t i = 0; i < args.size(); ++i) {
    for (const std::string prefix : {"--", "-"}) {
      const std::string key = prefix + name;
      if (args[i] == key && i + 1 < args.size()) found = args[i + 1];
      if (args[i].rfind(key + "=", 0) == 0) found = args[i].substr(key.size() + 1);
    }
  }
  return found;
}

// Core accepts single-dash long options (-regtest, -datadir=x); CLI11 does
// not, so they are rewritten to the double-dash form.
std::string normalize_dash(const std::string& arg) {
  if (arg.size() > 2 && arg[0] == '-' && arg[1] != '-') {
    const size_t eq = arg.find('=');
    if (eq == std::string::npos ? arg.size() > 2 : eq > 2) return "-" + arg;
  }
  return arg;
}

// "key=value" lines to "--key=value" arguments.
std::vector<std::string> read_conf_file(const std::filesystem::path& path, bool* ok) {
  std::vector<std::string> out;
  std::ifstream in(path);
  *ok = static_cast<bool>(in);
  std::string line;
  while (std::getline(in, line)) {
    line = trim(line.substr(0, line.find('#')));
    if (line.empty() || line.front() == '[') continue;
    const size_t eq = line.find('=');
    if (eq == std::string::npos) {
      out.push_back("--" + line);
    } else {
      out.push_back("--" + trim(line.substr(0, eq)) + "=" + trim(line.substr(eq + 1)));
    }
  }
  return out;
}

void define_options(CLI::App& app, NodeConfig& c, std::string& datadir, std::string& conf,
                    bool& regtest, bool& testnet, std::string& minrelaytxfee) {
  app.option_defaults()->multi_option_policy(CLI::MultiOptionPolicy::TakeLast);
  app.add_option("--network,--chain", c.network, "Network: main, testnet or regtest (default main)")
      ->check(CLI::IsMember({"main", "testnet", "regtest", "test"}));
  app.add_flag("--regtest", regtest, "Same as --network regtest");
  app.add_flag("--testnet", testnet, "Same as --network testnet");
  app.add_option("--datadir", datadir,
                 "Data folder (default ~/.bitsilver); testnet and regtest use a sub-folder");
  app.add_option("--conf", conf, "Config file of key=value lines (default DATADIR/btr.conf)");
  app.add_option("--rpcport", c.rpcport,
                 "JSON-RPC port (default 8632, testnet 18632, regtest 18643; 0 = any free port, "
                 "written to DATADIR/rpcport)");
  app.add_option("--port", c.port, "P2P port (default 8633/18633/18644; 0 = any free port)");
  app.add_option("--bind", c.bind, "Accept P2P connections on this address (default: all)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--rpcbind", c.rpcbind, "Address to bind the RPC server to (default 127.0.0.1)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option(
         "--rpcallowip", c.rpcallowip,
         "Allow RPC clients from this IP or subnet (1.2.3.4, 1.2.3.0/24); loopback is always "
         "allowed")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--rpcuser", c.rpcuser, "RPC user name (else cookie authentication)");
  app.add_option("--rpcpassword", c.rpcpassword, "RPC password");
  app.add_option("--connect", c.connect,
                 "Connect only to this peer (repeatable; 0 = no automatic connections)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_option("--addnode", c.addnode,
                 "Add a peer to connect to and keep connected (repeatable)")
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  app.add_flag("--listen", c.listen,
               "Accept P2P connections (default 1)");
  app.add_option("--maxconnections", c.maxconnections,
                 "Maximum P2P connections (default 125: 8 outbound, the rest inbound)");
  app.add_option("--blocknotify", c.blocknotify,
                 "Run this shell command when the best block changes (%s = block hash)");
  app.add_option("--zmqpubhashblock", c.zmqpubhashblock,
                 "Publish hashblock on this ZMQ address (tcp://127.0.0.1:28332)");
  app.add_option("--zmqpubrawblock", c.zmqpubrawblock, "Publish rawblock on this ZMQ address");
  app.add_flag("--txindex", c.txindex, "Index all transactions for getrawtransaction (default 0)");
  app.add_option("--prune", c.prune_mib,
                 "Keep only the newest raw blocks within this many MiB (0 = keep all; the newest "
                 "288 blocks always stay); headers, index and UTXO set stay");
  app.add_flag("--printtoconsole", c.printtoconsole, "Log to stderr too (default 1)");
  app.add_flag("--debug", c.debug, "Log debug lines");
  app.add_flag("--verify-utxo", c.verify_utxo,
               "Rebuild the UTXO set by replaying the active chain from genesis, compare it with "
               "the stored one, print both hashes and exit (0 = equal)");
  app.add_option("--rpcservertimeout", c.rpcservertimeout,
                 "Seconds an idle RPC connection stays open (default 30)");
  app.add_option("--longpolltimeout", c.longpoll_timeout_s,
                 "Seconds a getblocktemplate long poll waits before answering (default 60)");
  app.add_option("--rpcmaxbody", c.rpc_max_body_bytes, "Largest RPC request body in bytes");
  app.add_option("--maxmempool", c.maxmempool_mb,
                 "Keep the transaction memory pool below this many megabytes (default 300)");
  app.add_option("--mempoolexpiry", c.mempoolexpiry_hours,
                 "Do not keep transactions in the mempool longer than this many hours (default "
                 "336)");
  app.add_option("--minrelaytxfee", minrelaytxfee,
                 "Lowest fee rate, in BTR per 1000 bytes, for relay and mempool (default 0.00001)");
  app.add_flag("--acceptnonstdtxn", c.acceptnonstdtxn,
               "Accept non-standard transactions into the mempool (default 0)");
  app.add_option("--limitancestorcount", c.limitancestorcount,
                 "Most in-mempool ancestors of a mempool transaction, itself included (default "
                 "25)");
  app.add_flag("--disablewallet", c.disablewallet,
               "Run without the wallet: no wallet.sqlite, no wallet RPCs (default 0)");
  app.add_option("--fallbackfee", c.fallbackfee,
                 "Wallet fee rate in BTR per 1000 bytes when estimatesmartfee has no estimate "
                 "(default 0.0002)");
  app.add_option("--limitdescendantcount", c.limitdescendantcount,
                 "Most in-mempool descendants of a mempool transaction, itself included (default "
                 "25)");
}

}  // namespace

std::filesystem::path default_base_datadir() {
  const char* home = std::getenv("HOME");
  return std::filesystem::path(home != nullptr ? home : ".") / ".bitsilver";
}

std::filesystem::path network_datadir(const std::filesystem::path& base,
                                      const std::string& network) {
  if (network == "regtest") return base / "regtest";
  if (network == "testnet") return base / "testnet3";
  return base;
}

ConfigParse parse_node_config(int argc, const char* const* argv) {
  std::vector<std::string> cmdline;
  for (int i = 1; i < argc; ++i) cmdline.push_back(normalize_dash(argv[i]));

  // The config file's location depends on --datadir/--conf from argv only.
  const std::filesystem::path base =
      scan_arg(cmdline, "datadir").value_or(default_base_datadir().string());
  const auto conf_arg = scan_arg(cmdline, "conf");
  const std::filesystem::path conf_path =
      conf_arg ? std::filesystem::path(*conf_arg) : base / "btr.conf";
  std::vector<std::string> args;
  bool conf_ok = false;
  if (std::filesystem::exists(conf_path)) {
    args = read_conf_file(conf_path, &conf_ok);
  } else if (conf_arg) {
    return {std::nullopt, 1, "Error: config file " + conf_path.string() + " not found"};
  }
  args.insert(args.end(), cmdline.begin(), cmdline.end());

  NodeConfig c;
  std::string datadir;
  std::string conf;
  bool regtest = false;
  bool testnet = false;
  CLI::App app("btr-node: BitSilver full node with the mining JSON-RPC interface", "btr-node");
  std::string minrelaytxfee;
  define_options(app, c, datadir, conf, regtest, testnet, minrelaytxfee);
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 parses a reversed vector
  try {
    app.parse(reversed);
  } catch (const CLI::CallForHelp&) {
    return {std::nullopt, 0, app.help()};
  } catch (const CLI::ParseError& e) {
    return {std::nullopt, 1,
            std::string("Error: ") + e.what() + "\nRun with --help for the options."};
  }
  if (regtest) c.network = "regtest";
  if (testnet) c.network = "testnet";
  if (c.network == "test") c.network = "testnet";
  c.datadir = network_datadir(datadir.empty() ? base : std::filesystem::path(datadir), c.network);
  c.conf = conf_ok ? conf_path : std::filesystem::path();
  if (!minrelaytxfee.empty()) {
    auto fee = parse_coin_amount(minrelaytxfee);
    if (!fee) return {std::nullopt, 1, "Error: Invalid amount for -minrelaytxfee=" + minrelaytxfee};
    c.minrelaytxfee_per_kb = *fee;
  }
  if (c.rpcuser.empty() != c.rpcpassword.empty()) {
    return {std::nullopt, 1, "Error: set both rpcuser and rpcpassword, or neither (cookie)"};
  }
  return {c, 0, ""};
}

}  // namespace btr::node
