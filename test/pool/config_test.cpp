#include <doctest/doctest.h>

#include "pool/config.h"

using namespace btr::pool;

TEST_CASE("config: regtest defaults start at 0.001 with a 0.00001 floor") {
  const PoolConfig cfg = default_pool_config(Network::kRegtest);
  REQUIRE(cfg.ports.size() == 1);
  CHECK(cfg.ports[0].start_difficulty == doctest::Approx(0.001));
  CHECK(cfg.ports[0].min_difficulty == doctest::Approx(0.00001));
  CHECK(cfg.ports[0].allow_fractional);
  CHECK(cfg.ports[0].extranonce2_size == 8);
  CHECK(cfg.node_url == "http://127.0.0.1:18643");
  CHECK(validate_config(cfg).ok());
  CHECK(validate_config(default_pool_config(Network::kMain)).ok());
}

TEST_CASE("config: JSON file sets ports, payout and limits") {
  PoolConfig cfg = default_pool_config(Network::kRegtest);
  const char* text = R"({
    "node_url": "http://10.0.0.1:1234", "node_cookie": "/tmp/.cookie",
    "bind": ["127.0.0.1", "::1"],
    "ports": [{"port": 3333}, {"port": 3334, "difficulty": 64, "min_difficulty": 16,
               "max_difficulty": 4096, "extranonce2_size": 4, "allow_fractional": false}],
    "payout": {"scheme": "pplns", "fee_percent": 1.5,
               "fee_address": "mtVwi6aB1K4mZ4ziK27VgXGjdhLQ1V9iqs"},
    "max_connections_per_ip": 50, "write_high_water_bytes": 1000
  })";
  REQUIRE(apply_config_json(text, cfg).ok());
  CHECK(validate_config(cfg).ok());
  CHECK(cfg.node_url == "http://10.0.0.1:1234");
  CHECK(cfg.node_cookie == "/tmp/.cookie");
  CHECK(cfg.bind.size() == 2);
  REQUIRE(cfg.ports.size() == 2);
  CHECK(cfg.ports[0].port == 3333);
  CHECK(cfg.ports[0].start_difficulty == doctest::Approx(0.001));  // network default kept
  CHECK(cfg.ports[1].start_difficulty == 64);
  CHECK(cfg.ports[1].min_difficulty == 16);
  CHECK(cfg.ports[1].extranonce2_size == 4);
  CHECK_FALSE(cfg.ports[1].allow_fractional);
  CHECK(cfg.payout.scheme == "pplns");
  CHECK(cfg.payout.fee_percent == doctest::Approx(1.5));
  CHECK(cfg.max_connections_per_ip == 50);
  CHECK(cfg.write_high_water_bytes == 1000);
}

TEST_CASE("config: unknown keys, wrong types and bad ranges are refused") {
  PoolConfig cfg = default_pool_config(Network::kMain);
  CHECK_FALSE(apply_config_json(R"({"stratum_prot": 1})", cfg).ok());
  CHECK_FALSE(apply_config_json(R"({"ports": [{"difficulty": "high"}]})", cfg).ok());
  CHECK_FALSE(apply_config_json(R"({"network": "moon"})", cfg).ok());
  CHECK_FALSE(apply_config_json("not json", cfg).ok());
  PoolConfig bad = default_pool_config(Network::kMain);
  bad.ports[0].min_difficulty = 0.5;  // below 1 without allow_fractional
  CHECK_FALSE(validate_config(bad).ok());
  bad = default_pool_config(Network::kMain);
  bad.ports[0].extranonce2_size = 1;
  CHECK_FALSE(validate_config(bad).ok());
  bad = default_pool_config(Network::kMain);
  bad.payout.scheme = "pps";
  CHECK_FALSE(validate_config(bad).ok());
}

TEST_CASE("config: address prefixes follow chain.md") {
  CHECK(address_prefixes(Network::kMain).p2pkh == 25);
  CHECK(address_prefixes(Network::kMain).p2sh == 85);
  CHECK(address_prefixes(Network::kRegtest).p2pkh == 111);
  CHECK(address_prefixes(Network::kTestnet).p2sh == 196);
}

TEST_CASE("config: ntime window, admin token and shutdown reconnect keys") {
  PoolConfig cfg = default_pool_config(Network::kRegtest);
  CHECK(cfg.ntime_window_s == 7000);  // ckpool's window by default
  CHECK(cfg.admin_token.empty());
  CHECK_FALSE(cfg.shutdown_reconnect);
  REQUIRE(apply_config_json(R"({"ntime_window_s": 600, "admin_token": "s3cret",
                                "shutdown_reconnect": true, "shutdown_reconnect_wait_s": 9})",
                            cfg)
              .ok());
  CHECK(validate_config(cfg).ok());
  CHECK(cfg.ntime_window_s == 600);
  CHECK(cfg.admin_token == "s3cret");
  CHECK(cfg.shutdown_reconnect);
  CHECK(cfg.shutdown_reconnect_wait_s == 9);
  cfg.ntime_window_s = 0;
  CHECK_FALSE(validate_config(cfg).ok());
  cfg.ntime_window_s = 600;
  cfg.shutdown_reconnect_wait_s = -1;
  CHECK_FALSE(validate_config(cfg).ok());
  CHECK_FALSE(apply_config_json(R"({"shutdown_reconnect": "yes"})", cfg).ok());
}

TEST_CASE("config: send threads and io_uring keys") {
  PoolConfig cfg = default_pool_config(Network::kRegtest);
  CHECK(cfg.send_threads == 0);  // one per core
  CHECK(cfg.io_uring);
  REQUIRE(apply_config_json(R"({"send_threads": 3, "io_uring": false})", cfg).ok());
  CHECK(validate_config(cfg).ok());
  CHECK(cfg.send_threads == 3);
  CHECK_FALSE(cfg.io_uring);
  cfg.send_threads = -1;
  CHECK_FALSE(validate_config(cfg).ok());
  cfg.send_threads = 65;
  CHECK_FALSE(validate_config(cfg).ok());
  CHECK_FALSE(apply_config_json(R"({"io_uring": 1})", cfg).ok());
}
