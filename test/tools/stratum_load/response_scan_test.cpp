// btr-stratum-load's fast mining.submit answer scanner against lines from
// the real encoders (stratum::encode_bool_result, stratum::encode_error):
// whenever it accepts a line, the full parser must read the same id and
// verdict; everything else it must refuse, never misread. Also the submit
// line builder, which must write exactly the text it replaced.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/hex.h"
#include "stratum/codec.h"
#include "stratum/hex_fields.h"
#include "tools/stratum_load/response_scan.h"
#include "tools/stratum_load/submit_line.h"

namespace {

using btr::stratum::MessageId;
using btr::tools::scan_submit_response;

std::string strip_lf(std::string line) {
  REQUIRE(!line.empty());
  REQUIRE(line.back() == '\n');
  line.pop_back();
  return line;
}

// When the scan accepts, the full parser must agree on id, verdict and code.
void check_agrees(const std::string& line) {
  CAPTURE(line);
  const auto scan = scan_submit_response(line);
  if (!scan) return;
  const auto full = btr::stratum::parse_server_message(line);
  REQUIRE(full.message.ok());
  const auto* id = std::get_if<int64_t>(&full.id);
  REQUIRE(id != nullptr);
  CHECK(*id == scan->id);
  const auto* r = std::get_if<btr::stratum::Response>(&*full.message);
  REQUIRE(r != nullptr);
  CHECK(r->error.has_value() == scan->error);
  if (r->error) CHECK(r->error->code == scan->code);
  if (!r->error) CHECK(r->result_json == "true");
}

const std::vector<int64_t> kIds = {0, 1, 2, 100, 4294967295LL, -1, -42, 999999999999999999LL};

}  // namespace

TEST_CASE("scan_submit_response reads encode_bool_result(true) with integer ids") {
  for (const int64_t id : kIds) {
    CAPTURE(id);
    const std::string line = strip_lf(btr::stratum::encode_bool_result(MessageId{id}, true));
    const auto scan = scan_submit_response(line);
    REQUIRE(scan.has_value());
    CHECK(scan->id == id);
    CHECK_FALSE(scan->error);
    check_agrees(line);
    CHECK(scan_submit_response(line + "\r").has_value());
  }
}

TEST_CASE("scan_submit_response reads encode_error, escapes in the reason included") {
  const std::vector<std::string> reasons = {
      "low difficulty share",  "",
      "job not found (stale)", "quote \" and backslash \\",
      "tab\tnewline\ncr\r",    std::string("nul\0ctl\x01\x1f", 9),
      "slash / braces {}[],:"};
  for (const int code : {20, 21, 22, 23, 24, 25, 0, -1, 999999999}) {
    for (const auto& reason : reasons) {
      for (const int64_t id : kIds) {
        CAPTURE(code);
        CAPTURE(reason);
        CAPTURE(id);
        const std::string line = strip_lf(btr::stratum::encode_error(MessageId{id}, code, reason));
        const auto scan = scan_submit_response(line);
        REQUIRE(scan.has_value());
        CHECK(scan->id == id);
        CHECK(scan->error);
        CHECK(scan->code == code);
        check_agrees(line);
      }
    }
  }
}

TEST_CASE("scan_submit_response refuses what it does not know; the full parser takes those") {
  std::vector<std::string> lines = {
      // Other ids: string, null, too long for the fast path.
      strip_lf(btr::stratum::encode_bool_result(MessageId{std::string("7")}, true)),
      strip_lf(btr::stratum::encode_bool_result(MessageId{}, true)),
      strip_lf(btr::stratum::encode_error(MessageId{std::string("x\"y")}, 23, "low")),
      strip_lf(btr::stratum::encode_error(MessageId{}, 23, "low")),
      R"({"error":null,"id":1234567890123456789,"result":true})",
      // result false, other layouts, spaces, extra keys.
      strip_lf(btr::stratum::encode_bool_result(MessageId{int64_t{5}}, false)),
      R"({"id":5,"result":true,"error":null})",
      R"({"error":null, "id":5,"result":true})",
      R"({"error":null,"id":5,"result":true,"x":1})",
      R"({"error":null,"id":5,"result":true} )",
      // Non-ASCII and surrogate reasons (the full parser checks those).
      strip_lf(btr::stratum::encode_error(MessageId{int64_t{5}}, 23, "caf\xc3\xa9")),
      R"({"error":[23,"\ud83d\ude00",null],"id":5,"result":null})",
      R"({"error":[23,"\uDC00",null],"id":5,"result":null})",
      // Numbers JSON or the fast path does not take.
      R"({"error":null,"id":05,"result":true})",
      R"({"error":null,"id":-0,"result":true})",
      R"({"error":null,"id":5.0,"result":true})",
      R"({"error":null,"id":5e2,"result":true})",
      R"({"error":null,"id":-,"result":true})",
      R"({"error":[1234567890,"r",null],"id":5,"result":null})",
      R"({"error":[-0,"r",null],"id":5,"result":null})",
      R"({"error":[2.5,"r",null],"id":5,"result":null})",
      // Bad escapes, unterminated strings, garbage.
      R"({"error":[23,"bad \x escape",null],"id":5,"result":null})",
      R"({"error":[23,"bad \u12g4",null],"id":5,"result":null})",
      R"({"error":[23,"short \u12",null],"id":5,"result":null})",
      R"({"error":[23,"no end,null],"id":5,"result":null})",
      R"({"error":[23,"r"],"id":5,"result":null})",
      R"({"error":[23,"r",null],"id":5,"result":true})",
      R"({"error":null,"id":5,"result":null})",
      "",
      "{",
      "\r",
      "garbage",
      "{\"error\":",
      "{\"error\":[",
      "{\"error\":null,\"id\":",
      strip_lf(btr::stratum::encode_set_difficulty(0.5)),
  };
  // Every truncation of the good lines.
  for (const std::string& good :
       {strip_lf(btr::stratum::encode_bool_result(MessageId{int64_t{123}}, true)),
        strip_lf(btr::stratum::encode_error(MessageId{int64_t{123}}, 23, "low \"diff\""))}) {
    for (size_t n = 0; n < good.size(); ++n) lines.push_back(good.substr(0, n));
  }
  for (const auto& line : lines) {
    CAPTURE(line);
    CHECK_FALSE(scan_submit_response(line).has_value());
  }
}

TEST_CASE("scan_submit_response never disagrees with the full parser on mutated lines") {
  // Every single-byte change of good lines: any the scan still accepts must
  // be read the same by the full parser.
  const std::string alphabet = "0123456789-\"\\,:[]{}nulrtuefa \x7f\x80";
  for (const std::string& good :
       {strip_lf(btr::stratum::encode_bool_result(MessageId{int64_t{4321}}, true)),
        strip_lf(btr::stratum::encode_error(MessageId{int64_t{-17}}, 23, "a\\b\"c\u0001"))}) {
    for (size_t i = 0; i < good.size(); ++i) {
      for (const char ch : alphabet) {
        std::string line = good;
        line[i] = ch;
        check_agrees(line);
        line.insert(i, 1, ch);
        check_agrees(line);
      }
      std::string erased = good;
      erased.erase(i, 1);
      check_agrees(erased);
    }
  }
}

TEST_CASE("append_submit_line writes the same text as before, and the pool reads it back") {
  const std::string user = "mtVwi6aB1K4mZ4ziK27VgXGjdhLQ1V9iqs.rig1";
  const std::string job = "1a2b";
  for (const size_t en2_size : {size_t{0}, size_t{4}, size_t{8}, size_t{16}}) {
    std::vector<uint8_t> en2(en2_size);
    for (size_t i = 0; i < en2_size; ++i) en2[i] = static_cast<uint8_t>(0xf0 + i * 7);
    for (const uint32_t id : {0u, 100u, 4294967295u}) {
      const uint32_t ntime = 0x65a1b2c3, nonce = 0x0000ff01;
      // The old builder's expression, verbatim.
      const std::string expected = "{\"id\":" + std::to_string(id) +
                                   ",\"method\":\"mining.submit\",\"params\":[\"" + user + "\",\"" +
                                   job + "\",\"" + btr::core::to_hex(en2) + "\",\"" +
                                   btr::stratum::u32_to_hex8(ntime) + "\",\"" +
                                   btr::stratum::u32_to_hex8(nonce) + "\",\"00000000\"]}\n";
      std::string out = "prefix";
      btr::tools::append_submit_line(out, user, id, job, en2, ntime, nonce);
      CHECK(out == "prefix" + expected);
      const auto parsed =
          btr::stratum::parse_client_message(expected.substr(0, expected.size() - 1));
      REQUIRE(parsed.message.ok());
      const auto* s = std::get_if<btr::stratum::Submit>(&*parsed.message);
      REQUIRE(s != nullptr);
      CHECK(s->job_id == job);
    }
  }
}
