#include <doctest/doctest.h>

#include <string>

#include "stratum/line_framer.h"

using namespace btr;

TEST_CASE("framer: splits on LF, tolerates CRLF, skips empty lines, keeps partial lines") {
  stratum::LineFramer f;
  REQUIRE(f.feed("{\"a\":1}\n{\"b\"").ok());
  CHECK(f.next_line().value() == "{\"a\":1}");
  CHECK_FALSE(f.next_line().has_value());
  REQUIRE(f.feed(":2}\r\n\n\r\n{\"c\":3}\n").ok());
  CHECK(f.next_line().value() == "{\"b\":2}");
  CHECK(f.next_line().value() == "{\"c\":3}");
  CHECK_FALSE(f.next_line().has_value());
  CHECK(f.buffered() == 0);
}

TEST_CASE("framer: byte-by-byte feeding yields the same lines") {
  const std::string stream = "one\ntwo\r\nthree\n";
  stratum::LineFramer f;
  std::string got;
  for (char c : stream) {
    REQUIRE(f.feed(std::string_view(&c, 1)).ok());
    while (auto line = f.next_line()) got += *line + "|";
  }
  CHECK(got == "one|two|three|");
}

TEST_CASE("framer: a line over 16 KiB fails and poisons the framer") {
  stratum::LineFramer f;
  REQUIRE(f.feed("ok\n").ok());
  REQUIRE(f.feed(std::string(stratum::kMaxLineBytes, 'x')).ok());  // exactly the limit: fine
  CHECK_FALSE(f.feed("y").ok());                                   // one more byte: too long
  CHECK(f.failed());
  CHECK(f.next_line().value() == "ok");  // what was complete before is still delivered
  CHECK_FALSE(f.feed("\n").ok());
  f.reset();
  CHECK(f.feed("fine\n").ok());
  CHECK(f.next_line().value() == "fine");
}

TEST_CASE("framer: an overlong complete line inside one chunk is refused") {
  stratum::LineFramer f(8);
  CHECK(f.feed("12345678\n").ok());
  CHECK_FALSE(f.feed("short\n123456789\n").ok());
}

TEST_CASE("framer: many lines in one chunk, buffer compacts as lines are consumed") {
  stratum::LineFramer f;
  std::string chunk;
  for (int i = 0; i < 1000; ++i) chunk += std::to_string(i) + "\n";
  for (int round = 0; round < 20; ++round) {
    REQUIRE(f.feed(chunk).ok());
    for (int i = 0; i < 1000; ++i) REQUIRE(f.next_line().value() == std::to_string(i));
  }
  CHECK(f.buffered() == 0);
}
