#pragma once
// btr-stack's supervisor: starts btr-node, then btr-pool once the node
// answers, then the two miners once the pool listens; restarts a child that
// exits on its own (same ports, same data, so clients reconnect); on Ctrl-C,
// SIGTERM or the --blocks target it stops the miners, reads the pool's
// ledger, stops the pool (which flushes its ledger), checks the ledger
// against the node's chain, stops the node, and prints the summary. Every
// child gets SIGTERM, then SIGKILL after a grace period; none outlives it.
// Everything runs on one libuv loop; node and API queries are short
// blocking loopback requests made from its timer.

#include <uv.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "tools/stack/chain_audit.h"
#include "tools/stack/child_process.h"
#include "tools/stack/http_fetch.h"
#include "tools/stack/miner_events.h"
#include "tools/stack/stack_keys.h"
#include "tools/stack/stack_options.h"

namespace btr::tools::stack {

// kUncleanStop: a child asked to stop exited with a non-zero code or a signal
// (a sanitizer report, a crash, or SIGKILL after the grace period).
enum ExitCode : int {
  kOk = 0,
  kMismatch = 1,
  kUsage = 2,
  kTimedOut = 3,
  kStartFailed = 4,
  kUncleanStop = 5
};

class StackApp {
 public:
  explicit StackApp(StackOptions options);
  ~StackApp();
  StackApp(const StackApp&) = delete;
  StackApp& operator=(const StackApp&) = delete;

  int run();

 private:
  enum class Phase { kStarting, kRunning, kStopping, kDone };
  struct Slot {
    std::string name;
    ChildSpec spec;
    std::unique_ptr<ChildProcess> process;
    int restarts = 0;
    std::vector<double> exit_times;  // seconds since start of each unexpected exit
    bool ready = false;
    double restart_at = -1;  // seconds since start; -1: none scheduled
  };

  core::Status prepare();
  void write_pool_config() const;
  void write_stack_file() const;
  ChildSpec node_spec() const;
  ChildSpec pool_spec() const;
  ChildSpec miner_spec(size_t index) const;

  void on_tick();
  void tick_starting();
  void tick_running();
  void tick_stopping();
  bool start_slot(Slot& slot);
  void on_child_line(Slot& slot, const std::string& line);
  void on_child_exit(Slot& slot, int64_t status, int signal);
  void on_signal(int signum);
  void begin_stop(const std::string& why, int exit_code);
  void report_new_blocks();
  void print_status();
  void take_ledger_snapshot();
  void finish();
  void print_summary();

  // "rig1", "rig2", "operator" for the stack's own addresses, else "".
  std::string label(const std::string& address) const;
  double elapsed_s() const;
  void say(const std::string& text) const;
  Slot& slot(const std::string& name);
  bool all_finished(std::initializer_list<const char*> names);

  StackOptions opt_;
  std::vector<StackWorker> workers_;
  uv_loop_t loop_{};
  uv_timer_t tick_{};
  uv_signal_t sigint_{};
  uv_signal_t sigterm_{};
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<std::unique_ptr<ChildProcess>> retired_;  // exited, kept until the loop ends
  std::unique_ptr<NodeRpc> node_;
  std::chrono::steady_clock::time_point started_;
  Phase phase_ = Phase::kStarting;
  int stop_step_ = 0;
  double stop_step_at_ = 0;
  int exit_code_ = kOk;
  int signals_seen_ = 0;
  std::string stop_reason_;

  int64_t start_height_ = -1;
  int64_t reported_height_ = -1;
  int64_t last_height_ = -1;
  double next_status_at_ = 10;
  std::map<std::string, MinerReport> miners_;  // by worker name
  std::optional<LedgerSnapshot> ledger_;
  std::optional<AuditReport> audit_;
  std::string ledger_error_;
  std::vector<std::string> unclean_stops_;  // "pool (code 1)", ...
};

}  // namespace btr::tools::stack
