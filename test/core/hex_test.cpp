#include <doctest/doctest.h>

#include "core/hex.h"

using namespace btr::core;

TEST_CASE("hex round trip and strict decoding") {
  const std::vector<uint8_t> bytes = {0x00, 0x01, 0xab, 0xff};
  CHECK(to_hex(bytes) == "0001abff");
  auto back = from_hex("0001ABff");
  REQUIRE(back.ok());
  CHECK(*back == bytes);
  CHECK_FALSE(from_hex("abc").ok());
  CHECK_FALSE(from_hex("zz").ok());
  CHECK(from_hex("").ok());
}
