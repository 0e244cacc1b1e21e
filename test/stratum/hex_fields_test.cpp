#include <doctest/doctest.h>

#include "stratum/hex_fields.h"

using namespace btr;

TEST_CASE("hex8: big-endian hex of the uint32, exactly 8 digits") {
  CHECK(stratum::u32_to_hex8(0x20000004) == "20000004");
  CHECK(stratum::u32_to_hex8(0x0a029ed1) == "0a029ed1");
  CHECK(stratum::u32_to_hex8(0) == "00000000");
  CHECK(stratum::parse_hex8("20000004").value() == 0x20000004u);
  CHECK(stratum::parse_hex8("FFFFFFFF").value() == 0xffffffffu);
  CHECK_FALSE(stratum::parse_hex8("2000004").ok());    // 7 digits
  CHECK_FALSE(stratum::parse_hex8("200000040").ok());  // 9 digits
  CHECK_FALSE(stratum::parse_hex8("2000000g").ok());
  CHECK_FALSE(stratum::parse_hex8("").ok());
}

TEST_CASE("hex8 lenient: public-pool's unpadded toString(16) values") {
  CHECK(stratum::parse_hex_u32_lenient("1d00ffff").value() == 0x1d00ffffu);
  CHECK(stratum::parse_hex_u32_lenient("64b3f3e").value() == 0x064b3f3eu);
  CHECK(stratum::parse_hex_u32_lenient("0").value() == 0u);
  CHECK_FALSE(stratum::parse_hex_u32_lenient("").ok());
  CHECK_FALSE(stratum::parse_hex_u32_lenient("123456789").ok());
  CHECK_FALSE(stratum::parse_hex_u32_lenient("-1").ok());
  CHECK_FALSE(stratum::parse_hex_u32_lenient("0x10").ok());
}

TEST_CASE("prevhash: word swap in both directions (spec worked example)") {
  const char* notify = "0c859545a3498373a57452fac22eb7113df2a465000543520000000000000000";
  const char* display = "0000000000000000000543523df2a465c22eb711a57452faa34983730c859545";
  const auto h = stratum::prevhash_from_stratum_hex(notify);
  REQUIRE(h.ok());
  CHECK(h->to_display_hex() == display);
  CHECK(stratum::prevhash_to_stratum_hex(*h) == notify);
  // Equivalent rule: display hex with its eight 8-char groups reversed.
  std::string groups;
  const std::string d = display;
  for (int g = 7; g >= 0; --g) groups += d.substr(8 * static_cast<size_t>(g), 8);
  CHECK(groups == notify);
  CHECK_FALSE(stratum::prevhash_from_stratum_hex(std::string(notify).substr(2)).ok());
  CHECK_FALSE(stratum::prevhash_from_stratum_hex(std::string(62, '0') + "zz").ok());
}
