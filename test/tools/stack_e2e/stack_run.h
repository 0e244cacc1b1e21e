#pragma once
// The end-to-end tests' handle on a btr-stack process (or a second btr-node):
// spawned with its output in a file, its exit awaited with a bound, killed
// and reaped at destruction. Plus what the tests read of a run: stack.json (ports,
// pids), the summary JSON and the node's RPC.

#include <sys/types.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "test/pool/net/node_runner.h"
#include "tools/stack/http_fetch.h"

namespace btr::test {

class Spawned {
 public:
  bool start(const std::vector<std::string>& argv, const std::filesystem::path& output) {
    return process_.start(argv, output);
  }
  // The exit code (128 + signal when a signal ended it), or -1 if it still
  // runs after timeout_s.
  int wait_exit(double timeout_s);
  // SIGTERM, then SIGKILL after grace_s; the exit code as wait_exit.
  int terminate(double grace_s = 30) { return process_.stop(static_cast<int>(grace_s * 1000)); }
  pid_t pid() const { return process_.pid(); }

 private:
  ChildProcess process_;  // the pool tests' process helper: spawning, SIGTERM/SIGKILL, reaping
};

// A btr-stack run in its own scratch folder (removed at destruction).
class StackRun {
 public:
  StackRun();
  ~StackRun();

  // Starts btr-stack on the scratch data folder with the test settings
  // (CPU only, one thread per miner, fast shares) plus `args`.
  bool start(const std::vector<std::string>& args);
  int wait_exit(double timeout_s) { return process_.wait_exit(timeout_s); }
  int terminate() { return process_.terminate(); }

  std::filesystem::path datadir() const { return dir_ / "data"; }
  // stack.json once btr-stack wrote it (waits up to timeout_s; null if never).
  nlohmann::json stack_file(double timeout_s = 60) const;
  nlohmann::json summary() const;                   // the --summary-json of the last run
  std::string output() const;                       // btr-stack's terminal output
  std::string log(const std::string& child) const;  // logs/<child>.log
  // The node's RPC (from stack.json).
  std::unique_ptr<tools::stack::NodeRpc> node_rpc() const;
  // Waits until the node's height reaches `height` (false after timeout_s).
  bool wait_height(int64_t height, double timeout_s) const;

 private:
  std::filesystem::path dir_;
  int runs_ = 0;
  Spawned process_;
};

// Every consistency rule of the summary of a run that ended normally: the
// audit passed, every ledger block came from a miner's found-block line, the
// miners' found blocks not in the ledger are at most their rejected shares,
// and the ledger's accepted shares per worker equal the miners' own counts
// (up to the shares in flight when a miner was stopped)
// (the ledger's totals span runs: `previous` is the summary of the run
// before on the same data folder, if any).
void check_run_consistency(const nlohmann::json& summary,
                           const nlohmann::json& previous = nlohmann::json());

// Occurrences of `needle` in `text`.
size_t count_of(const std::string& text, const std::string& needle);

}  // namespace btr::test
