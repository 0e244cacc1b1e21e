// btr_node_bench: the issue-5 node benchmarks against a real btr-node
// process on loopback (regtest, temporary data folders), printed as JSON
// lines and a summary. Speed is measured here, never asserted by tests.
//   1. getblocktemplate latency p50/p99, empty mempool and 2,000 transactions
//   2. getbestblockhash latency at 100 calls per second (a polling pool)
//   3. submitblock of a new tip -> answer of a parked long poll
// Latencies run from sending the request to having the whole reply (not
// parsing it: that is the client's cost).
//   4. blocks connected per second: a 10,000-block regtest chain read back
//      from disk and submitted to a fresh node; plus the restart time of the
//      node holding that chain
// Usage: btr_node_bench [--blocks N] [--txs N]

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <future>
#include <thread>

#include "core/chain_params.h"
#include "core/hex.h"
#include "core/key.h"
#include "core/script/sign.h"
#include "test/node/net/node_process.h"
#include "test/node/regtest_key.h"

using btr::test::NodeProcess;
using nlohmann::json;
using Clock = std::chrono::steady_clock;
namespace core = btr::core;

namespace {

const char* kAddress = "mtVwi6aB1K4mZ4ziK27VgXGjdhLQ1V9iqs";  // the regtest pre-mine key's

[[noreturn]] void die(const std::string& why) {
  std::fprintf(stderr, "btr_node_bench: %s\n", why.c_str());
  std::exit(1);
}

// One keep-alive HTTP connection, as a pool keeps to its node.
class RpcConnection {
 public:
  RpcConnection(uint16_t port, std::string auth) : auth_(std::move(auth)) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) die("connect");
    int one = 1;
    setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~RpcConnection() { close(fd_); }
  RpcConnection(const RpcConnection&) = delete;
  RpcConnection& operator=(const RpcConnection&) = delete;

  json call(const std::string& method, const json& params = json::array()) {
    const json reply = json::parse(call_raw(method, params), nullptr, false);
    if (reply.is_discarded() || !reply["error"].is_null()) {
      die(method + " failed: " + (reply.is_discarded() ? "bad JSON" : reply["error"].dump()));
    }
    return reply["result"];
  }

  // The reply's bytes, unparsed: latency as the node delivers it (parsing
  // 750 kB of JSON is the client's cost, not the node's).
  std::string call_raw(const std::string& method, const json& params = json::array()) {
    const std::string body = json{{"id", 1}, {"method", method}, {"params", params}}.dump();
    const std::string req = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + auth_ +
                            "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
                            body;
    if (send(fd_, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) {
      die("send");
    }
    return read_body();
  }

 private:
  std::string read_body() {
    char chunk[65536];
    while (true) {
      const size_t head = buf_.find("\r\n\r\n");
      if (head != std::string::npos) {
        const size_t cl = buf_.find("Content-Length: ");
        const size_t len =
            cl == std::string::npos || cl > head ? 0 : std::stoul(buf_.substr(cl + 16));
        if (buf_.size() >= head + 4 + len) {
          std::string body = buf_.substr(head + 4, len);
          buf_.erase(0, head + 4 + len);
          return body;
        }
      }
      const ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) die("connection closed");
      buf_.append(chunk, static_cast<size_t>(n));
    }
  }

  int fd_ = -1;
  std::string auth_;
  std::string buf_;
};

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

struct Percentiles {
  double p50 = 0, p99 = 0, max = 0;
  size_t n = 0;
};

Percentiles percentiles(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  Percentiles p;
  p.n = v.size();
  if (v.empty()) return p;
  p.p50 = v[v.size() / 2];
  p.p99 = v[std::min(v.size() - 1, v.size() * 99 / 100)];
  p.max = v.back();
  return p;
}

void report(const std::string& name, const Percentiles& p, const std::string& extra = "") {
  std::printf(
      "{\"bench\": \"%s\", \"calls\": %zu, \"p50_ms\": %.3f, \"p99_ms\": %.3f, \"max_ms\": "
      "%.3f%s}\n",
      name.c_str(), p.n, p.p50, p.p99, p.max, extra.c_str());
  std::fflush(stdout);
}

Percentiles time_calls(RpcConnection& c, const std::string& method, const json& params, int n) {
  std::vector<double> samples;
  for (int i = 0; i < n; ++i) {
    const auto t0 = Clock::now();
    const std::string reply = c.call_raw(method, params);
    samples.push_back(ms_since(t0));
    if (reply.find("\"error\":null") == std::string::npos)
      die(method + ": " + reply.substr(0, 200));
  }
  return percentiles(samples);
}

// getbestblockhash paced at `rate` calls per second for `seconds`.
Percentiles paced_calls(RpcConnection& c, int rate, int seconds) {
  std::vector<double> samples;
  const auto period = std::chrono::microseconds(1'000'000 / rate);
  auto next = Clock::now();
  for (int i = 0; i < rate * seconds; ++i) {
    std::this_thread::sleep_until(next);
    next += period;
    const auto t0 = Clock::now();
    (void)c.call_raw("getbestblockhash");
    samples.push_back(ms_since(t0));
  }
  return percentiles(samples);
}

// Time from submitting a mined block to the answer of a parked long poll.
Percentiles submit_to_longpoll(NodeProcess& n, int rounds) {
  RpcConnection waiter(n.port(), btr::test::basic_auth(n.cookie()));
  RpcConnection miner(n.port(), btr::test::basic_auth(n.cookie()));
  std::vector<double> samples;
  for (int i = 0; i < rounds; ++i) {
    const std::string lpid =
        miner.call("getblocktemplate", json::array({json::object()}))["longpollid"];
    const std::string hex =
        miner.call("generateblock", json::array({kAddress, json::array(), false}))["hex"];
    Clock::time_point submitted;
    auto answered = std::async(std::launch::async, [&waiter, &lpid] {
      (void)waiter.call_raw("getblocktemplate", json::array({{{"longpollid", lpid}}}));
      return Clock::now();
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let it park
    submitted = Clock::now();
    miner.call("submitblock", json::array({hex}));
    samples.push_back(
        std::chrono::duration<double, std::milli>(answered.get() - submitted).count());
  }
  return percentiles(samples);
}

struct Coin {
  core::OutPoint outpoint;
  core::TxOut out;
};

core::Transaction signed_tx(const std::vector<Coin>& from, std::vector<core::TxOut> outs) {
  static const std::vector<core::PrivateKey> keys{btr::test::regtest_premine_key()};
  core::Transaction tx;
  for (const Coin& c : from) tx.inputs.push_back({c.outpoint, {}, core::TxIn::kFinalSequence});
  tx.outputs = std::move(outs);
  for (size_t i = 0; i < from.size(); ++i) {
    if (!core::script::sign_input(tx, i, from[i].out.script_pubkey, keys)) die("sign");
  }
  return tx;
}

// Fills the pool with `count` independent one-in one-out spends of the pre-mine.
void fill_mempool(RpcConnection& c, int count) {
  const core::Block& genesis = core::chain_params(core::Network::kRegtest).genesis;
  const Coin premine{{genesis.transactions[0].txid(), 0}, genesis.transactions[0].outputs[0]};
  const core::Script& script = premine.out.script_pubkey;
  const int fan = 50;
  const int groups = (count + fan - 1) / fan;
  std::vector<core::TxOut> outs(static_cast<size_t>(groups),
                                core::TxOut{100 * core::kCoin, script});
  outs.push_back({premine.out.value - groups * 100 * core::kCoin - core::kCoin / 100, script});
  const core::Transaction split = signed_tx({premine}, outs);
  c.call("sendrawtransaction", json::array({core::to_hex(split.serialize())}));
  // Mined before the fan-out: 40 children of one pool parent would pass
  // the 25-descendant limit.
  c.call("generatetoaddress", json::array({1, kAddress}));
  std::vector<core::Transaction> fans;
  for (int g = 0; g < groups; ++g) {
    const Coin in{{split.txid(), static_cast<uint32_t>(g)}, split.outputs[static_cast<size_t>(g)]};
    std::vector<core::TxOut> fo(fan, core::TxOut{(in.out.value - 100'000) / fan, script});
    fans.push_back(signed_tx({in}, fo));
    c.call("sendrawtransaction", json::array({core::to_hex(fans.back().serialize())}));
  }
  c.call("generatetoaddress", json::array({1, kAddress}));
  int sent = 0;
  for (const core::Transaction& f : fans) {
    for (uint32_t i = 0; i < f.outputs.size() && sent < count; ++i, ++sent) {
      const Coin in{{f.txid(), i}, f.outputs[i]};
      // Varied fees so selection has work to do.
      const core::Amount fee = 1'000 + (sent * 7919) % 50'000;
      const core::Transaction tx = signed_tx({in}, {{in.out.value - fee, script}});
      c.call("sendrawtransaction", json::array({core::to_hex(tx.serialize())}));
    }
  }
}

void sync_bench(int blocks) {
  std::vector<std::string> raw_blocks;
  const std::filesystem::path file =
      std::filesystem::temp_directory_path() / "btr_bench_blocks.hex";
  {
    NodeProcess a;
    if (!a.start()) die("start node A");
    RpcConnection c(a.port(), btr::test::basic_auth(a.cookie()));
    const auto t0 = Clock::now();
    for (int done = 0; done < blocks; done += 1000) {
      c.call("generatetoaddress", json::array({std::min(1000, blocks - done), kAddress}));
    }
    const double gen_s = ms_since(t0) / 1000;
    std::printf("{\"bench\": \"generate_chain\", \"blocks\": %d, \"seconds\": %.2f}\n", blocks,
                gen_s);
    // The chain, as raw blocks, to a file on disk.
    std::ofstream out(file);
    for (int h = 1; h <= blocks; ++h) {
      const std::string hash = c.call("getblockhash", json::array({h}));
      out << c.call("getblock", json::array({hash, 0})).get<std::string>() << "\n";
    }
    a.terminate();
    // Restart: the node loads the 10,000-block index and checks the tip.
    const auto r0 = Clock::now();
    if (!a.start()) die("restart node A");
    RpcConnection again(a.port(), btr::test::basic_auth(a.cookie()));
    again.call("getblockcount");
    std::printf("{\"bench\": \"restart_with_chain\", \"blocks\": %d, \"ms_to_rpc\": %.1f}\n",
                blocks, ms_since(r0));
    a.terminate();
  }
  NodeProcess b;
  if (!b.start()) die("start node B");
  RpcConnection c(b.port(), btr::test::basic_auth(b.cookie()));
  std::ifstream in(file);
  std::string line;
  int connected = 0;
  const auto t0 = Clock::now();
  while (std::getline(in, line)) {
    const json r = c.call("submitblock", json::array({line}));
    if (!r.is_null()) die("submitblock: " + r.dump());
    ++connected;
  }
  const double secs = ms_since(t0) / 1000;
  std::printf(
      "{\"bench\": \"sync_from_disk\", \"blocks\": %d, \"seconds\": %.2f, \"blocks_per_s\": "
      "%.0f}\n",
      connected, secs, connected / secs);
  b.terminate();
  std::filesystem::remove(file);
}

}  // namespace

int main(int argc, char** argv) {
  int blocks = 10'000;
  int txs = 2'000;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i];
    if (a == "--blocks") blocks = std::atoi(argv[i + 1]);
    if (a == "--txs") txs = std::atoi(argv[i + 1]);
  }
  {
    NodeProcess n({"--printtoconsole=0"});
    if (!n.start()) die("start node");
    RpcConnection c(n.port(), btr::test::basic_auth(n.cookie()));
    c.call("generatetoaddress", json::array({101, kAddress}));
    const json gbt = json::array({json::object()});
    time_calls(c, "getblocktemplate", gbt, 50);  // warm-up
    report("getblocktemplate_empty_mempool", time_calls(c, "getblocktemplate", gbt, 1000));
    report("getbestblockhash_100_per_s", paced_calls(c, 100, 10));
    report("submitblock_to_longpoll_empty_mempool", submit_to_longpoll(n, 20));
    fill_mempool(c, txs);
    const json info = c.call("getmempoolinfo");
    const json t = c.call("getblocktemplate", gbt);
    const std::string extra = ", \"mempool_txs\": " + info["size"].dump() +
                              ", \"template_txs\": " + std::to_string(t["transactions"].size());
    report("getblocktemplate_" + std::to_string(txs) + "_txs",
           time_calls(c, "getblocktemplate", gbt, 200), extra);
    report("getbestblockhash_100_per_s_full_mempool", paced_calls(c, 100, 5));
    report("submitblock_to_longpoll_" + std::to_string(txs) + "_txs", submit_to_longpoll(n, 20),
           extra);
    n.terminate();
  }
  sync_bench(blocks);
  return 0;
}
