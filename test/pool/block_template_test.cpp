#include <doctest/doctest.h>

#include "pool/block_template.h"
#include "test/common/test_util.h"
#include "test/pool/pool_test_util.h"

using namespace btr;
using json = nlohmann::json;

TEST_CASE("block template: a node's getblocktemplate result parses to the same fields") {
  std::mt19937_64 rng(test::seed());
  auto t = test::make_template(4, test::kRegtestBits, 321, rng);
  t.coinbase_aux_flags = {0x01, 0x02};
  const json j = test::template_json(t);
  for (const auto& parsed :
       {pool::parse_block_template(j), pool::parse_block_template_text(j.dump())}) {
    REQUIRE(parsed.ok());
    CHECK(parsed->version == t.version);
    CHECK(parsed->prev_block == t.prev_block);
    REQUIRE(parsed->transactions.size() == 4);
    CHECK(parsed->transactions[2].data == t.transactions[2].data);
    CHECK(parsed->transactions[2].txid == t.transactions[2].txid);
    CHECK(parsed->transactions[2].fee == 1000);
    CHECK(parsed->coinbase_aux_flags == t.coinbase_aux_flags);
    CHECK(parsed->coinbase_value == t.coinbase_value);
    CHECK(parsed->target == t.target);
    CHECK(parsed->bits == t.bits);
    CHECK(parsed->height == 321u);
    CHECK(parsed->curtime == t.curtime);
    CHECK(parsed->mintime == t.mintime);
    CHECK(parsed->longpollid == "lp");
  }
}

TEST_CASE("block template: every field is validated") {
  std::mt19937_64 rng(test::seed());
  const auto t = test::make_template(2, test::kRegtestBits, 7, rng);
  const json good = test::template_json(t);
  auto refused = [&](auto edit) {
    json j = good;
    edit(j);
    auto r = pool::parse_block_template(j);
    if (r.ok()) return std::string();
    return r.error();
  };
  CHECK(refused([](json&) {}).empty());
  CHECK_FALSE(refused([](json& j) { j.erase("previousblockhash"); }).empty());
  CHECK_FALSE(refused([](json& j) { j["previousblockhash"] = "00"; }).empty());
  CHECK_FALSE(refused([](json& j) { j["version"] = 0; }).empty());
  CHECK_FALSE(refused([](json& j) { j["version"] = "1"; }).empty());
  CHECK_FALSE(refused([](json& j) { j["height"] = 0; }).empty());
  CHECK_FALSE(refused([](json& j) { j["height"] = 1.5; }).empty());
  CHECK_FALSE(refused([](json& j) { j["coinbasevalue"] = -1; }).empty());
  CHECK_FALSE(refused([](json& j) { j["coinbasevalue"] = 200'000'000'000'000'000LL; }).empty());
  CHECK_FALSE(refused([](json& j) { j["coinbasevalue"] = 18446744073709551615ULL; }).empty());
  CHECK_FALSE(refused([](json& j) { j["bits"] = "1d00ffff"; }).empty());  // target mismatch
  CHECK_FALSE(refused([](json& j) { j["bits"] = "00000000"; }).empty());
  CHECK_FALSE(refused([](json& j) { j["bits"] = "207fff"; }).empty());
  CHECK_FALSE(refused([](json& j) { j["target"] = "zz"; }).empty());
  CHECK_FALSE(refused([](json& j) { j["curtime"] = -5; }).empty());
  CHECK_FALSE(refused([](json& j) { j["curtime"] = 4294967296LL; }).empty());
  CHECK_FALSE(refused([](json& j) { j["transactions"] = json::object(); }).empty());
  CHECK_FALSE(refused([](json& j) { j["transactions"][0]["data"] = "zz"; }).empty());
  CHECK_FALSE(refused([](json& j) { j["transactions"][0]["data"] = 5; }).empty());
  CHECK(refused([](json& j) {
          j["transactions"][0]["txid"] = j["transactions"][1]["txid"];
        }).find("txid") != std::string::npos);
  CHECK_FALSE(refused([](json& j) { j["transactions"][0]["fee"] = -1; }).empty());
  CHECK_FALSE(refused([](json& j) { j["coinbaseaux"] = "x"; }).empty());
  CHECK_FALSE(refused([](json& j) { j["coinbaseaux"]["flags"] = "xyz"; }).empty());
  CHECK_FALSE(refused([](json& j) { j["rules"] = {"!unknown"}; }).empty());
  CHECK(refused([](json& j) { j["rules"] = {"csv"}; }).empty());
  CHECK(refused([](json& j) {
          j.erase("coinbaseaux");
          j.erase("mintime");
          j.erase("longpollid");
        }).empty());
  // txid falls back to "hash" (ckpool's rule)
  CHECK(refused([](json& j) { j["transactions"][0].erase("txid"); }).empty());
  CHECK_FALSE(pool::parse_block_template_text("{not json").ok());
  CHECK_FALSE(pool::parse_block_template_text("[]").ok());
}
