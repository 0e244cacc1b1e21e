#include <doctest/doctest.h>

#include "core/chain_params.h"
#include "core/hex.h"
#include "pool/worker_name.h"

using namespace btr;

namespace {
// chain.md: the regtest pre-mine address (HASH160 8e68bb02...).
constexpr const char* kRegtestAddress = "mtVwi6aB1K4mZ4ziK27VgXGjdhLQ1V9iqs";
const core::AddressPrefixes& regtest() {
  return core::chain_params(core::Network::kRegtest).prefixes;
}
const core::AddressPrefixes& main_net() {
  return core::chain_params(core::Network::kMain).prefixes;
}
}  // namespace

TEST_CASE("worker name: ADDRESS, ADDRESS.worker and ADDRESS_worker") {
  for (const std::string suffix : {"", ".rig1", "_rig1"}) {
    auto w = pool::parse_worker_name(std::string(kRegtestAddress) + suffix, regtest());
    REQUIRE(w.ok());
    CHECK(w->address == kRegtestAddress);
    CHECK(w->worker == (suffix.empty() ? "" : "rig1"));
    CHECK(core::to_hex(w->script_pubkey) == "76a9148e68bb02448f9cd6b7f4facc39ba3aa826b92ff488ac");
  }
  auto dotted = pool::parse_worker_name(std::string(kRegtestAddress) + ".a.b_c", regtest());
  REQUIRE(dotted.ok());
  CHECK(dotted->worker == "a.b_c");
}

TEST_CASE("worker name: clear refusals") {
  auto wrong = pool::parse_worker_name(kRegtestAddress, main_net());
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.error().find("another network") != std::string::npos);
  std::string typo = kRegtestAddress;
  typo[5] = typo[5] == 'a' ? 'b' : 'a';
  auto bad = pool::parse_worker_name(typo, regtest());
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().find("invalid payout address") != std::string::npos);
  CHECK_FALSE(pool::parse_worker_name("", regtest()).ok());
  CHECK_FALSE(pool::parse_worker_name(".rig", regtest()).ok());
  CHECK_FALSE(
      pool::parse_worker_name("tb1qumezefzdeqqwn5zfvgdrhxjzc5ylr39uhuxcz4.bitaxe3", regtest())
          .ok());
  CHECK_FALSE(
      pool::parse_worker_name(std::string(kRegtestAddress) + "." + std::string(65, 'w'), regtest())
          .ok());
  CHECK_FALSE(pool::parse_worker_name(std::string(kRegtestAddress) + ".a b", regtest()).ok());
  auto junk = pool::parse_worker_name(std::string("\x01\xff garbage"), regtest());
  REQUIRE_FALSE(junk.ok());
  for (char c : junk.error()) CHECK((c >= 0x20 && c <= 0x7e));
}
