// Job -> header building as btr-miner does it (tools/miner/miner_job.h, which
// goes through the Stratum codec's share reconstruction), checked against
// mining-interop.md's worked example and $BTR_VECTORS_DIR/stratum/examples.json.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/crypto/sha256.h"
#include "core/hex.h"
#include "stratum/codec.h"
#include "stratum/hex_fields.h"
#include "test/common/test_util.h"
#include "tools/miner/miner_job.h"
#include "tools/miner/work_manager.h"

using namespace btr::tools::miner;
using btr::core::from_hex;
using btr::core::to_hex;

namespace {

std::vector<uint8_t> hex(const std::string& text) {
  auto bytes = from_hex(text);
  REQUIRE(bytes);
  return *bytes;
}

btr::stratum::Notify parse_notify(const std::string& line) {
  auto parsed = btr::stratum::parse_server_message(line);
  REQUIRE(parsed.message);
  const auto* notify = std::get_if<btr::stratum::Notify>(&*parsed.message);
  REQUIRE(notify != nullptr);
  return *notify;
}

}  // namespace

TEST_CASE("miner job: header of mining-interop.md's worked example") {
  // Section 1, "Worked example (real mainnet job, Braiins/slush, height 791433)".
  const nlohmann::json params = {
      "0",
      "0c859545a3498373a57452fac22eb7113df2a465000543520000000000000000",
      "01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff4b03"
      "89130cfabe6d6d5cbab26a2599e92916edec5657a94a0708ddb970f5c45b5d12905085617eff8e",
      "31650707758de07b010000000000001cfd7038212f736c7573682f000000000379ad0c2a000000001976a9"
      "147c154ed1dc59609e3d26abb2df2ea3d587cd8c4188ac00000000000000002c6a4c2952534b424c4f434b"
      "3ae725d3994b811572c1f345deb98b56b465ef8e153ecbbd27fa37bf1b005161380000000000000000266a"
      "24aa21a9ed63b06a7946b190a3fda1d76165b25c9b883bcc6621b040773050ee2a1bb18f1800000000",
      {"2b77d9e413e8121cd7a17ff46029591051d0922bd90b2b2a38811af1cb57a2b2",
       "5c8874cef00f3a233939516950e160949ef327891c9090467cead995441d22c5",
       "2d91ff8e19ac5fa69a40081f26c5852d366d608b04d2efe0d5b65d111d0d8074",
       "0ae96f609ad2264112a0b2dfb65624bedbcea3b036a59c0173394bba3a74e887",
       "e62172e63973d69574a82828aeb5711fc5ff97946db10fc7ec32830b24df7bde",
       "adb49456453aab49549a9eb46bb26787fb538e0a5f656992275194c04651ec97",
       "a7bc56d04d2672a8683892d6c8d376c73d250a4871fdf6f57019bcc737d6d2c2",
       "d94eceb8182b4f418cd071e93ec2a8993a0898d4c93bc33d9302f60dbbd0ed10",
       "5ad7788b8c66f8f50d332b88a80077ce10e54281ca472b4ed9bbbbcb6cf99083",
       "9f9d784b33df1b3ed3edb4211afc0dc1909af9758c6f8267e469f5148ed04809",
       "48fd17affa76b23e6fb2257df30374da839d6cb264656a82e34b350722b05123",
       "c4f5ab01913fc186d550c1a28f3f3e9ffaca2016b961a6a751f8cca0089df924",
       "cff737e1d00176dd6bbfa73071adbb370f227cfb5fba186562e4060fcec877e1"},
      "20000004",
      "1705ae3a",
      "647025b5",
      true};
  MinerJob job;
  job.notify = parse_notify(
      nlohmann::json{{"id", nullptr}, {"method", "mining.notify"}, {"params", params}}.dump());
  job.extranonce1 = hex("01000000");
  job.extranonce2_size = 4;
  const auto en2 = hex("00000000");
  const auto coinbase = job_coinbase(job, en2);
  CHECK(coinbase.size() == 260);
  CHECK(btr::core::sha256d(coinbase).to_display_hex() ==
        "80d95f27e6da652c6070f3b341bbfa9cb5f96d3e363286562df7f4496dee0b7a");
  const auto header = job_header(job, en2, 0x20000004, 0x0a029ed1);
  CHECK(to_hex(header) ==
        "040000204595850c738349a3fa5274a511b72ec265a4f23d5243050000000000000000005bdc1968499c3393"
        "873edf8e07a1c3a50a97fc3a9d1a376bbf77087dd63778ebb52570643aae0517d19e020a");
  const auto hash = btr::core::sha256d(header);
  CHECK(hash.to_display_hex() ==
        "00000000005fe144efbc66241c0094b8fdc2702b7729226fdfed70ca8094c0b5");
  CHECK(static_cast<int>(difficulty_of_hash(hash)) == 683);
  // The share passes at difficulty 683 and fails at 684.
  CHECK(hash_at_or_under(hash, target_for_difficulty(683)));
  CHECK_FALSE(hash_at_or_under(hash, target_for_difficulty(684)));
}

TEST_CASE("miner job: headers of stratum/examples.json") {
  BTR_REQUIRE_VECTORS(dir);
  const auto doc = nlohmann::json::parse(btr::test::read_file(dir / "stratum" / "examples.json"));
  int checked = 0;
  for (const auto& example : doc.at("examples")) {
    CAPTURE(example.at("name").get<std::string>());
    std::string notify_line;
    for (const auto& [key, value] : example.at("messages").items()) {
      if (key.starts_with("mining_notify")) notify_line = value.get<std::string>();
    }
    REQUIRE_FALSE(notify_line.empty());
    const auto& share = example.at("share");
    auto job = std::make_shared<MinerJob>();
    job->notify = parse_notify(notify_line);
    job->extranonce1 = hex(share.at("extranonce1").get<std::string>());
    job->extranonce2_size = share.at("extranonce2_size").get<size_t>();
    const auto en2 = hex(share.at("extranonce2").get<std::string>());
    const auto u32 = [&](const char* key) {
      return static_cast<uint32_t>(std::stoul(share.at(key).get<std::string>(), nullptr, 16));
    };
    job->notify.ntime = u32("ntime");
    const uint32_t version = u32("version");
    const auto header = job_header(*job, en2, version, u32("nonce"));
    const auto& computed = example.at("computed");
    CHECK(to_hex(header) == computed.at("header_hex").get<std::string>());
    const auto hash = btr::core::sha256d(header);
    CHECK(hash.to_display_hex() == computed.at("hash").get<std::string>());
    CHECK(difficulty_of_hash(hash) ==
          doctest::Approx(computed.at("share_difficulty").get<double>()).epsilon(1e-6));
    // What mining.submit would carry as version bits (rolled XOR job version).
    FoundShare found;
    found.job = job;
    found.version = version;
    if (share.contains("version_rolling_bits")) {
      CHECK(btr::stratum::parse_hex8(share.at("version_rolling_bits").get<std::string>()).value() ==
            found.version_bits());
    }
    ++checked;
  }
  MESSAGE("checked " << checked << " stratum examples");
  CHECK(checked == 3);
}

TEST_CASE("miner job: difficulty and compact targets") {
  using btr::core::Uint256;
  CHECK(target_for_difficulty(1) == (Uint256(0xffff) << 208u));
  CHECK(target_for_difficulty(65536) == (Uint256(0xffff) << 192u));
  CHECK(target_for_difficulty(1.0 / 65536) == (Uint256(0xffff) << 224u));
  CHECK(target_for_difficulty(0.5) == (Uint256(0xffff) << 209u));
  CHECK(target_for_difficulty(0) == Uint256::max());
  // 0x207fffff (regtest): 0x7fffff * 256^29.
  CHECK(target_from_compact(0x207fffff) == (Uint256(0x7fffff) << 232u));
  CHECK(target_from_compact(0x1d00ffff) == (Uint256(0xffff) << 208u));
  CHECK(target_from_compact(0x04923456).is_zero());  // negative
}
