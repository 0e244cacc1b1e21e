// btr-stratum-load: Stratum v1 load generator for btr-pool, loopback only.
//   btr-stratum-load --port 3333 --connections 2000 --rate 2000 --valid-rate 5 --duration 30
// With --fake-node-port it also plays btr-node for the pool (start the pool
// with --node-url http://127.0.0.1:PORT) and makes a new block every
// --block-interval seconds to time the clean_jobs notify fan-out.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <memory>
#include <thread>

#include "tools/stratum_load/fake_node.h"
#include "tools/stratum_load/load_client.h"

using namespace btr::tools;

namespace {

bool pool_accepts(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}

double percentile(std::vector<uint32_t> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto i = static_cast<size_t>(p * static_cast<double>(v.size() - 1));
  return v[i] / 1000.0;  // ms
}

// VmRSS and VmHWM (peak) of a process in KiB from /proc; 0 when unreadable.
struct Rss {
  uint64_t now_kib = 0, peak_kib = 0;
};
Rss read_rss(int pid) {
  Rss r;
  if (pid <= 0) return r;
  FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/status").c_str(), "r");
  if (f == nullptr) return r;
  char line[256];
  while (std::fgets(line, sizeof line, f) != nullptr) {
    unsigned long long kib = 0;
    if (std::sscanf(line, "VmRSS: %llu kB", &kib) == 1) r.now_kib = kib;
    if (std::sscanf(line, "VmHWM: %llu kB", &kib) == 1) r.peak_kib = kib;
  }
  std::fclose(f);
  return r;
}

struct Context {
  LoadRun* run;
  LoadFakeNode* node;
  int pool_pid;
  Rss pool_loaded;  // sampled just before the connections close
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"btr-stratum-load: Stratum v1 load generator (127.0.0.1 only)"};
  LoadOptions opt;
  int fake_port = -1;
  uint32_t fake_bits = 0x1d00ffff;
  int fake_txs = 2000;
  double block_interval = 0;
  double wait_pool = 30;
  app.add_option("--port", opt.port, "pool stratum port on 127.0.0.1");
  app.add_option("--connections", opt.connections, "connections to open");
  app.add_option("--rate", opt.share_rate, "random-nonce shares per second (all connections)");
  app.add_option("--valid-rate", opt.valid_rate, "valid, searched-for shares per second");
  app.add_option("--duration", opt.duration_s, "seconds to run (after the pool accepts)");
  app.add_option("--user", opt.username, "username ADDRESS[.worker] (default: regtest test key)");
  app.add_option("--suggest", opt.suggest_difficulty, "mining.suggest_difficulty (0 = none)");
  app.add_option("--batch", opt.connect_batch, "connections opened per 10 ms");
  app.add_option("--fake-node-port", fake_port, "also serve a fake btr-node here (0 = any)");
  app.add_option("--fake-node-bits", fake_bits, "fake node template bits (default 0x1d00ffff)");
  app.add_option("--fake-node-txs", fake_txs, "transactions per fake template (default 2000)");
  app.add_option("--block-interval", block_interval, "fake node: new block every N s (0 = none)");
  app.add_option("--wait-pool", wait_pool, "seconds to wait for the pool port to accept");
  int pool_pid = 0;
  app.add_option("--pool-pid", pool_pid,
                 "btr-pool's process id: report its RSS before, with all connections, and peak");
  CLI11_PARSE(app, argc, argv);

  std::unique_ptr<LoadFakeNode> node;
  if (fake_port >= 0) {
    node = std::make_unique<LoadFakeNode>(static_cast<uint16_t>(fake_port), fake_bits, fake_txs);
    if (!node->ok()) {
      std::fprintf(stderr, "cannot listen on 127.0.0.1:%d\n", fake_port);
      return 1;
    }
    std::printf("fake node: http://127.0.0.1:%u (%d transactions per template)\n", node->port(),
                fake_txs);
    std::fflush(stdout);
  }
  const auto wait_until = std::chrono::steady_clock::now() +
                          std::chrono::milliseconds(static_cast<int64_t>(wait_pool * 1000));
  while (!pool_accepts(opt.port)) {
    if (std::chrono::steady_clock::now() > wait_until) {
      std::fprintf(stderr, "pool at 127.0.0.1:%u does not accept connections\n", opt.port);
      return 1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (node) std::this_thread::sleep_for(std::chrono::seconds(1));  // first template

  const Rss pool_before = read_rss(pool_pid);
  rusage before{};
  getrusage(RUSAGE_SELF, &before);
  uv_loop_t loop;
  uv_loop_init(&loop);
  LoadRun run(&loop, opt);
  Context ctx{&run, node.get(), pool_pid, {}};
  run.start();
  uv_timer_t end_timer, block_timer;
  uv_timer_init(&loop, &end_timer);
  end_timer.data = &ctx;
  uv_timer_start(
      &end_timer,
      [](uv_timer_t* t) {
        auto* c = static_cast<Context*>(t->data);
        c->pool_loaded = read_rss(c->pool_pid);
        c->run->stop();
        uv_close(reinterpret_cast<uv_handle_t*>(t), nullptr);
      },
      static_cast<uint64_t>(opt.duration_s * 1000), 0);
  uv_timer_init(&loop, &block_timer);
  block_timer.data = &ctx;
  if (node && block_interval > 0) {
    const auto ms = static_cast<uint64_t>(block_interval * 1000);
    uv_timer_start(
        &block_timer,
        [](uv_timer_t* t) {
          auto* c = static_cast<Context*>(t->data);
          c->node->advance_tip();
          c->run->block_triggered(c->node->tip_display_hex());
        },
        ms, ms);
  }
  // The block timer must not keep the loop alive after the end timer fired.
  uv_unref(reinterpret_cast<uv_handle_t*>(&block_timer));
  uv_run(&loop, UV_RUN_DEFAULT);
  const Rss pool_loaded = ctx.pool_loaded;
  uv_close(reinterpret_cast<uv_handle_t*>(&block_timer), nullptr);
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
  rusage after{};
  getrusage(RUSAGE_SELF, &after);

  const LoadStats& s = run.stats();
  auto secs = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6;
  };
  const double user = secs(after.ru_utime) - secs(before.ru_utime);
  const double sys = secs(after.ru_stime) - secs(before.ru_stime);
  std::printf(
      "connections: requested %d, connected %llu, got work %llu, closed by pool %llu, "
      "failed %llu\n",
      opt.connections, static_cast<unsigned long long>(s.connected),
      static_cast<unsigned long long>(s.ready), static_cast<unsigned long long>(s.closed),
      static_cast<unsigned long long>(s.connect_failed));
  std::printf(
      "shares: sent %llu (valid searched %llu), answered %llu (%.0f/s), accepted %llu, "
      "rejected %llu",
      static_cast<unsigned long long>(s.sent), static_cast<unsigned long long>(s.valid_sent),
      static_cast<unsigned long long>(s.answered), static_cast<double>(s.answered) / opt.duration_s,
      static_cast<unsigned long long>(s.accepted), static_cast<unsigned long long>(s.rejected));
  for (const auto& [code, n] : s.rejected_by_code) {
    std::printf(" [%d: %llu]", code, static_cast<unsigned long long>(n));
  }
  std::printf("\nshare reply latency ms: p50 %.3f p99 %.3f max %.3f\n",
              percentile(s.latency_us, 0.5), percentile(s.latency_us, 0.99),
              percentile(s.latency_us, 1.0));
  for (const auto& b : s.blocks) {
    std::printf(
        "new block %.16s...: clean notify at %zu of %llu connections; from %s: p50 %.1f ms "
        "p99 %.1f ms max %.1f ms\n",
        b.prevhash.c_str(), b.delay_us.size(), static_cast<unsigned long long>(s.ready),
        b.trigger_us != 0 ? "block" : "first arrival", percentile(b.delay_us, 0.5),
        percentile(b.delay_us, 0.99), percentile(b.delay_us, 1.0));
  }
  std::printf("load generator CPU: user %.2f s + sys %.2f s over %.1f s = %.0f%% of one core\n",
              user, sys, opt.duration_s, 100.0 * (user + sys) / opt.duration_s);
  if (pool_pid > 0) {
    auto mib = [](uint64_t kib) { return static_cast<double>(kib) / 1024.0; };
    const auto miners = static_cast<double>(std::max<uint64_t>(s.ready, 1));
    const double each = static_cast<double>(pool_loaded.now_kib) * 1024.0 / miners;
    const double added =
        (static_cast<double>(pool_loaded.now_kib) - static_cast<double>(pool_before.now_kib)) *
        1024.0 / miners;
    std::printf(
        "pool RSS: %.1f MiB before, %.1f MiB with %llu miners (%.0f bytes each, %.0f added "
        "each), peak %.1f MiB\n",
        mib(pool_before.now_kib), mib(pool_loaded.now_kib),
        static_cast<unsigned long long>(s.ready), each, added, mib(pool_loaded.peak_kib));
  }
  if (node) {
    std::printf("fake node: %llu submitblock calls\n",
                static_cast<unsigned long long>(node->submitted()));
  }
  return 0;
}
