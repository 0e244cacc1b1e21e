#pragma once
// The load generator's client side: N Stratum connections on one libuv loop
// (127.0.0.1 only) that handshake as ESP-Miner does, then submit shares at
// an aggregate rate -- random-nonce ones (the pool must rebuild and hash each
// before refusing it) and valid ones searched for with core's SHA256d on the
// libuv thread pool -- and measure reply latency and new-block notify fan-out.

#include <uv.h>

#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

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
  std::map<int, uint64_t> rejected_by_code;
  std::vector<uint32_t> latency_us;  // per answered share
  // New blocks: per block, the delay of each connection's clean notify.
  struct Block {
    std::string prevhash;
    int64_t trigger_us = 0;  // 0: not triggered by us
    int64_t first_us = 0;
    std::vector<uint32_t> delay_us;  // from trigger (or first arrival)
  };
  std::vector<Block> blocks;
};

class LoadRun {
 public:
  LoadRun(uv_loop_t* loop, LoadOptions options);
  ~LoadRun();
  void start();
  // Records that a new block was made at this moment with this prevhash
  // (display hex), to time the clean notifies against it.
  void block_triggered(const std::string& prev_display_hex);
  void stop();
  const LoadStats& stats() const { return stats_; }

  struct Conn;

 private:
  friend struct LoadCallbacks;
  void open_some();
  void on_tick();
  void on_line(Conn& c, std::string_view line);
  void send(Conn& c, std::string text);
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
};

int64_t now_us();

}  // namespace btr::tools
