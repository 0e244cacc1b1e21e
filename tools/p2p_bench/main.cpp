// btr-p2p-bench: initial block download over loopback.
//
//   btr-p2p-bench --node=build/node/btr-node [--blocks=20000] [--txs=4]
//                 [--servers=1,2,4] [--workdir=/tmp/btr-p2p-bench]
//
// 1. A source node mines a regtest chain of --blocks blocks; after block 101
//    every block carries --txs transactions (chains of spends of the
//    pre-mine, signed with the published regtest key).
// 2. Its data folder is copied to up to max(servers) serving nodes.
// 3. For each count in --servers, a fresh node with --connect to that many
//    servers syncs the whole chain; the time from its start to the last
//    block gives blocks per second.

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/address.h"
#include "core/chain_params.h"
#include "core/crypto/sha256.h"
#include "core/hex.h"
#include "core/key.h"
#include "core/script.h"
#include "core/script/sign.h"
#include "tools/p2p_bench/node_runner.h"

namespace btr::tools {
namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string node;
  int blocks = 20000;
  int txs = 4;
  std::vector<int> servers = {1, 2, 4};
  std::filesystem::path workdir = "/tmp/btr-p2p-bench";
};

std::optional<Options> parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const size_t eq = a.find('=');
    const std::string key = a.substr(0, eq);
    const std::string val = eq == std::string::npos ? "" : a.substr(eq + 1);
    if (key == "--node")
      o.node = val;
    else if (key == "--blocks")
      o.blocks = std::atoi(val.c_str());
    else if (key == "--txs")
      o.txs = std::atoi(val.c_str());
    else if (key == "--workdir")
      o.workdir = val;
    else if (key == "--servers") {
      o.servers.clear();
      std::stringstream ss(val);
      std::string part;
      while (std::getline(ss, part, ',')) o.servers.push_back(std::atoi(part.c_str()));
    } else {
      return std::nullopt;
    }
  }
  if (o.node.empty() || o.blocks < 110 || o.txs < 1 || o.servers.empty()) return std::nullopt;
  return o;
}

class ChainBuilder {
 public:
  explicit ChainBuilder(int txs_per_block)
      : params_(core::chain_params(core::Network::kRegtest)), txs_(txs_per_block) {
    constexpr std::string_view kSeed = "BitSilver regtest pre-mine";
    const core::Hash256 secret =
        core::sha256({reinterpret_cast<const uint8_t*>(kSeed.data()), kSeed.size()});
    key_.push_back(*core::PrivateKey::from_bytes(secret.bytes));
    script_ = core::p2pkh_script(key_[0].public_key().id().bytes);
    core::Address a;
    a.hash = key_[0].public_key().id();
    address_ = core::encode_address(a, params_.prefixes);
  }

  const std::string& address() const { return address_; }

  // Splits the pre-mine into one output per transaction chain.
  std::string split_premine() {
    const core::Transaction& premine = params_.genesis.transactions[0];
    core::Transaction tx;
    tx.inputs.push_back({{premine.txid(), 0}, {}, core::TxIn::kFinalSequence});
    const core::Amount each = (premine.outputs[0].value - core::kCoin) / txs_;
    for (int i = 0; i < txs_; ++i) tx.outputs.push_back({each, script_});
    sign(tx, premine.outputs[0].script_pubkey);
    for (int i = 0; i < txs_; ++i) {
      heads_.push_back({{tx.txid(), static_cast<uint32_t>(i)}, each});
    }
    return core::to_hex(tx.serialize());
  }

  // One spend per chain: the next block's transactions.
  std::vector<std::string> next_block_txs() {
    std::vector<std::string> out;
    for (auto& [outpoint, value] : heads_) {
      core::Transaction tx;
      tx.inputs.push_back({outpoint, {}, core::TxIn::kFinalSequence});
      tx.outputs.push_back({value - 1000, script_});
      sign(tx, script_);
      outpoint = {tx.txid(), 0};
      value -= 1000;
      out.push_back(core::to_hex(tx.serialize()));
    }
    return out;
  }

 private:
  void sign(core::Transaction& tx, const core::Script& spent) {
    if (!core::script::sign_input(tx, 0, spent, key_).ok()) {
      std::fprintf(stderr, "signing failed\n");
      std::exit(1);
    }
  }

  const core::ChainParams& params_;
  int txs_;
  std::vector<core::PrivateKey> key_;
  core::Script script_;
  std::string address_;
  std::vector<std::pair<core::OutPoint, core::Amount>> heads_;
};

bool ok(const nlohmann::json& reply, const char* what) {
  if (reply.contains("error") && !reply["error"].is_null()) {
    std::fprintf(stderr, "%s: %s\n", what, reply["error"].dump().c_str());
    return false;
  }
  return true;
}

int64_t count_of(NodeRunner& n) {
  const auto r = n.call("getblockcount")["result"];
  return r.is_number_integer() ? r.get<int64_t>() : -1;
}

bool build_source(const Options& o, NodeRunner& source) {
  ChainBuilder builder(o.txs);
  const auto t0 = Clock::now();
  if (!ok(source.call("generatetoaddress", {100, builder.address()}), "generatetoaddress")) {
    return false;
  }
  if (!ok(source.call("generateblock", {builder.address(), {builder.split_premine()}}),
          "generateblock split")) {
    return false;
  }
  for (int64_t h = count_of(source); h < o.blocks; ++h) {
    if (!ok(source.call("generateblock", {builder.address(), builder.next_block_txs()}),
            "generateblock")) {
      return false;
    }
    if ((h + 1) % 1000 == 0) {
      std::fprintf(stderr, "  built %lld blocks\n", static_cast<long long>(h + 1));
    }
  }
  const double s = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("source chain: %d blocks, %d tx/block after 101, built in %.1f s\n", o.blocks, o.txs,
              s);
  return count_of(source) == o.blocks;
}

void copy_chain(const std::filesystem::path& from, const std::filesystem::path& to) {
  std::filesystem::create_directories(to / "regtest");
  for (const auto& e : std::filesystem::directory_iterator(from / "regtest")) {
    const std::string name = e.path().filename().string();
    if (name.rfind("chainstate", 0) == 0) {
      std::filesystem::copy(e.path(), to / "regtest" / name,
                            std::filesystem::copy_options::overwrite_existing);
    }
  }
}

double time_sync(const Options& o, std::vector<std::unique_ptr<NodeRunner>>& servers, int n) {
  std::vector<std::string> args;
  for (int i = 0; i < n; ++i) {
    args.push_back("--connect=127.0.0.1:" +
                   std::to_string(servers[static_cast<size_t>(i)]->p2p_port()));
  }
  const auto base = o.workdir / ("sync" + std::to_string(n));
  std::filesystem::remove_all(base);
  NodeRunner sync(o.node, base, args);
  const auto t0 = Clock::now();
  if (!sync.start()) return -1;
  while (count_of(sync) < o.blocks) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    if (Clock::now() - t0 > std::chrono::minutes(30)) return -1;
  }
  const double s = std::chrono::duration<double>(Clock::now() - t0).count();
  sync.stop();
  std::filesystem::remove_all(base);
  return s;
}

int run(const Options& o) {
  std::filesystem::remove_all(o.workdir);
  NodeRunner source(o.node, o.workdir / "source", {"--connect=0"});
  if (!source.start()) {
    std::fprintf(stderr, "cannot start %s\n", o.node.c_str());
    return 1;
  }
  if (!build_source(o, source)) return 1;
  source.stop();
  int max_servers = 0;
  for (int n : o.servers) max_servers = std::max(max_servers, n);
  std::vector<std::unique_ptr<NodeRunner>> servers;
  for (int i = 0; i < max_servers; ++i) {
    const auto base = o.workdir / ("server" + std::to_string(i));
    copy_chain(o.workdir / "source", base);
    servers.push_back(
        std::make_unique<NodeRunner>(o.node, base, std::vector<std::string>{"--connect=0"}));
    if (!servers.back()->start()) return 1;
  }
  std::printf("%-8s %-10s %-10s\n", "servers", "seconds", "blocks/s");
  for (int n : o.servers) {
    const double s = time_sync(o, servers, n);
    if (s < 0) {
      std::fprintf(stderr, "sync from %d servers failed\n", n);
      return 1;
    }
    std::printf("%-8d %-10.2f %-10.1f\n", n, s, o.blocks / s);
    std::fflush(stdout);
  }
  for (auto& s : servers) s->stop();
  std::filesystem::remove_all(o.workdir);
  return 0;
}

}  // namespace
}  // namespace btr::tools

int main(int argc, char** argv) {
  auto o = btr::tools::parse(argc, argv);
  if (!o) {
    std::fprintf(stderr,
                 "usage: btr-p2p-bench --node=PATH/btr-node [--blocks=20000] [--txs=4] "
                 "[--servers=1,2,4] [--workdir=DIR]\n");
    return 2;
  }
  return btr::tools::run(*o);
}
