#include <doctest/doctest.h>

#include <vector>

#include "core/hex.h"
#include "core/script.h"

using namespace btr::core;

namespace {
std::vector<uint8_t> hex(std::string_view s) {
  return *from_hex(s);
}
std::string hex_of(const std::vector<uint8_t>& b) {
  return to_hex(b);
}
}  // namespace

TEST_CASE("script numbers encode minimally (CScriptNum)") {
  const std::pair<int64_t, const char*> cases[] = {{0, ""},
                                                   {1, "01"},
                                                   {-1, "81"},
                                                   {127, "7f"},
                                                   {128, "8000"},
                                                   {-128, "8080"},
                                                   {255, "ff00"},
                                                   {256, "0001"},
                                                   {32767, "ff7f"},
                                                   {32768, "008000"},
                                                   {-32768, "008080"},
                                                   {0x7fffffff, "ffffff7f"},
                                                   {-0x7fffffff, "ffffffff"},
                                                   {0x80000000LL, "0000008000"}};
  for (const auto& [value, expect] : cases) {
    CAPTURE(value);
    CHECK(hex_of(script_num_encode(value)) == expect);
    auto back = script_num_decode(script_num_encode(value), true, 5);
    REQUIRE(back.ok());
    CHECK(*back == value);
  }
}

TEST_CASE("script number decoding refuses non-minimal and oversized encodings") {
  CHECK_FALSE(script_num_decode(hex("00"), true).ok());
  CHECK_FALSE(script_num_decode(hex("80"), true).ok());  // negative zero
  CHECK_FALSE(script_num_decode(hex("0100"), true).ok());
  CHECK_FALSE(script_num_decode(hex("7f80"), true).ok());
  CHECK(*script_num_decode(hex("ff80"), true) == -255);  // sign byte needed
  CHECK(*script_num_decode(hex("0100"), false) == 1);
  CHECK_FALSE(script_num_decode(hex("0000000001"), false).ok());  // 5 bytes > 4
}

TEST_CASE("push_data uses the smallest push opcode for the length") {
  const std::pair<size_t, const char*> cases[] = {
      {0, "00"},     {1, "01"},       {75, "4b"},        {76, "4c4c"},
      {255, "4cff"}, {256, "4d0001"}, {65535, "4dffff"}, {65536, "4e00000100"}};
  for (const auto& [len, prefix] : cases) {
    CAPTURE(len);
    Script s;
    push_data(s, std::vector<uint8_t>(len, 0x07));
    const std::string p = prefix;
    CHECK(to_hex(std::span(s).first(p.size() / 2)) == p);
    CHECK(s.size() == p.size() / 2 + len);
  }
  Script one;
  push_data(one, hex("05"));
  CHECK(hex_of(one) == "0105");  // data, not OP_5
}

TEST_CASE("push_int follows CScript << int64") {
  const std::pair<int64_t, const char*> cases[] = {{0, "00"},
                                                   {-1, "4f"},
                                                   {1, "51"},
                                                   {16, "60"},
                                                   {17, "0111"},
                                                   {-2, "0182"},
                                                   {486604799, "04ffff001d"}};
  for (const auto& [v, expect] : cases) {
    Script s;
    push_int(s, v);
    CHECK(hex_of(s) == expect);
  }
}

TEST_CASE("BIP34 coinbase height: encoding and both accepted forms for 1..16") {
  CHECK(hex_of(coinbase_height_script(0)) == "00");
  CHECK(hex_of(coinbase_height_script(1)) == "51");
  CHECK(hex_of(coinbase_height_script(16)) == "60");
  CHECK(hex_of(coinbase_height_script(17)) == "0111");
  CHECK(hex_of(coinbase_height_script(128)) == "028000");
  CHECK(hex_of(coinbase_height_script(227836)) == "03fc7903");  // Bitcoin's first BIP34 block
  CHECK(hex_of(coinbase_height_script(2147483647)) == "04ffffff7f");

  for (int64_t h : {0LL, 1LL, 5LL, 16LL, 17LL, 127LL, 128LL, 255LL, 256LL, 65535LL, 65536LL,
                    8388607LL, 8388608LL, 970000000LL, 2147483647LL}) {
    CAPTURE(h);
    Script s = coinbase_height_script(h);
    s.insert(s.end(), {0x08, 1, 2, 3, 4, 5, 6, 7, 8});  // extranonce after the height
    auto parsed = parse_coinbase_height(s);
    REQUIRE(parsed.ok());
    CHECK(*parsed == h);
  }
  for (int h = 1; h <= 16; ++h) {
    const std::vector<uint8_t> pool_form = {0x01, static_cast<uint8_t>(h), 0xab};
    CHECK(*parse_coinbase_height(pool_form) == h);
  }
}

TEST_CASE("BIP34 coinbase height: malformed prefixes are refused") {
  for (const char* bad :
       {"", "01", "0100", "020500", "0181", "4c0105", "4d010005", "050000000001", "0201", "6a"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_coinbase_height(hex(bad)).ok());
  }
}

TEST_CASE("P2PKH and P2SH output scripts") {
  std::array<uint8_t, 20> h{};
  for (size_t i = 0; i < h.size(); ++i) h[i] = static_cast<uint8_t>(i);
  CHECK(hex_of(p2pkh_script(h)) == "76a914000102030405060708090a0b0c0d0e0f1011121388ac");
  CHECK(hex_of(p2sh_script(h)) == "a914000102030405060708090a0b0c0d0e0f1011121387");
}

TEST_CASE("legacy sigop count") {
  std::array<uint8_t, 20> h{};
  CHECK(legacy_sigop_count(p2pkh_script(h)) == 1);
  CHECK(legacy_sigop_count(p2sh_script(h)) == 0);
  CHECK(legacy_sigop_count(hex("ae")) == 20);
  CHECK(legacy_sigop_count(hex("af")) == 20);
  CHECK(legacy_sigop_count(hex("adacaf")) == 22);
  // Bytes inside a push are data, not opcodes.
  CHECK(legacy_sigop_count(hex("02acacac")) == 1);
  // Counting stops at a push that runs past the end.
  CHECK(legacy_sigop_count(hex("ac4c05acac")) == 1);
  CHECK(legacy_sigop_count(hex("")) == 0);
}

TEST_CASE("next_script_op walks pushes and refuses truncated ones") {
  const auto s = hex("4c0201024d0100ff4e01000000aa51");
  size_t pos = 0;
  auto a = next_script_op(s, pos);
  REQUIRE(a);
  CHECK(a->opcode == OP_PUSHDATA1);
  CHECK(to_hex(a->data) == "0102");
  auto b = next_script_op(s, pos);
  REQUIRE(b);
  CHECK(to_hex(b->data) == "ff");
  auto c = next_script_op(s, pos);
  REQUIRE(c);
  CHECK(to_hex(c->data) == "aa");
  auto d = next_script_op(s, pos);
  REQUIRE(d);
  CHECK(d->opcode == OP_1);
  CHECK_FALSE(next_script_op(s, pos));
  size_t p2 = 0;
  CHECK_FALSE(next_script_op(hex("4dff"), p2));
}
