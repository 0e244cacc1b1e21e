// End-to-end: btr-stack runs btr-node, btr-pool and two btr-miner processes
// on loopback with ephemeral ports; each test checks the run's summary (the
// ledger against the node's chain) and the children's logs. Label "e2e".
#include <signal.h>

#include <chrono>
#include <thread>

#include <doctest/doctest.h>

#include "test/tools/stack_e2e/stack_run.h"
#include "tools/stack/stack_keys.h"

namespace {

using btr::test::check_run_consistency;
using btr::test::count_of;
using btr::test::StackRun;
using nlohmann::json;

constexpr double kRunTimeoutS = 240;

// Starts a run and checks it got as far as writing stack.json.
void start_stack(StackRun& run, const std::vector<std::string>& args) {
  REQUIRE(run.start(args));
  REQUIRE_MESSAGE(run.stack_file().is_object(), run.output());
}

int wait_for(StackRun& run) {
  const int rc = run.wait_exit(kRunTimeoutS + 60);
  INFO(run.output());
  CHECK(rc == 0);
  return rc;
}

// Restarts one child in the middle of a run by sending it SIGTERM, the way an
// operator's restart or a crash would end it; btr-stack starts it again.
void restart_child_at_height(StackRun& run, const std::string& child, int64_t height) {
  REQUIRE_MESSAGE(run.wait_height(height, 120), run.output());
  const json stack = run.stack_file();
  const int pid = stack["pids"].value(child, 0);
  REQUIRE(pid > 0);
  REQUIRE(::kill(pid, SIGTERM) == 0);
}

}  // namespace

TEST_CASE("20 blocks through the pool and a second run resuming the chain and ledger") {
  StackRun run;
  start_stack(run, {"--blocks", "20", "--timeout", std::to_string(kRunTimeoutS)});
  wait_for(run);
  const json first = run.summary();
  INFO(run.output());
  REQUIRE(first.is_object());
  REQUIRE(first.contains("audit"));
  CHECK(first["new_blocks"].get<int64_t>() >= 20);
  CHECK(first["audit"]["blocks_in_chain"].get<uint64_t>() >= 20);
  check_run_consistency(first);
  CHECK(first["restarts"]["node"] == 0);
  CHECK(first["restarts"]["pool"] == 0);
  // Both workers and the operator were paid by the coinbases.
  for (const auto& w : btr::tools::stack::stack_workers()) {
    CHECK(first["audit"]["paid"].contains(w.key.address));
  }

  start_stack(run, {"--blocks", "2", "--timeout", "120"});
  wait_for(run);
  const json second = run.summary();
  REQUIRE(second.is_object());
  CHECK(second["start_height"] == first["tip_height"]);
  CHECK(second["ledger"]["blocks"].size() >= first["ledger"]["blocks"].size() + 2);
  check_run_consistency(second, first);
}

TEST_CASE("the pool restarted in the middle loses and doubles nothing") {
  StackRun run;
  start_stack(run, {"--blocks", "14", "--timeout", std::to_string(kRunTimeoutS)});
  restart_child_at_height(run, "pool", 5);
  wait_for(run);
  const json s = run.summary();
  INFO(run.output());
  REQUIRE(s.is_object());
  CHECK(s["restarts"]["pool"] == 1);
  CHECK(s["restarts"]["node"] == 0);
  check_run_consistency(s);
  for (const char* miner : {"rig1", "rig2"}) {
    INFO(miner);
    CHECK(count_of(run.log(miner), "\"connected to ") >= 2);  // reconnected to the new pool
  }
}

TEST_CASE("the node restarted in the middle keeps miners connected and no stale block") {
  StackRun run;
  start_stack(run, {"--blocks", "14", "--timeout", std::to_string(kRunTimeoutS)});
  restart_child_at_height(run, "node", 5);
  wait_for(run);
  const json s = run.summary();
  INFO(run.output());
  REQUIRE(s.is_object());
  CHECK(s["restarts"]["node"] == 1);
  CHECK(s["restarts"]["pool"] == 0);
  check_run_consistency(s);
  for (const char* miner : {"rig1", "rig2"}) {
    INFO(miner);
    CHECK(count_of(run.log(miner), "\"connected to ") == 1);  // never dropped by the pool
  }
  // The pool waited for the node and took a fresh template from it.
  const std::string pool_log = run.log("pool");
  const size_t down = pool_log.find("node unreachable");
  REQUIRE(down != std::string::npos);
  CHECK(pool_log.find("new block template", down) != std::string::npos);
  // No block went to the node on a tip it had already left: the node never
  // answered one as a side-chain, duplicate or unknown-parent block.
  for (const auto& b : s["ledger"]["blocks"]) {
    const std::string reason = b["reason"];
    INFO("block " << b["hash"] << ": " << reason);
    CHECK(reason != "inconclusive");
    CHECK(reason != "duplicate");
    CHECK(reason.find("prev") == std::string::npos);
  }
}
