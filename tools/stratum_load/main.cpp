// btr-stratum-load: Stratum v1 load generator for btr-pool, loopback only.
//   btr-stratum-load --port 3333 --connections 2000 --rate 2000 --valid-rate 5 --duration 30
// With --fake-node-port it also plays btr-node for the pool (start the pool
// with --node-url http://127.0.0.1:PORT) and makes a new block every
// --block-interval seconds to time the clean_jobs notify fan-out.
// --threads N shards the connections over N libuv loops, one thread each,
// so the tool's own reading and parsing keeps up with the pool's fan-out.
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
#include <vector>

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

// One client thread: its own loop and LoadRun over a share of the
// connections. The main thread tells it to stop through `stop`.
struct Worker {
  uv_loop_t loop{};
  uv_async_t stop{};
  std::unique_ptr<LoadRun> run;
  std::thread thread;
};

// Shard i of n: the connections, rates and connect batch divided so that
// all shards together do what the options ask.
LoadOptions shard(const LoadOptions& all, int i, int n) {
  LoadOptions o = all;
  o.connections = all.connections / n + (i < all.connections % n ? 1 : 0);
  o.share_rate = all.share_rate / n;
  o.valid_rate = all.valid_rate / n;
  o.connect_batch = std::max(1, (all.connect_batch + n - 1) / n);
  return o;
}

// The main thread's loop: the end of the run and the fake node's blocks.
// The block triggers stay on this thread: the client threads record the
// absolute arrival time of each clean notify, and merge_stats() times them
// against the triggers after the run -- no locking on the client threads'
// hot path, and no race between a trigger and the first notify it causes.
struct Context {
  std::vector<std::unique_ptr<Worker>>* workers;
  LoadFakeNode* node;
  int pool_pid;
  Rss pool_loaded;  // sampled just before the connections close
  std::vector<BlockTrigger> triggers;
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
  int threads = 1;
  app.add_option("--threads", threads, "client threads (libuv loops) sharing the connections")
      ->check(CLI::Range(1, 64));
  CLI11_PARSE(app, argc, argv);
  threads = std::max(1, std::min(threads, opt.connections));

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
  std::vector<std::unique_ptr<Worker>> workers;
  for (int i = 0; i < threads; ++i) {
    auto w = std::make_unique<Worker>();
    uv_loop_init(&w->loop);
    w->run = std::make_unique<LoadRun>(&w->loop, shard(opt, i, threads));
    w->run->start();
    uv_async_init(&w->loop, &w->stop, [](uv_async_t* a) {
      static_cast<Worker*>(a->data)->run->stop();
      uv_close(reinterpret_cast<uv_handle_t*>(a), nullptr);
    });
    w->stop.data = w.get();
    workers.push_back(std::move(w));
  }
  for (auto& w : workers) {
    w->thread = std::thread([loop = &w->loop] { uv_run(loop, UV_RUN_DEFAULT); });
  }

  uv_loop_t loop;
  uv_loop_init(&loop);
  Context ctx{&workers, node.get(), pool_pid, {}, {}};
  uv_timer_t end_timer, block_timer;
  uv_timer_init(&loop, &end_timer);
  end_timer.data = &ctx;
  uv_timer_start(
      &end_timer,
      [](uv_timer_t* t) {
        auto* c = static_cast<Context*>(t->data);
        c->pool_loaded = read_rss(c->pool_pid);
        for (auto& w : *c->workers) uv_async_send(&w->stop);
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
          // Taken before the node moves: no notify can arrive before it.
          const int64_t at = now_us();
          c->node->advance_tip();
          c->triggers.push_back(BlockTrigger{c->node->tip_display_hex(), at});
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
  for (auto& w : workers) {
    w->thread.join();
    uv_loop_close(&w->loop);
  }
  rusage after{};
  getrusage(RUSAGE_SELF, &after);

  std::vector<const LoadStats*> parts;
  for (const auto& w : workers) parts.push_back(&w->run->stats());
  const LoadStats s = merge_stats(parts, ctx.triggers);
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
  if (s.notify_parsed > 0) {
    // Notifies the fast scan did not know: the full parser read them (still
    // timed correctly, only slower). Worth knowing when the figures look off.
    std::fprintf(stderr, "note: %llu of %llu notifies needed the full parser\n",
                 static_cast<unsigned long long>(s.notify_parsed),
                 static_cast<unsigned long long>(s.notify_parsed + s.notify_scanned));
  }
  if (s.answer_parsed > 0) {
    std::fprintf(stderr, "note: %llu of %llu share answers needed the full parser\n",
                 static_cast<unsigned long long>(s.answer_parsed),
                 static_cast<unsigned long long>(s.answer_parsed + s.answer_scanned));
  }
  if (node) {
    std::printf("fake node: %llu submitblock calls\n",
                static_cast<unsigned long long>(node->submitted()));
  }
  return 0;
}
