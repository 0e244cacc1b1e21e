// kill -9 while blocks are being submitted, restart, and compare the UTXO
// hash the node reports with the one --verify-utxo rebuilds by replay.

#include <doctest/doctest.h>

#include <atomic>
#include <random>
#include <thread>

#include "test/common/test_util.h"
#include "test/node/net/node_process.h"

using btr::test::NodeProcess;
using nlohmann::json;

TEST_CASE("crash consistency: kill -9 during block submission, restart, UTXO = replay") {
  NodeProcess n;
  std::mt19937_64 rng(btr::test::seed());
  int last_height = 0;
  for (int round = 0; round < 4; ++round) {
    REQUIRE(n.start());
    std::atomic<bool> go{true};
    std::thread miner([&] {
      // One block per call so kills land between and inside connects.
      while (go)
        (void)n.call("generatetoaddress", json::array({1, "mtVwi6aB1K4mZ4ziK27VgXGjdhLQ1V9iqs"}));
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(200 + rng() % 400));
    n.kill9();
    go = false;
    miner.join();
    // Restart: the node must come up consistent.
    REQUIRE(n.start());
    const json info = n.call("gettxoutsetinfo")["result"];
    REQUIRE(info.is_object());
    const int height = info["height"];
    CHECK(height >= last_height);
    last_height = height;
    CHECK(info["txouts"] == height + 1);  // every coinbase plus the pre-mine
    REQUIRE(n.terminate() == 0);
    std::vector<std::string> args = n.node_args();
    args.push_back("--verify-utxo");
    const auto verify = btr::test::run_program(BTR_NODE_BIN, args);
    CHECK(verify.exit_code == 0);
    const json v = json::parse(verify.output, nullptr, false);
    REQUIRE(v.is_object());
    CHECK(v["match"] == true);
    CHECK(v["stored_hash"] == info["hash_serialized_3"]);
    CHECK(v["height"] == height);
  }
  MESSAGE("final height after 4 kill -9 rounds: " << last_height);
  CHECK(last_height > 0);
}
