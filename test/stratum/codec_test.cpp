// Codec: round trips of every message and the real message shapes quoted in
// mining-interop.md.
#include <doctest/doctest.h>

#include "core/hex.h"
#include "stratum/codec.h"

using namespace btr;
using namespace btr::stratum;

namespace {

template <class T>
T client_as(std::string_view line, MessageId* id = nullptr) {
  auto parsed = parse_client_message(line);
  INFO(line);
  REQUIRE(parsed.message.ok());
  REQUIRE(std::holds_alternative<T>(*parsed.message));
  if (id) *id = parsed.id;
  return std::get<T>(*parsed.message);
}

template <class T>
T server_as(std::string_view line, MessageId* id = nullptr) {
  auto parsed = parse_server_message(line);
  INFO(line);
  REQUIRE(parsed.message.ok());
  REQUIRE(std::holds_alternative<T>(*parsed.message));
  if (id) *id = parsed.id;
  return std::get<T>(*parsed.message);
}

std::string client_error(std::string_view line) {
  auto parsed = parse_client_message(line);
  REQUIRE_FALSE(parsed.message.ok());
  return parsed.message.error();
}

void client_round_trip(const MessageId& id, const ClientMessage& msg) {
  const std::string line = encode_client_message(id, msg);
  REQUIRE(line.back() == '\n');
  auto parsed = parse_client_message(std::string_view(line).substr(0, line.size() - 1));
  INFO(line);
  REQUIRE(parsed.message.ok());
  CHECK(parsed.id == id);
  CHECK(*parsed.message == msg);
}

void server_round_trip(const MessageId& id, const ServerMessage& msg) {
  const std::string line = encode_server_message(id, msg);
  REQUIRE(line.back() == '\n');
  auto parsed = parse_server_message(line);  // a trailing LF is JSON whitespace
  INFO(line);
  REQUIRE(parsed.message.ok());
  CHECK(parsed.id == id);
  CHECK(*parsed.message == msg);
}

core::Hash256 hash_of(uint8_t fill) {
  core::Hash256 h;
  for (size_t i = 0; i < 32; ++i) h.bytes[i] = static_cast<uint8_t>(fill + i);
  return h;
}

}  // namespace

TEST_CASE("codec: every client message round-trips") {
  client_round_trip(MessageId{int64_t{1}}, Subscribe{"bitaxe/BM1366/v2.4.0", std::nullopt});
  client_round_trip(MessageId{int64_t{2}}, Subscribe{"cgminer/4.11.1", "deadbeef"});
  client_round_trip(MessageId{int64_t{3}}, Subscribe{"", std::nullopt});
  client_round_trip(MessageId{std::string("auth")},
                    Authorize{"mtVwi6aB1K4mZ4ziK27VgXGjdhLQ1V9iqs.rig1", "x"});
  client_round_trip(
      MessageId{int64_t{4}},
      Submit{"w", "1f", {0x01, 0, 0, 0, 0, 0, 0, 0}, 0x647025b5, 0x0a029ed1, std::nullopt});
  client_round_trip(MessageId{int64_t{5}},
                    Submit{"w", "abc", {0xc7, 0x08, 0, 0}, 0x64b3f3ec, 0xed460d91, 0x00002000});
  client_round_trip(MessageId{int64_t{6}},
                    Configure{{"version-rolling"}, 0xffffffff, std::nullopt});
  client_round_trip(MessageId{int64_t{6}}, Configure{{"version-rolling", "x"}, 0x1fffe000, 16});
  client_round_trip(MessageId{int64_t{7}}, SuggestDifficulty{512, false});
  client_round_trip(MessageId{int64_t{7}}, SuggestDifficulty{0.001, false});
  client_round_trip(MessageId{int64_t{7}}, SuggestDifficulty{1.5e-5, true});
  client_round_trip(MessageId{int64_t{8}}, ExtranonceSubscribe{});
  client_round_trip(MessageId{}, Pong{});
  client_round_trip(MessageId{int64_t{42}}, Response{"\"cpuminer/2.5.1\"", std::nullopt});
  client_round_trip(MessageId{int64_t{-3}}, Response{"null", ErrorInfo{20, "Not supported."}});
}

TEST_CASE("codec: every server message round-trips") {
  Notify n;
  n.job_id = "6a3f";
  n.prev_block = hash_of(7);
  n.coinb1 = {1, 2, 3};
  n.coinb2 = {4, 5};
  n.merkle_branch = {hash_of(1), hash_of(100)};
  n.version = 0x20000000;
  n.nbits = 0x207fffff;
  n.ntime = 0x01020304;
  n.clean_jobs = true;
  server_round_trip(MessageId{}, n);
  n.merkle_branch.clear();
  n.clean_jobs = false;
  server_round_trip(MessageId{}, n);
  server_round_trip(MessageId{}, SetDifficulty{512});
  server_round_trip(MessageId{}, SetDifficulty{0.001});
  server_round_trip(MessageId{}, SetDifficulty{1e-5});
  server_round_trip(MessageId{}, SetExtranonce{{0x12, 0x90, 0x50, 0x85}, 8});
  server_round_trip(MessageId{}, SetVersionMask{0x1fffe000});
  server_round_trip(MessageId{}, Reconnect{});
  server_round_trip(MessageId{}, Reconnect{"pool.example", 3333, 5});
  server_round_trip(MessageId{}, ShowMessage{"hello \"miner\" \u00e9"});
  server_round_trip(MessageId{int64_t{9}}, GetVersion{});
  server_round_trip(MessageId{int64_t{42}}, Ping{});
  server_round_trip(MessageId{int64_t{1}}, Response{"true", std::nullopt});
  server_round_trip(MessageId{std::string("s")}, Response{"null", ErrorInfo{21, "Stale"}});
}

TEST_CASE("codec: ESP-Miner's pipelined configure, subscribe, authorize (ids 1,2,3)") {
  const std::string lines[] = {
      R"({"id": 1, "method": "mining.configure", "params": [["version-rolling"], {"version-rolling.mask": "ffffffff"}]})",
      R"({"id": 2, "method": "mining.subscribe", "params": ["bitaxe/BM1366/v2.4.0"]})",
      R"({"id": 3, "method": "mining.authorize", "params": ["mtVwi6aB1K4mZ4ziK27VgXGjdhLQ1V9iqs.bitaxe", "x"]})",
  };
  MessageId id;
  CHECK(client_as<Configure>(lines[0], &id).version_rolling_mask == 0xffffffffu);
  CHECK(id == MessageId{int64_t{1}});
  CHECK(client_as<Subscribe>(lines[1], &id).user_agent == "bitaxe/BM1366/v2.4.0");
  CHECK(id == MessageId{int64_t{2}});
  const auto a = client_as<Authorize>(lines[2], &id);
  CHECK(a.username == "mtVwi6aB1K4mZ4ziK27VgXGjdhLQ1V9iqs.bitaxe");
  CHECK(a.password == "x");
  CHECK(id == MessageId{int64_t{3}});
}

TEST_CASE("codec: cgminer/cpuminer shapes: session resume, empty subscribe, id 4 submits") {
  auto s = client_as<Subscribe>(
      R"({"id":0,"method":"mining.subscribe","params":["cgminer/4.11.1","a1b2c3d4"]})");
  CHECK(s.session_id == "a1b2c3d4");
  s = client_as<Subscribe>(R"({"id":0,"method":"mining.subscribe","params":[]})");
  CHECK(s.user_agent.empty());
  s = client_as<Subscribe>(R"({"id":0,"method":"mining.subscribe"})");
  CHECK(s.user_agent.empty());
  // cpuminer: every submit has id 4 and no 6th param.
  MessageId id;
  const auto sub = client_as<Submit>(
      R"({"method": "mining.submit", "params": ["user", "1f", "00000001", "647025b5", "0a029ed1"], "id":4})",
      &id);
  CHECK(id == MessageId{int64_t{4}});
  CHECK_FALSE(sub.version_bits.has_value());
  CHECK(sub.extranonce2 == std::vector<uint8_t>{0, 0, 0, 1});
  // ESP-Miner: 6th param, rolled ^ job version.
  const auto esp = client_as<Submit>(
      R"({"id": 5, "method": "mining.submit", "params": ["tb1q.bitaxe3", "1", "c7080000", "64b3f3ec", "ed460d91", "00002000"]})");
  CHECK(esp.version_bits == 0x00002000u);
}

TEST_CASE("codec: suggest_difficulty: integer, fractional, and legacy method-name form") {
  CHECK(client_as<SuggestDifficulty>(
            R"({"id":4,"method":"mining.suggest_difficulty","params":[512]})")
            .difficulty == 512);
  CHECK(client_as<SuggestDifficulty>(
            R"({"id":4,"method":"mining.suggest_difficulty","params":[0.0001]})")
            .difficulty == 0.0001);
  const auto legacy = client_as<SuggestDifficulty>(
      R"J({"id":4,"method":"mining.suggest_difficulty(1024)","params":[]})J");
  CHECK(legacy.difficulty == 1024);
  CHECK(legacy.legacy_form);
  CHECK(client_error(R"({"id":4,"method":"mining.suggest_difficulty","params":["512"]})")
            .find("number") != std::string::npos);
  CHECK_FALSE(
      client_error(R"({"id":4,"method":"mining.suggest_difficulty","params":[0]})").empty());
  CHECK_FALSE(client_error(R"J({"id":4,"method":"mining.suggest_difficulty(abc)"})J").empty());
  CHECK_FALSE(client_error(R"J({"id":4,"method":"mining.suggest_difficulty(-1)"})J").empty());
}

TEST_CASE("codec: extranonce.subscribe, pong, get_version reply") {
  client_as<ExtranonceSubscribe>(R"({"id":3,"method":"mining.extranonce.subscribe","params":[]})");
  client_as<Pong>(R"({"method":"pong"})");
  const auto r = client_as<Response>(R"({"id":42,"result":"cpuminer/2.5.1","error":null})");
  CHECK(decode_string_result(r).value() == "cpuminer/2.5.1");
}

TEST_CASE("codec: bad submits are refused with a reason") {
  CHECK(client_error(R"({"id":1,"method":"mining.submit","params":["w","j","00","647025b5"]})")
            .find("5 or 6") != std::string::npos);
  CHECK(client_error(
            R"({"id":1,"method":"mining.submit","params":["w","j","0","647025b5","0a029ed1"]})")
            .find("extranonce2") != std::string::npos);
  CHECK(client_error(
            R"({"id":1,"method":"mining.submit","params":["w","j","00","647025b","0a029ed1"]})")
            .find("ntime") != std::string::npos);
  CHECK(client_error(R"({"id":1,"method":"mining.submit","params":["w","j","00","647025b5",12]})")
            .find("nonce") != std::string::npos);
  CHECK(
      client_error(
          R"({"id":1,"method":"mining.submit","params":["w","j","00","647025b5","0a029ed1","2000"]})")
          .find("version") != std::string::npos);
  CHECK(client_error(
            R"({"id":1,"method":"mining.submit","params":[1,"j","00","647025b5","0a029ed1"]})")
            .find("worker") != std::string::npos);
}

TEST_CASE(
    "codec: garbage, wrong types, deep nesting and unknown methods keep the id when possible") {
  auto p = parse_client_message("not json");
  CHECK_FALSE(p.message.ok());
  p = parse_client_message("[1,2,3]");
  CHECK_FALSE(p.message.ok());
  p = parse_client_message(R"({"id":17,"method":"mining.bogus","params":[]})");
  CHECK_FALSE(p.message.ok());
  CHECK(p.id == MessageId{int64_t{17}});
  CHECK(p.message.error().find("unknown method") != std::string::npos);
  p = parse_client_message(R"({"id":"x","method":5})");
  CHECK(p.id == MessageId{std::string("x")});
  CHECK_FALSE(p.message.ok());
  p = parse_client_message(R"({"id":1,"method":"mining.authorize","params":{"a":1}})");
  CHECK_FALSE(p.message.ok());
  p = parse_client_message(R"({"id":[1],"method":"mining.subscribe"})");
  CHECK_FALSE(p.message.ok());
  std::string deep = R"({"id":1,"method":"mining.subscribe","params":)";
  for (int i = 0; i < 100; ++i) deep += "[";
  for (int i = 0; i < 100; ++i) deep += "]";
  deep += "}";
  p = parse_client_message(deep);
  REQUIRE_FALSE(p.message.ok());
  CHECK(p.message.error().find("deep") != std::string::npos);
  // Brackets inside strings do not count as nesting.
  const std::string brackets =
      R"({"id":1,"method":"mining.subscribe","params":["[[[[[[[[[[[[[[[[[[[[[[["]})";
  CHECK(parse_client_message(brackets).message.ok());
  CHECK_FALSE(parse_client_message(std::string(stratum::kMaxLineBytes + 1, ' ')).message.ok());
  CHECK(parse_client_message(R"({"id":1.0,"method":"mining.subscribe"})").id ==
        MessageId{int64_t{1}});
  CHECK_FALSE(parse_client_message(R"({"id":1.5,"method":"mining.subscribe"})").message.ok());
}

TEST_CASE("codec: responses in every error shape") {
  auto r = server_as<Response>(R"({"id":4,"result":null,"error":[21,"Stale",null]})");
  CHECK(r.error == ErrorInfo{21, "Stale"});
  r = server_as<Response>(R"({"id":4,"result":null,"error":[23,"Difficulty too low","trace"]})");
  CHECK(r.error == ErrorInfo{23, "Difficulty too low"});
  r = server_as<Response>(R"({"id":4,"result":false,"error":"Stale"})");
  CHECK(r.error == ErrorInfo{20, "Stale"});
  r = server_as<Response>(R"({"id":4,"result":null,"error":{"code":22,"message":"Duplicate"}})");
  CHECK(r.error == ErrorInfo{22, "Duplicate"});
  r = server_as<Response>(R"({"id":4,"result":false,"error":null,"reject-reason":"Above target"})");
  CHECK(r.error == ErrorInfo{20, "Above target"});
  r = server_as<Response>(R"({"id":4,"result":true,"error":null})");
  CHECK_FALSE(r.error.has_value());
  CHECK(decode_bool_result(r).value());
  // cgminer ignores responses with id null, but they still parse.
  MessageId id;
  server_as<Response>(R"({"id":null,"result":true,"error":null})", &id);
  CHECK(id == MessageId{});
  // encode_error writes the array form with result null.
  CHECK(encode_error(MessageId{int64_t{4}}, ErrorCode::kJobNotFound, reason::kStale) ==
        "{\"error\":[21,\"Stale\",null],\"id\":4,\"result\":null}\n");
}

TEST_CASE("codec: submit answers for every id form, decoded back") {
  // The answers are built as text; whatever the id and reason hold, they must
  // stay valid JSON that decodes to the same id, code and reason.
  const std::vector<MessageId> ids = {MessageId{},
                                      MessageId{int64_t{0}},
                                      MessageId{int64_t{-7}},
                                      MessageId{int64_t{9007199254740993}},
                                      MessageId{std::string("a\"b\\c\n")},
                                      MessageId{std::string("")}};
  for (const MessageId& id : ids) {
    for (bool value : {true, false}) {
      MessageId got;
      const Response r = server_as<Response>(encode_bool_result(id, value), &got);
      CHECK(got == id);
      CHECK_FALSE(r.error.has_value());
      CHECK(decode_bool_result(r).value() == value);
    }
    const std::string reason = "Invalid \"job\" \x01\t\xff";
    MessageId got;
    const Response r = server_as<Response>(encode_error(id, 23, reason), &got);
    CHECK(got == id);
    REQUIRE(r.error.has_value());
    CHECK(r.error->code == 23);
    CHECK(r.error->message.find("Invalid \"job\" \x01\t") == 0);  // invalid UTF-8 replaced
  }
  CHECK(encode_bool_result(MessageId{int64_t{12}}, true) ==
        "{\"error\":null,\"id\":12,\"result\":true}\n");
  CHECK(encode_bool_result(MessageId{}, false) ==
        "{\"error\":null,\"id\":null,\"result\":false}\n");
}

TEST_CASE("codec: subscribe results (ckpool and public-pool shapes) and the session id") {
  SubscribeResult sr{
      {{"mining.set_difficulty", "1a"}, {"mining.notify", "1a"}}, {0xde, 0xad, 0xbe, 0xef}, 8};
  const std::string line = encode_subscribe_result(MessageId{int64_t{2}}, sr);
  auto decoded = decode_subscribe_result(server_as<Response>(line));
  REQUIRE(decoded.ok());
  CHECK(*decoded == sr);
  CHECK(decoded->notify_subscription_id() == "1a");
  // ckpool
  auto ck = decode_subscribe_result(server_as<Response>(
      R"({"id":2,"result":[[["mining.notify","6b4c2a1f"]],"6b4c2a1f",8],"error":null})"));
  REQUIRE(ck.ok());
  CHECK(ck->extranonce1 == std::vector<uint8_t>{0x6b, 0x4c, 0x2a, 0x1f});
  CHECK(ck->extranonce2_size == 8u);
  // public-pool: en2 size 4; a single tuple instead of a list is tolerated.
  auto pp = decode_subscribe_result(server_as<Response>(
      R"({"id":1,"result":[["mining.notify","57a6f098"],"57a6f098",4],"error":null})"));
  REQUIRE(pp.ok());
  CHECK(pp->notify_subscription_id() == "57a6f098");
  CHECK_FALSE(
      decode_subscribe_result(server_as<Response>(R"({"id":1,"result":[[],"zz",4],"error":null})"))
          .ok());
  CHECK_FALSE(
      decode_subscribe_result(server_as<Response>(R"({"id":1,"result":[[],"00",0],"error":null})"))
          .ok());
}

TEST_CASE("codec: notify parsing rules (cpuminer lengths, public-pool unpadded fields)") {
  const std::string prev(64, '0');
  const std::string branch(64, 'a');
  auto make = [&](const std::string& version, const std::string& b) {
    return R"({"id":null,"method":"mining.notify","params":["1",")" + prev + R"(","01","02",[")" +
           b + R"("],")" + version + R"(","1d00ffff","64b3f3ec",false]})";
  };
  CHECK(server_as<Notify>(make("20000000", branch)).version == 0x20000000u);
  // public-pool writes toString(16) without padding: accepted (as ESP-Miner's
  // strtoul does); the codec always WRITES 8 digits.
  CHECK(server_as<Notify>(make("4", branch)).version == 4u);
  CHECK_FALSE(parse_server_message(make("200000000", branch)).message.ok());
  // Branch entries and prevhash must be exactly 64 hex chars (cpuminer's rule).
  CHECK_FALSE(parse_server_message(make("20000000", branch.substr(2))).message.ok());
  auto bad_clean = make("20000000", branch);
  bad_clean.replace(bad_clean.find("false"), 5, "\"false\"");
  CHECK_FALSE(parse_server_message(bad_clean).message.ok());
}

TEST_CASE("codec: set_difficulty, set_extranonce, reconnect shapes") {
  CHECK(server_as<SetDifficulty>(R"({"id":null,"method":"mining.set_difficulty","params":[0.001]})")
            .difficulty == 0.001);
  CHECK_FALSE(
      parse_server_message(R"({"id":null,"method":"mining.set_difficulty","params":["512"]})")
          .message.ok());  // ESP-Miner refuses a string
  CHECK(encode_set_difficulty(512) ==
        "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[512]}\n");
  CHECK(encode_set_difficulty(0.001) ==
        "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[0.001]}\n");
  const auto se = server_as<SetExtranonce>(
      R"({"id":null,"method":"mining.set_extranonce","params":["12905085617eff8e",8]})");
  CHECK(se.extranonce1.size() == 8);
  CHECK(se.extranonce2_size == 8u);
  // ckpool sends the port as a string.
  const auto rc = server_as<Reconnect>(
      R"({"id":null,"method":"client.reconnect","params":["pool.example","3333",0]})");
  CHECK(rc.host == "pool.example");
  CHECK(rc.port == uint16_t{3333});
  CHECK(rc.wait_s == 0u);
  CHECK(server_as<Reconnect>(R"({"id":null,"method":"client.reconnect","params":[]})") ==
        Reconnect{});
  CHECK_FALSE(
      parse_server_message(R"({"id":null,"method":"client.reconnect","params":["h","70000",0]})")
          .message.ok());
  CHECK(server_as<SetVersionMask>(
            R"({"id":null,"method":"mining.set_version_mask","params":["1fffe000"]})")
            .mask == 0x1fffe000u);
  CHECK(server_as<ShowMessage>(R"({"id":null,"method":"client.show_message","params":["hi"]})")
            .text == "hi");
  server_as<Ping>(R"({"id":42,"method":"mining.ping","params":[]})");
  server_as<GetVersion>(R"({"id":7,"method":"client.get_version","params":[]})");
}
