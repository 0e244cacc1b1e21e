// $BTR_VECTORS_DIR/stratum/examples.json: every example's notify (and
// set_extranonce / submit when present) parsed with the codec and rebuilt to
// the recorded coinbase, merkle root, header and hash.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/hex.h"
#include "core/pow.h"
#include "stratum/codec.h"
#include "stratum/hex_fields.h"
#include "stratum/share_rebuild.h"
#include "stratum/version_rolling.h"
#include "test/common/test_util.h"

using namespace btr;
using json = nlohmann::json;

namespace {

std::string notify_line_of(const json& messages) {
  for (const char* key : {"mining_notify", "mining_notify_constructed"})
    if (messages.contains(key)) return messages[key].get<std::string>();
  return {};
}

void check_example(const json& e) {
  INFO("example: " << e["name"].get<std::string>());
  const json& share = e["share"];
  const json& computed = e["computed"];

  const auto parsed = stratum::parse_server_message(notify_line_of(e["messages"]));
  REQUIRE(parsed.message.ok());
  const auto& notify = std::get<stratum::Notify>(*parsed.message);

  const auto en1 = core::from_hex(share["extranonce1"].get<std::string>()).value();
  const auto en2 = core::from_hex(share["extranonce2"].get<std::string>()).value();
  CHECK(en2.size() == share["extranonce2_size"].get<size_t>());
  uint32_t ntime = stratum::parse_hex8(share["ntime"].get<std::string>()).value();
  uint32_t nonce = stratum::parse_hex8(share["nonce"].get<std::string>()).value();
  // BIP310 final version when rolling bits were sent; else the job's version.
  uint32_t bits = 0;
  uint32_t version = notify.version;
  if (share.contains("version_rolling_bits")) {
    bits = stratum::parse_hex8(share["version_rolling_bits"].get<std::string>()).value();
    version = stratum::apply_version_bits(notify.version, bits, stratum::kDefaultVersionMask);
  }
  CHECK(stratum::u32_to_hex8(version) == share["version"].get<std::string>());

  // When the example carries a submit line, its fields must be the share's.
  for (const char* key : {"mining_submit", "mining_submit_constructed"}) {
    if (!e["messages"].contains(key)) continue;
    const auto sub = stratum::parse_client_message(e["messages"][key].get<std::string>());
    REQUIRE(sub.message.ok());
    const auto& submit = std::get<stratum::Submit>(*sub.message);
    CHECK(submit.extranonce2 == en2);
    CHECK(submit.ntime == ntime);
    CHECK(submit.nonce == nonce);
    CHECK(submit.version_bits.value_or(0) == bits);
    CHECK(submit.job_id == notify.job_id);
  }
  // When it carries set_extranonce, the extranonce1 must be it.
  if (e["messages"].contains("mining_set_extranonce")) {
    const auto se =
        stratum::parse_server_message(e["messages"]["mining_set_extranonce"].get<std::string>());
    REQUIRE(se.message.ok());
    CHECK(std::get<stratum::SetExtranonce>(*se.message).extranonce1 == en1);
  }

  const auto rebuilt = stratum::rebuild_share(notify, {en1, en2, ntime, nonce, version});
  CHECK(core::to_hex(rebuilt.coinbase) == computed["coinbase_hex"].get<std::string>());
  CHECK(rebuilt.coinbase_txid.to_display_hex() == computed["coinbase_txid"].get<std::string>());
  CHECK(rebuilt.merkle_root.to_internal_hex() ==
        computed["merkle_root_header_order"].get<std::string>());
  CHECK(core::to_hex(rebuilt.header_bytes) == computed["header_hex"].get<std::string>());
  CHECK(rebuilt.hash.to_display_hex() == computed["hash"].get<std::string>());
  CHECK(core::share_difficulty(rebuilt.hash) ==
        doctest::Approx(computed["share_difficulty"].get<double>()).epsilon(1e-6));
  if (e.contains("expected_from_source")) {
    const json& src = e["expected_from_source"];
    if (src.contains("merkle_root_header_order"))
      CHECK(rebuilt.merkle_root.to_internal_hex() ==
            src["merkle_root_header_order"].get<std::string>());
    if (src.contains("header_hex"))
      CHECK(core::to_hex(rebuilt.header_bytes) == src["header_hex"].get<std::string>());
    if (src.contains("hash"))
      CHECK(rebuilt.hash.to_display_hex() == src["hash"].get<std::string>());
    if (src.contains("share_difficulty_int"))
      CHECK(static_cast<int64_t>(core::share_difficulty(rebuilt.hash)) ==
            src["share_difficulty_int"].get<int64_t>());
    if (src.contains("session_difficulty"))
      CHECK(core::share_difficulty(rebuilt.hash) >= src["session_difficulty"].get<double>());
  }
}

}  // namespace

TEST_CASE("examples.json: every example rebuilds to its recorded header and hash") {
  BTR_REQUIRE_VECTORS(dir);
  const json doc = json::parse(test::read_file(dir / "stratum" / "examples.json"));
  const json& examples = doc["examples"];
  REQUIRE(examples.size() >= 3);
  for (const json& e : examples) check_example(e);
  MESSAGE("stratum examples checked: " << examples.size());
}
