// The mempool's options under Bitcoin Core's names and units.

#include <doctest/doctest.h>

#include "node/config.h"
#include "node/tx_amount.h"

namespace {

btr::node::ConfigParse parse_args(std::vector<std::string> args) {
  std::vector<const char*> argv = {"btr-node", "--datadir=/nonexistent-btr-mempool"};
  for (const auto& a : args) argv.push_back(a.c_str());
  return btr::node::parse_node_config(static_cast<int>(argv.size()), argv.data());
}

}  // namespace

TEST_CASE("mempool config: defaults, Core's option names and units") {
  const auto d = parse_args({});
  REQUIRE(d.config.has_value());
  CHECK(d.config->maxmempool_mb == 300);
  CHECK(d.config->mempoolexpiry_hours == 336);
  CHECK(d.config->minrelaytxfee_per_kb == 1000);
  CHECK_FALSE(d.config->acceptnonstdtxn);
  CHECK(d.config->limitancestorcount == 25);
  const auto c = parse_args({"--maxmempool=5", "-mempoolexpiry=2", "--minrelaytxfee=0.0002",
                             "--acceptnonstdtxn", "--limitdescendantcount=10"});
  REQUIRE(c.config.has_value());
  CHECK(c.config->maxmempool_mb == 5);
  CHECK(c.config->mempoolexpiry_hours == 2);
  CHECK(c.config->minrelaytxfee_per_kb == 20'000);
  CHECK(c.config->acceptnonstdtxn);
  CHECK(c.config->limitdescendantcount == 10);
  const auto bad = parse_args({"--minrelaytxfee=0.000000001"});
  CHECK_FALSE(bad.config.has_value());
  CHECK(bad.exit_code != 0);
  const auto help = parse_args({"--help"});
  for (const char* opt : {"--maxmempool", "--mempoolexpiry", "--minrelaytxfee", "--acceptnonstdtxn",
                          "--limitancestorcount", "--limitdescendantcount"}) {
    CHECK_MESSAGE(help.message.find(opt) != std::string::npos, opt);
  }
}

TEST_CASE("coin amounts: at most 8 decimals, not negative, within the supply") {
  using btr::node::parse_coin_amount;
  CHECK(*parse_coin_amount("0.00001") == 1000);
  CHECK(*parse_coin_amount("12") == 1'200'000'000);
  CHECK(*parse_coin_amount("1.5") == 150'000'000);
  CHECK(parse_coin_amount("0.123456789").error() == "Invalid amount");
  CHECK(parse_coin_amount("-1").error() == "Amount out of range");
  CHECK(parse_coin_amount("2000000000").error() == "Amount out of range");
  CHECK(parse_coin_amount("1e5").error() == "Invalid amount");
  CHECK(parse_coin_amount("").error() == "Invalid amount");
}
