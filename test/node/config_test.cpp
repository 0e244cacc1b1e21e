#include <doctest/doctest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "node/config.h"
#include "tools/cli/attack_prob.h"

using btr::node::parse_node_config;

namespace {

btr::node::ConfigParse parse(std::vector<std::string> args) {
  std::vector<const char*> argv = {"btr-node"};
  for (const auto& a : args) argv.push_back(a.c_str());
  return parse_node_config(static_cast<int>(argv.size()), argv.data());
}

}  // namespace

TEST_CASE("config: Core option names, network folders, config file below the command line") {
  const auto dir = std::filesystem::temp_directory_path() / "btr_node_test_conf";
  std::filesystem::create_directories(dir);
  {
    std::ofstream conf(dir / "btr.conf");
    conf << "# comment\nregtest=1\nrpcport=1234\nrpcuser=alice\nrpcpassword=secret\n"
            "rpcallowip=10.0.0.0/8\nrpcallowip=192.168.0.0/16\ntxindex=1\nconnect=1.2.3.4\n";
  }
  auto r = parse({"--datadir=" + dir.string(), "-rpcport=99", "--prune", "600"});
  REQUIRE(r.config.has_value());
  const auto& c = *r.config;
  CHECK(c.network == "regtest");
  CHECK(c.datadir == dir / "regtest");
  CHECK(c.rpcport.value() == 99);  // command line wins
  CHECK(c.rpcuser == "alice");
  CHECK(c.rpcallowip.size() == 2);
  CHECK(c.txindex);
  CHECK(c.prune_mib == 600);
  CHECK(c.connect == std::vector<std::string>{"1.2.3.4"});
  std::filesystem::remove_all(dir);
}

TEST_CASE("config: help documents every option, errors exit non-zero") {
  auto h = parse({"--help"});
  CHECK_FALSE(h.config.has_value());
  CHECK(h.exit_code == 0);
  for (const char* opt : {"--network",        "--datadir",     "--conf",
                          "--rpcport",        "--port",        "--rpcbind",
                          "--rpcallowip",     "--rpcuser",     "--rpcpassword",
                          "--connect",        "--addnode",     "--listen",
                          "--maxconnections", "--blocknotify", "--zmqpubhashblock",
                          "--zmqpubrawblock", "--txindex",     "--prune",
                          "--printtoconsole", "--verify-utxo"}) {
    CHECK_MESSAGE(h.message.find(opt) != std::string::npos, opt);
  }
  CHECK(h.message.find("--bind") != std::string::npos);
  CHECK(h.message.find("8 outbound, the rest inbound") != std::string::npos);
  auto bad = parse({"--network=moon"});
  CHECK_FALSE(bad.config.has_value());
  CHECK(bad.exit_code != 0);
  auto half = parse({"--rpcuser=a", "--datadir=/nonexistent-btr"});
  CHECK_FALSE(half.config.has_value());
}

TEST_CASE("attackprob: the white paper's table (section 11)") {
  // Values printed in the Bitcoin white paper for q = 0.1 and q = 0.3.
  const double q10[] = {1.0000000, 0.2045873, 0.0509779, 0.0131722, 0.0034552, 0.0009137,
                        0.0002428, 0.0000647, 0.0000173, 0.0000046, 0.0000012};
  for (int z = 0; z <= 10; ++z) {
    // The paper prints 7 decimals: agree to rounding.
    CHECK(std::abs(btr::tools::attacker_success_probability(0.1, z) - q10[z]) < 5.1e-8);
  }
  CHECK(std::abs(btr::tools::attacker_success_probability(0.3, 5) - 0.1773523) < 5.1e-8);
  CHECK(std::abs(btr::tools::attacker_success_probability(0.3, 10) - 0.0416605) < 5.1e-8);
  CHECK(btr::tools::attacker_success_probability(0.5, 3) == 1.0);
  CHECK(btr::tools::attacker_success_probability(0.0, 3) == 0.0);
}

TEST_CASE("config: boolean options work as bare flags and with values") {
  auto a = parse({"--txindex", "--printtoconsole=0", "-listen=0", "--datadir=/nonexistent-btr"});
  REQUIRE(a.config.has_value());
  CHECK(a.config->txindex);
  CHECK_FALSE(a.config->printtoconsole);
  CHECK_FALSE(a.config->listen);
  auto b = parse({"--txindex=0", "--datadir=/nonexistent-btr"});
  REQUIRE(b.config.has_value());
  CHECK_FALSE(b.config->txindex);
}
