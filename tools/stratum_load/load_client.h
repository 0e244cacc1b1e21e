#pragma once
// The load generator's client side: N Stratum connections on one libuv loop
// (127.0.0.1 only) that handshake as ESP-Miner does, then submit shares at
// an aggregate rate -- random-nonce ones (the pool must rebuild and hash each
// before refusing it) and valid ones searched for with core's SHA256d on the
// libuv thread pool -- and measure reply latency and new-block notify fan-out.
// Several LoadRuns, each on its own loop and thread, can share the
// connections (--threads); merge_stats() combines their figures.

#include <uv.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/uint256.h"
#include "stratum/messages.h"

namespace btr::tools {

struct LoadOptions {
  uint16_t port = 3333;
  int connections = 100;
  double share_rate = 100;  // random-nonce shares per second, all connections together
  double valid_rate = 1;    // valid (searched) shares per second
  double duration_s = 30;
  std::string username = "mtVwi6aB1K4mZ4ziK27VgXGjdhLQ1V9iqs";
  double suggest_difficulty = 0.00001;
  int connect_batch = 500;  // connections opened per 10 ms
};

struct LoadStats {
  uint64_t connected = 0, connect_failed = 0, ready = 0, closed = 0;
  uint64_t sent = 0, valid_sent = 0, answered = 0, accepted = 0, rejected = 0;
  // Notifies read by the fast scan, and those that needed the full parser.
  uint64_t notify_scanned = 0, notify_parsed = 0;
  // Share answers read by the fast scan, and those that needed the full
  // parser.
  uint64_t answer_scanned = 0, answer_parsed = 0;
  std::map<int, uint64_t> rejected_by_code;
  std::vector<uint32_t> latency_us;  // per answered share
  // One run's raw record of a new block: when each connection's clean
  // notify for a new prevhash arrived (steady clock, us). Kept absolute so
  // the runs of several threads can be timed against one trigger list.
  struct Arrivals {
    core::Hash256 prev_block;
    std::vector<int64_t> at_us;
  };
  std::vector<Arrivals> arrivals;
  // New blocks, filled by merge_stats(): per block, the delay of each
  // connection's clean notify.
  struct Block {
    std::string prevhash;    // display hex
    int64_t trigger_us = 0;  // 0: not triggered by us
    int64_t first_us = 0;
    std::vector<uint32_t> delay_us;  // from trigger (or first arrival)
  };
  std::vector<Block> blocks;
};

// A new block made by the fake node: its hash (display hex) and when.
struct BlockTrigger {
  std::string prevhash;
  int64_t at_us = 0;
};

class LoadRun {
 public:
  LoadRun(uv_loop_t* loop, LoadOptions options);
  ~LoadRun();
  // start() and stop() run on the loop's thread (or before it runs).
  void start();
  void stop();
  const LoadStats& stats() const { return stats_; }

  struct Conn;

 private:
  friend struct LoadCallbacks;
  void open_some();
  void on_tick();
  void on_line(Conn& c, std::string_view line, int64_t arrival_us);
  void on_notify(Conn& c, std::string_view job_id, const core::Hash256& prev, uint32_t ntime,
                 bool clean, int64_t arrival_us);
  const stratum::Notify* full_job(Conn& c);
  // Counts one share's answer (false: not a share we are waiting for);
  // error_code is set when the pool refused it.
  bool on_answer(Conn& c, int64_t id, std::optional<int> error_code, int64_t arrival_us);
  void send(Conn& c, std::string_view text);
  void send_random_share(Conn& c);
  void start_search(Conn& c);
  Conn* next_ready();

  uv_loop_t* loop_;
  LoadOptions opt_;
  LoadStats stats_;
  std::vector<std::unique_ptr<Conn>> conns_;
  size_t rr_ = 0;
  int opened_ = 0;
  uv_timer_t tick_{};
  int64_t start_us_ = 0;
  double random_due_ = 0, valid_due_ = 0;
  int64_t last_tick_us_ = 0;
  std::mt19937_64 rng_;
  bool stopping_ = false;
  // The loop's read buffer: every read callback on this loop fills it and
  // consumes it before returning (one per run, not static: one per thread).
  std::vector<char> read_buf_ = std::vector<char>(65536);
  // Where each outgoing share line is built; send() copies it only when the
  // socket does not take it at once.
  std::string line_buf_;
};

// Adds up the runs' counters and samples, and times each new block's clean
// notifies from its trigger -- or, for a block nobody here triggered, from
// its first arrival at any run. Blocks come out in time order.
LoadStats merge_stats(std::span<const LoadStats* const> runs,
                      const std::vector<BlockTrigger>& triggers);

int64_t now_us();

}  // namespace btr::tools
