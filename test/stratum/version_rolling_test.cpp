#include <doctest/doctest.h>

#include "stratum/codec.h"
#include "stratum/version_rolling.h"

using namespace btr;

namespace {
stratum::Configure configure_of(const std::string& line) {
  auto parsed = stratum::parse_client_message(line);
  REQUIRE(parsed.message.ok());
  return std::get<stratum::Configure>(*parsed.message);
}
}  // namespace

TEST_CASE("version rolling: ESP-Miner / cgminer send mask ffffffff without min-bit-count") {
  // [EM] STRATUM_V1_configure_version_rolling and [CG] configure_stratum_mining.
  const auto c = configure_of(
      R"({"id": 1, "method": "mining.configure", "params": [["version-rolling"], {"version-rolling.mask": "ffffffff"}]})");
  CHECK(c.version_rolling_mask == 0xffffffffu);
  CHECK_FALSE(c.version_rolling_min_bit_count.has_value());
  const auto r = stratum::negotiate_configure(c, stratum::kDefaultVersionMask);
  CHECK(r.version_rolling == true);
  CHECK(r.version_rolling_mask == 0x1fffe000u);
  CHECK(stratum::encode_configure_result(1, r) ==
        "{\"error\":null,\"id\":1,\"result\":{\"version-rolling\":true,\"version-rolling.mask\":"
        "\"1fffe000\"}}\n");
}

TEST_CASE("version rolling: answer is pool_mask & miner_mask, min-bit-count honoured") {
  stratum::Configure c{{"version-rolling"}, 0x00ffff00u, 2};
  auto r = stratum::negotiate_configure(c, 0x1fffe000u);
  CHECK(r.version_rolling == true);
  CHECK(r.version_rolling_mask == 0x00ffe000u);
  c.version_rolling_min_bit_count = 12;  // only 11 common bits
  r = stratum::negotiate_configure(c, 0x1fffe000u);
  CHECK(r.version_rolling == false);
  c = {{"version-rolling"}, 0x000000ffu, std::nullopt};  // no common bit
  r = stratum::negotiate_configure(c, 0x1fffe000u);
  CHECK(r.version_rolling == false);
  c = {{"version-rolling"}, std::nullopt, std::nullopt};  // no mask: any bit
  r = stratum::negotiate_configure(c, 0x1fffe000u);
  CHECK(r.version_rolling_mask == 0x1fffe000u);
}

TEST_CASE("version rolling: unsupported extensions are answered false") {
  const auto c = configure_of(
      R"({"id":1,"method":"mining.configure","params":[["minimum-difficulty","version-rolling","subscribe-extranonce"],{"minimum-difficulty.value":2048,"version-rolling.mask":"1fffe000","version-rolling.min-bit-count":2}]})");
  const auto r = stratum::negotiate_configure(c, stratum::kDefaultVersionMask);
  CHECK(r.version_rolling == true);
  CHECK(r.unsupported == std::vector<std::string>{"minimum-difficulty", "subscribe-extranonce"});
  const std::string line = stratum::encode_configure_result(7, r);
  CHECK(line.find("\"minimum-difficulty\":false") != std::string::npos);
  CHECK(line.find("\"subscribe-extranonce\":false") != std::string::npos);
  // A miner decodes the same answer back.
  auto back = stratum::parse_server_message(line);
  REQUIRE(back.message.ok());
  auto decoded = stratum::decode_configure_result(std::get<stratum::Response>(*back.message));
  REQUIRE(decoded.ok());
  CHECK(*decoded == r);
  // No version-rolling requested: no version-rolling key in the answer.
  const auto only_other = stratum::negotiate_configure({{"info"}, {}, {}}, 0x1fffe000u);
  CHECK_FALSE(only_other.version_rolling.has_value());
}
