#include <doctest/doctest.h>

#include "pool/config.h"

using namespace btr::pool;

namespace {
constexpr const char* kRegtestAddress = "mtVwi6aB1K4mZ4ziK27VgXGjdhLQ1V9iqs";
}

TEST_CASE("config: payout keys, per-port scheme and the accounting settings") {
  PoolConfig cfg = default_pool_config(Network::kRegtest);
  const std::string text = std::string(R"({
    "ports": [{"port": 3333}, {"port": 3334, "payout_scheme": "pplns"}],
    "payout": {"scheme": "solo", "fee_percent": 2, "fee_address": ")") +
                           kRegtestAddress + R"(",
               "pplns_window_factor": 4, "pplns_min_output": 5000, "pplns_max_outputs": 8},
    "webhook_url": "http://127.0.0.1:9000/hook", "worker_offline_s": 120,
    "stats_horizon_s": 7200
  })";
  REQUIRE(apply_config_json(text, cfg).ok());
  CHECK(validate_config(cfg).ok());
  CHECK(cfg.ports[1].payout_scheme == "pplns");
  CHECK(cfg.ports[0].payout_scheme.empty());
  CHECK(cfg.payout.pplns_window_factor == 4);
  CHECK(cfg.payout.pplns_min_output == 5000);
  CHECK(cfg.payout.pplns_max_outputs == 8);
  CHECK(cfg.webhook_url == "http://127.0.0.1:9000/hook");
  CHECK(cfg.worker_offline_s == 120);
  CHECK(cfg.stats_horizon_s == 7200);
}

TEST_CASE("config: payout settings that cannot work are refused") {
  auto refused = [](const std::string& json) {
    PoolConfig cfg = default_pool_config(Network::kRegtest);
    if (!apply_config_json(json, cfg).ok()) return true;
    return !validate_config(cfg).ok();
  };
  const std::string fee = std::string(R"("fee_address": ")") + kRegtestAddress + "\"";
  CHECK(refused(R"({"payout": {"scheme": "pplns"}})"));  // carries need an operator output
  CHECK(refused(R"({"ports": [{"payout_scheme": "pplns"}]})"));
  CHECK(refused(R"({"ports": [{"payout_scheme": "pps"}]})"));
  CHECK(refused(R"({"payout": {"fee_address": "1BoatSLRHtKNngkdXEeobR76b53LETtpyT"}})"));
  CHECK(refused(R"({"payout": {"scheme": "pplns", "pplns_max_outputs": 0, )" + fee + "}}"));
  CHECK(refused(R"({"payout": {"scheme": "pplns", "pplns_window_factor": 0, )" + fee + "}}"));
  CHECK(refused(R"({"payout": {"pplns_min_output": -1}})"));
  CHECK(refused(R"({"webhook_url": "https://example.org/x"})"));
  CHECK(refused(R"({"worker_offline_s": 1})"));
  CHECK_FALSE(refused(R"({"payout": {"scheme": "pplns", )" + fee + "}}"));
}
