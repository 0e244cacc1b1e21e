// btr-miner (the program) against a real btr-pool and a real regtest btr-node
// on 127.0.0.1: shares accepted, blocks the node accepts, a difficulty change
// between jobs, failover to a second pool and back, client.reconnect and
// mining.set_extranonce sent through the pool's admin routes.
#include <doctest/doctest.h>

#include "test/common/test_util.h"
#include "test/tools/miner_net/real_stack.h"

using namespace btr;
using nlohmann::json;

namespace {

constexpr const char* kUser = "mtVwi6aB1K4mZ4ziK27VgXGjdhLQ1V9iqs.rig";
constexpr const char* kToken = "miner-test-token";

struct Stack {
  test::ScratchDir dir;
  test::RegtestNode node{test::node_binary(), dir.path() / "node"};
  std::vector<std::unique_ptr<test::PoolProcess>> pools;

  // The first pool may send client.reconnect when it shuts down.
  bool start(size_t pool_count, bool first_reconnects_on_shutdown = false) {
    const auto st = node.start();
    if (!st.ok()) {
      MESSAGE(st.error() << "\n" << test::read_file(node.log_file()));
      return false;
    }
    for (size_t i = 0; i < pool_count; ++i) {
      pools.push_back(
          std::make_unique<test::PoolProcess>(node, dir.path() / ("pool" + std::to_string(i)),
                                              kToken, i == 0 && first_reconnects_on_shutdown));
      const auto ps = pools.back()->start();
      if (!ps.ok()) {
        MESSAGE(ps.error() << "\n" << test::read_file(pools.back()->log_file()));
        return false;
      }
    }
    return true;
  }
  std::vector<std::string> miner_args(bool extranonce_subscribe = false) const {
    std::vector<std::string> args;
    for (const auto& p : pools) {
      args.push_back("-o");
      args.push_back(p->url());
    }
    args.insert(args.end(), {"-u", kUser, "--devices", "cpu", "--threads", "1", "--suggest-diff",
                             "0.0001", "--retry-primary", "1"});
    if (extranonce_subscribe) args.push_back("--extranonce-subscribe");
    return args;
  }
  void dump(const test::MinerProcess& miner) const {
    MESSAGE("miner log:\n" << test::read_file(miner.log_file()));
    for (const auto& p : pools) MESSAGE("pool log:\n" << test::read_file(p->log_file()));
  }
};

uint64_t accepted(const json& status) {
  return status.value("accepted", uint64_t{0});
}

// "Above target" (23) would mean the miner hashed with the wrong difficulty,
// extranonce1 or header: none may appear.
bool no_low_difficulty_rejects(const json& status) {
  const json& reasons = status.value("rejected_by_reason", json::object());
  return !reasons.contains("Above target");
}

}  // namespace

#define SKIP_WITHOUT_STACK()                                              \
  if (const std::string why = test::real_stack_missing(); !why.empty()) { \
    MESSAGE("BTR-SKIP: " << why);                                         \
    return;                                                               \
  }

TEST_CASE("btr-miner on a real pool and node: shares, blocks, a difficulty change") {
  SKIP_WITHOUT_STACK();
  Stack stack;
  REQUIRE(stack.start(1));
  const auto height0 = stack.node.call("getblockcount");
  REQUIRE(height0.ok());
  test::MinerProcess miner(stack.dir.path());
  REQUIRE(miner.start(stack.miner_args()));
  // Accepted shares at the suggested difficulty; on regtest each is also a block.
  const bool shares = miner.wait_status([](const json& s) { return accepted(s) >= 3; }, 40000);
  if (!shares) stack.dump(miner);
  REQUIRE(shares);
  CHECK(miner.wait_status([](const json& s) { return s.value("blocks", 0) >= 1; }, 20000));
  const auto height = stack.node.call("getblockcount");
  REQUIRE(height.ok());
  CHECK(height->get<int64_t>() > height0->get<int64_t>());
  // Vardiff moves the difficulty away from the suggested 0.0001 between jobs;
  // shares keep being accepted at the new one.
  json changed;
  const bool moved = miner.wait_status(
      [&](const json& s) {
        changed = s;
        return s.value("difficulty", 0.0) != 0.0001;
      },
      30000);
  if (!moved) stack.dump(miner);
  REQUIRE(moved);
  const uint64_t at_change = accepted(changed);
  CHECK(miner.wait_status([&](const json& s) { return accepted(s) >= at_change + 2; }, 30000));
  const bool clean = no_low_difficulty_rejects(miner.status());
  if (!clean) stack.dump(miner);
  CHECK(clean);
  CHECK(miner.stop() == 0);
}

TEST_CASE("btr-miner fails over to the second pool and returns to the first") {
  SKIP_WITHOUT_STACK();
  Stack stack;
  REQUIRE(stack.start(2));
  test::MinerProcess miner(stack.dir.path());
  REQUIRE(miner.start(stack.miner_args()));
  const std::string first = stack.pools[0]->url();
  const std::string second = stack.pools[1]->url();
  auto on = [](const std::string& url, uint64_t min_accepted) {
    return [url, min_accepted](const json& s) {
      return s.value("pool", "") == url && s.value("connected", false) &&
             accepted(s) >= min_accepted;
    };
  };
  REQUIRE(miner.wait_status(on(first, 1), 40000));
  stack.pools[0]->kill9();  // gone without a word
  const bool failed_over = miner.wait_status(on(second, accepted(miner.status()) + 1), 30000);
  if (!failed_over) stack.dump(miner);
  REQUIRE(failed_over);
  // The first pool comes back on its port: the miner returns to it.
  REQUIRE(stack.pools[0]->start().ok());
  const bool returned = miner.wait_status(on(first, accepted(miner.status()) + 1), 30000);
  if (!returned) stack.dump(miner);
  CHECK(returned);
  CHECK(miner.stop() == 0);
}

TEST_CASE("btr-miner honours client.reconnect and set_extranonce from the pool's admin routes") {
  SKIP_WITHOUT_STACK();
  Stack stack;
  REQUIRE(stack.start(2));
  test::MinerProcess miner(stack.dir.path());
  // Only the first pool on the command line: the second is reached by redirect.
  std::vector<std::string> args = stack.miner_args(/*extranonce_subscribe=*/true);
  args.erase(args.begin() + 2, args.begin() + 4);
  REQUIRE(miner.start(args));
  REQUIRE(miner.wait_status([](const json& s) { return accepted(s) >= 1; }, 40000));

  // set_extranonce: the miner switches at the next notify (sent at once), so
  // its shares keep being accepted; with the old extranonce1 they would all
  // be refused as low-difficulty.
  std::string body;
  REQUIRE(stack.pools[0]->admin_post("/api/admin/set_extranonce", "{}", &body) == 200);
  CHECK(json::parse(body)["sent"] == 1);
  const uint64_t before = accepted(miner.status());
  const bool still_accepted =
      miner.wait_status([&](const json& s) { return accepted(s) >= before + 3; }, 30000);
  if (!still_accepted) stack.dump(miner);
  CHECK(still_accepted);
  CHECK(no_low_difficulty_rejects(miner.status()));

  // client.reconnect to the same host, other port: the miner goes there.
  const size_t seen = miner.messages().size();
  const std::string redirect =
      R"({"host":"127.0.0.1","port":)" + std::to_string(stack.pools[1]->stratum_port()) + "}";
  REQUIRE(stack.pools[0]->admin_post("/api/admin/reconnect", redirect, &body) == 200);
  CHECK(json::parse(body)["sent"] == 1);
  CHECK(miner.wait_message("client.reconnect", 10000, seen));
  const std::string second = stack.pools[1]->url();
  const bool moved = miner.wait_status(
      [&](const json& s) { return s.value("pool", "") == second && s.value("connected", false); },
      30000);
  if (!moved) stack.dump(miner);
  CHECK(moved);
  const uint64_t there = accepted(miner.status());
  CHECK(miner.wait_status([&](const json& s) { return accepted(s) > there; }, 30000));
  CHECK(miner.stop() == 0);
}

TEST_CASE("btr-miner stays with its first pool over a planned restart (reconnect on shutdown)") {
  SKIP_WITHOUT_STACK();
  Stack stack;
  REQUIRE(stack.start(2, /*first_reconnects_on_shutdown=*/true));
  test::MinerProcess miner(stack.dir.path());
  REQUIRE(miner.start(stack.miner_args()));
  const std::string first = stack.pools[0]->url();
  REQUIRE(miner.wait_status([](const json& s) { return accepted(s) >= 1; }, 40000));
  const size_t seen = miner.messages().size();
  const uint64_t before = accepted(miner.status());
  // SIGTERM: the pool tells the miner to come back in 2 s, and is back by then.
  CHECK(stack.pools[0]->stop() == 0);
  REQUIRE(stack.pools[0]->start().ok());
  CHECK(miner.wait_message("client.reconnect", 10000, seen));
  const bool back = miner.wait_status(
      [&](const json& s) {
        return s.value("pool", "") == first && s.value("connected", false) && accepted(s) > before;
      },
      30000);
  if (!back) stack.dump(miner);
  CHECK(back);
  // It never went to the backup pool.
  const auto messages = miner.messages();
  for (size_t i = seen; i < messages.size(); ++i) {
    CHECK(messages[i].find("connecting to " + stack.pools[1]->url()) == std::string::npos);
  }
  CHECK(miner.stop() == 0);
}
