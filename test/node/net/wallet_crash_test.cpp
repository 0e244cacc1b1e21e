// The wallet file survives kill -9 with no key lost: getnewaddress in a
// loop, kill -9 at a random moment, restart, and every address the node
// answered with is still the wallet's, its private key dumpable and
// matching the address.

#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <random>
#include <thread>

#include "core/address.h"
#include "core/chain_params.h"
#include "test/common/test_util.h"
#include "test/node/net/node_process.h"

using btr::test::NodeProcess;
using nlohmann::json;

TEST_CASE("wallet crash: kill -9 during getnewaddress loses no handed-out key") {
  const auto& params = btr::core::chain_params(btr::core::Network::kRegtest);
  NodeProcess n;
  std::mt19937_64 rng(btr::test::seed());
  std::vector<std::string> handed;
  for (int round = 0; round < 3; ++round) {
    REQUIRE(n.start());
    std::mutex m;
    std::atomic<bool> go{true};
    std::thread client([&] {
      while (go) {
        const json r = n.call("getnewaddress");
        // Only an address the client actually received counts as handed out.
        if (r.is_object() && r["result"].is_string()) {
          std::lock_guard<std::mutex> lock(m);
          handed.push_back(r["result"].get<std::string>());
        }
      }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + rng() % 350));
    n.kill9();
    go = false;
    client.join();
    REQUIRE(n.start());
    for (const std::string& addr : handed) {
      const json r = n.call("dumpprivkey", {addr});
      INFO(addr << " " << r.dump());
      REQUIRE(r["result"].is_string());
      auto wif = btr::core::decode_wif(r["result"].get<std::string>(), params.prefixes);
      REQUIRE(wif.ok());
      const auto decoded = btr::core::decode_address(addr, params.prefixes);
      REQUIRE(decoded.ok());
      CHECK(wif->key.public_key(wif->compressed).id() == decoded->hash);
    }
    // No address is handed out twice, before or after the crash.
    const std::string fresh = n.call("getnewaddress")["result"].get<std::string>();
    CHECK(std::find(handed.begin(), handed.end(), fresh) == handed.end());
    handed.push_back(fresh);
    REQUIRE(n.terminate() == 0);
  }
  std::sort(handed.begin(), handed.end());
  CHECK(std::adjacent_find(handed.begin(), handed.end()) == handed.end());
  MESSAGE("addresses handed out over 3 kill -9 rounds: " << handed.size());
  CHECK(handed.size() > 3);
}
