// The interpreter against Bitcoin's script_tests.json: every case that does
// not need witness or taproot evaluation must give Bitcoin's exact result.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <optional>

#include "core/script/interpreter.h"
#include "test/common/test_util.h"
#include "test/core/script/script_asm.h"

using namespace btr::core;
using namespace btr::core::script;

namespace {

// Bitcoin would evaluate a witness program here (it has WITNESS on and the
// output, or the P2SH redeem script, is one); BitSilver has no witness.
bool needs_witness_evaluation(const Script& script_sig, const Script& script_pubkey,
                              const btr::test::ParsedFlags& f) {
  if (!f.witness) return false;
  if (is_witness_program(script_pubkey)) return true;
  if ((f.flags & flags::kP2sh) == 0 || !is_p2sh(script_pubkey)) return false;
  const auto redeem = btr::test::last_push(script_sig);
  return redeem && is_witness_program(*redeem);
}

std::string result_name(const Status& st) {
  return st ? "OK" : st.error();
}

}  // namespace

TEST_CASE("script: Bitcoin script_tests.json, every non-witness case") {
  BTR_REQUIRE_VECTORS(dir);
  const auto cases =
      nlohmann::json::parse(btr::test::read_file(dir / "bitcoin" / "script_tests.json"));
  size_t ran = 0;
  size_t skipped = 0;
  size_t failed = 0;
  for (const auto& c : cases) {
    if (c.size() < 4) continue;  // comment
    const bool has_witness = c[0].is_array();
    const size_t at = has_witness ? 1 : 0;
    const auto f = btr::test::parse_flags(c[at + 2].get<std::string>());
    REQUIRE_MESSAGE(f.unknown.empty(), "unknown flag " << f.unknown);
    if (has_witness || f.taproot) {
      ++skipped;
      continue;
    }
    const Script script_sig = btr::test::parse_script_asm(c[at].get<std::string>());
    const Script script_pubkey = btr::test::parse_script_asm(c[at + 1].get<std::string>());
    if (needs_witness_evaluation(script_sig, script_pubkey, f)) {
      ++skipped;
      continue;
    }
    const uint32_t run_flags = f.flags;
    const Transaction credit = btr::test::crediting_tx(script_pubkey);
    const Transaction spend = btr::test::spending_tx(script_sig, credit);
    const TransactionSignatureChecker checker(spend, 0);
    const std::string got =
        result_name(verify_script(script_sig, script_pubkey, run_flags, checker));
    const std::string want = c[at + 3].get<std::string>();
    if (got != want) {
      ++failed;
      FAIL_CHECK("got " << got << " for " << c.dump());
    }
    ++ran;
  }
  MESSAGE("script_tests.json: " << ran << " cases ran, " << skipped
                                << " skipped as witness/taproot-only, " << failed << " failed");
  CHECK(ran > 1000);
}
