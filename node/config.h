#pragma once
// btr-node's configuration: command line and config file share the option
// names, which follow Bitcoin Core's (rpcport, rpcbind, rpcallowip, ...). The
// config file holds "key=value" lines (# comments, [section] lines ignored);
// the command line wins over the file.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace btr::node {

struct NodeConfig {
  std::string network = "main";   // main | testnet | regtest
  std::filesystem::path datadir;  // the network's own folder (regtest/, testnet/ below the base)
  std::filesystem::path conf;
  std::optional<uint16_t> rpcport;  // default: the network's; 0 picks a free port
  std::optional<uint16_t> port;
  std::vector<std::string> rpcbind;
  std::vector<std::string> rpcallowip;
  std::string rpcuser;
  std::string rpcpassword;
  std::vector<std::string> connect;  // P2P: only these peers ("0": no automatic ones)
  std::vector<std::string> addnode;
  std::vector<std::string> bind;  // P2P listen addresses (default: all interfaces)
  bool listen = true;
  int maxconnections = 125;
  std::string blocknotify;
  std::string zmqpubhashblock;
  std::string zmqpubrawblock;
  bool txindex = false;
  uint64_t prune_mib = 0;
  bool printtoconsole = true;
  bool debug = false;
  bool verify_utxo = false;  // rebuild the UTXO set from the chain, compare, exit
  size_t rpc_max_body_bytes = 16 * 1024 * 1024;
  int rpcservertimeout = 30;
  int longpoll_timeout_s = 60;
  // Mempool policy (Core's names and defaults).
  uint64_t maxmempool_mb = 300;
  int64_t mempoolexpiry_hours = 336;
  int64_t minrelaytxfee_per_kb = 1000;  // from --minrelaytxfee in coins per kvB
  bool acceptnonstdtxn = false;
  size_t limitancestorcount = 25;
  size_t limitdescendantcount = 25;
  // Wallet (node/wallet/).
  bool disablewallet = false;
  std::string fallbackfee = "0.0002";  // coins per 1000 bytes when no estimate exists
};

struct ConfigParse {
  std::optional<NodeConfig> config;  // absent: exit with exit_code
  int exit_code = 0;
  std::string message;  // help text or error
};

// Parses argv (and the config file it names, or DATADIR/btr.conf).
ConfigParse parse_node_config(int argc, const char* const* argv);

// Default base data folder: $HOME/.bitsilver.
std::filesystem::path default_base_datadir();
// The network's folder below a base folder, as Core does (regtest/, testnet3/).
std::filesystem::path network_datadir(const std::filesystem::path& base,
                                      const std::string& network);

}  // namespace btr::node
