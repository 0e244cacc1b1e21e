#include <doctest/doctest.h>

#include "tools/miner/miner_config.h"

using namespace btr::tools::miner;

TEST_CASE("miner config: pool URLs") {
  auto url = parse_pool_url("stratum+tcp://pool.example:3334");
  REQUIRE(url);
  CHECK(url->host == "pool.example");
  CHECK(url->port == 3334);
  CHECK(url->to_string() == "stratum+tcp://pool.example:3334");
  url = parse_pool_url("127.0.0.1:4000");
  REQUIRE(url);
  CHECK(url->port == 4000);
  url = parse_pool_url("stratum+tcp://[::1]:3333");
  REQUIRE(url);
  CHECK(url->host == "::1");
  url = parse_pool_url("stratum+tcp://pool.example");
  REQUIRE(url);
  CHECK(url->port == 3333);  // chain.md: Stratum servers listen on 3333 by default
  CHECK_FALSE(parse_pool_url("http://pool.example:3333"));
  CHECK_FALSE(parse_pool_url("stratum+tcp://:3333"));
  CHECK_FALSE(parse_pool_url("stratum+tcp://pool:0"));
  CHECK_FALSE(parse_pool_url("stratum+tcp://pool:70000"));
  CHECK_FALSE(parse_pool_url("stratum+tcp://pool:12x"));
}

TEST_CASE("miner config: device lists") {
  auto list = parse_device_list("cpu,opencl:0,cuda:1,opencl");
  REQUIRE_FALSE(list);  // opencl == opencl:0 twice
  list = parse_device_list("cpu,opencl:1,cuda:0");
  REQUIRE(list);
  REQUIRE(list->size() == 3);
  CHECK((*list)[0].kind == DeviceKind::kCpu);
  CHECK((*list)[1] == DeviceSpec{DeviceKind::kOpenCl, 1});
  CHECK((*list)[2].to_string() == "cuda:0");
  CHECK_FALSE(parse_device_list("gpu"));
  CHECK_FALSE(parse_device_list("cpu:1"));
  CHECK_FALSE(parse_device_list("cuda:x"));
  CHECK_FALSE(parse_device_list(""));
}

TEST_CASE("miner config: command lines") {
  const auto parse = [](std::vector<std::string> args, MinerConfig& config) {
    std::string program = "btr-miner";
    std::vector<char*> argv = {program.data()};
    for (auto& a : args) argv.push_back(a.data());
    return parse_command_line(static_cast<int>(argv.size()), argv.data(), config);
  };
  MinerConfig pool;
  CHECK_FALSE(parse(
      {"-o", "stratum+tcp://a:1", "-o", "stratum+tcp://b:2", "-u", "addr.w", "--suggest-diff",
       "512", "--extranonce-subscribe", "--devices", "cpu", "--threads", "2", "--api-port", "4048"},
      pool));
  REQUIRE(pool.pools.size() == 2);
  CHECK(pool.pools[1].host == "b");
  CHECK(pool.user == "addr.w");
  CHECK(pool.password == "x");
  CHECK(pool.suggest_difficulty == 512);
  CHECK(pool.extranonce_subscribe);
  CHECK(pool.threads == 2);
  CHECK(pool.api_port == 4048);
  MinerConfig solo;
  CHECK_FALSE(parse({"--solo", "--rpc", "http://127.0.0.1:18643", "--address",
                     "mtVwi6aB1K4mZ4ziK27VgXGjdhLQ1V9iqs", "--rpc-cookie", "/tmp/.cookie",
                     "--network", "regtest"},
                    solo));
  CHECK(solo.solo);
  CHECK(solo.network == "regtest");
  // btr-node's spelling "testnet", and the older "test" as an alias of it.
  for (const char* name : {"testnet", "test"}) {
    MinerConfig testnet;
    CHECK_FALSE(parse({"--solo", "--rpc", "http://127.0.0.1:18632", "--address",
                       "mtVwi6aB1K4mZ4ziK27VgXGjdhLQ1V9iqs", "--network", name},
                      testnet));
    CHECK(testnet.network == "testnet");
  }
  MinerConfig sized;
  CHECK_FALSE(parse({"--benchmark", "--work-size", "32,64", "--intensity", "20"}, sized));
  CHECK(sized.gpu_work_size == std::vector<unsigned>{32, 64});
  MinerConfig zero;
  CHECK(parse({"--benchmark", "--work-size", "0"}, zero) == 2);
  MinerConfig moon;
  CHECK(parse({"--solo", "--rpc", "http://127.0.0.1:1", "--address", "x", "--network", "moon"},
              moon) != 0);
  MinerConfig bad;
  CHECK(parse({"-o", "stratum+tcp://a:1"}, bad) == 2);  // no -u
  MinerConfig both;
  CHECK(parse({"--solo", "--benchmark"}, both) == 2);
  MinerConfig none;
  CHECK(parse({}, none) == 2);
}
