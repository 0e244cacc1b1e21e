// Robustness: random and mutated lines (>= 50,000) through the framer and
// both parsers. Nothing may crash or throw; every refusal has a reason; and
// whatever parses re-encodes to a line that parses to the same message.
#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "stratum/codec.h"
#include "stratum/line_framer.h"
#include "test/common/test_util.h"
#include "test/stratum/worked_example.h"

using namespace btr;

namespace {

const std::vector<std::string>& seeds() {
  static const std::vector<std::string> lines = {
      R"({"id": 1, "method": "mining.configure", "params": [["version-rolling"], {"version-rolling.mask": "ffffffff"}]})",
      R"({"id": 2, "method": "mining.subscribe", "params": ["bitaxe/BM1366/v2.4.0"]})",
      R"({"id": 3, "method": "mining.authorize", "params": ["addr.worker", "x"]})",
      R"({"id": 4, "method": "mining.submit", "params": ["w", "1f", "00000001", "647025b5", "0a029ed1"]})",
      R"({"id": 5, "method": "mining.submit", "params": ["w", "1", "c7080000", "64b3f3ec", "ed460d91", "00002000"]})",
      R"({"id": 6, "method": "mining.suggest_difficulty", "params": [0.001]})",
      R"J({"id": 7, "method": "mining.suggest_difficulty(512)", "params": []})J",
      R"({"id": 8, "method": "mining.extranonce.subscribe", "params": []})",
      R"({"method":"pong"})",
      R"({"id":null,"method":"mining.set_difficulty","params":[512]})",
      R"({"id":null,"method":"mining.set_extranonce","params":["12905085617eff8e",8]})",
      R"({"id":null,"method":"mining.set_version_mask","params":["1fffe000"]})",
      R"({"id":null,"method":"client.reconnect","params":["pool.example","3333",0]})",
      R"({"id":null,"method":"client.show_message","params":["hello"]})",
      R"({"id":42,"method":"mining.ping","params":[]})",
      R"({"id":4,"result":null,"error":[21,"Stale",null]})",
      R"({"id":4,"result":false,"error":"Stale"})",
      R"({"id":4,"result":null,"error":{"code":22,"message":"Duplicate"}})",
      R"({"id":4,"result":false,"error":null,"reject-reason":"Above target"})",
      R"({"id":2,"result":[[["mining.notify","6b4c2a1f"]],"6b4c2a1f",8],"error":null})",
      R"({"id":1,"result":{"version-rolling":true,"version-rolling.mask":"1fffe000"},"error":null})",
      test::worked_example::notify_line(),
  };
  return lines;
}

const char kAlphabet[] = "{}[]\":,0123456789abcdefxyz-+.eE \\ntrufalsnul\x01\xff\xc3\xa9";

std::string mutate(std::string s, std::mt19937_64& rng) {
  const int edits = 1 + static_cast<int>(rng() % 8);
  for (int e = 0; e < edits; ++e) {
    if (s.empty()) s.push_back('{');
    const size_t pos = rng() % s.size();
    const char c = kAlphabet[rng() % (sizeof(kAlphabet) - 1)];
    switch (rng() % 6) {
      case 0:
        s[pos] = c;
        break;
      case 1:
        s.insert(s.begin() + static_cast<long>(pos), c);
        break;
      case 2:
        s.erase(pos, 1 + rng() % 4);
        break;
      case 3:
        s.insert(pos, s.substr(rng() % s.size(), rng() % 16));
        break;  // duplicate a span
      case 4:
        s.resize(pos);
        break;  // truncate
      default:
        s[pos] = static_cast<char>(rng());
        break;
    }
  }
  return s;
}

std::string random_line(std::mt19937_64& rng) {
  std::string s(rng() % 200, ' ');
  for (char& c : s) c = kAlphabet[rng() % (sizeof(kAlphabet) - 1)];
  return s;
}

template <class Parsed, class Encode, class Parse>
void check_consistent(const Parsed& p, Encode encode, Parse parse) {
  if (!p.message.ok()) {
    REQUIRE_FALSE(p.message.error().empty());
    return;
  }
  // Re-encoding an accepted message gives a line that parses to the same message.
  const std::string again = encode(p.id, *p.message);
  const auto back = parse(again);
  REQUIRE(back.message.ok());
  REQUIRE(*back.message == *p.message);
}

}  // namespace

TEST_CASE("fuzz: 60,000 random and mutated lines never crash or throw") {
  std::mt19937_64 rng(test::seed());
  const auto& base = seeds();
  size_t accepted = 0;
  constexpr int kLines = 60'000;
  for (int i = 0; i < kLines; ++i) {
    const std::string line =
        (i % 5 == 0) ? random_line(rng) : mutate(base[rng() % base.size()], rng);
    const auto c = stratum::parse_client_message(line);
    const auto s = stratum::parse_server_message(line);
    check_consistent(c, stratum::encode_client_message,
                     [](const std::string& l) { return stratum::parse_client_message(l); });
    check_consistent(s, stratum::encode_server_message,
                     [](const std::string& l) { return stratum::parse_server_message(l); });
    if (s.message.ok() && std::holds_alternative<stratum::Response>(*s.message)) {
      const auto& r = std::get<stratum::Response>(*s.message);
      (void)stratum::decode_bool_result(r);
      (void)stratum::decode_subscribe_result(r);
      (void)stratum::decode_configure_result(r);
      (void)stratum::decode_string_result(r);
    }
    accepted += c.message.ok() + s.message.ok();
  }
  MESSAGE("fuzz lines: " << kLines << ", parsed ok (either direction): " << accepted);
  CHECK(accepted > 0);
}

TEST_CASE("fuzz: random byte stream through the framer in random chunks") {
  std::mt19937_64 rng(test::seed() ^ 0x5eed);
  stratum::LineFramer framer;
  size_t lines = 0;
  size_t total = 0;
  for (int chunk = 0; chunk < 20'000; ++chunk) {
    std::string bytes(rng() % 300, '\0');
    for (char& c : bytes) c = (rng() % 40 == 0) ? '\n' : static_cast<char>(rng());
    total += bytes.size();
    if (!framer.feed(bytes).ok()) {
      framer.reset();
      continue;
    }
    while (auto line = framer.next_line()) {
      REQUIRE(line->size() <= stratum::kMaxLineBytes);
      REQUIRE(line->find('\n') == std::string::npos);
      (void)stratum::parse_client_message(*line);
      ++lines;
    }
  }
  MESSAGE("framer: " << total << " bytes, " << lines << " lines");
  CHECK(lines > 0);
}
