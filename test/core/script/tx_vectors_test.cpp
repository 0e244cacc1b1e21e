// Whole transactions against Bitcoin's tx_valid.json and tx_invalid.json:
// every case that needs no witness. Each input is verified against the
// output it spends, as Bitcoin's transaction_tests do.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <map>
#include <optional>

#include "core/hex.h"
#include "core/script/interpreter.h"
#include "core/validation.h"
#include "test/common/test_util.h"
#include "test/core/script/script_asm.h"

using namespace btr::core;
using namespace btr::core::script;

namespace {

// Every flag the interpreter knows: tx_valid.json lists the ones to leave out.
constexpr uint32_t kAllFlags = flags::kP2sh | flags::kStrictEnc | flags::kDerSig | flags::kLowS |
                               flags::kNullDummy | flags::kSigPushOnly | flags::kMinimalData |
                               flags::kDiscourageUpgradableNops | flags::kCleanStack |
                               flags::kCheckLockTimeVerify | flags::kCheckSequenceVerify |
                               flags::kNullFail | flags::kConstScriptCode;

struct TxCase {
  Transaction tx;
  bool has_witness = false;
  std::map<OutPoint, Script> spent;  // prevout -> scriptPubKey
};

std::optional<TxCase> read_case(const nlohmann::json& c) {
  TxCase out;
  for (const auto& p : c[0]) {
    OutPoint prevout;
    auto txid = Hash256::from_display_hex(p[0].get<std::string>());
    REQUIRE(txid);
    prevout.txid = *txid;
    prevout.index = static_cast<uint32_t>(p[1].get<int64_t>());  // -1 is the null index
    out.spent[prevout] = btr::test::parse_script_asm(p[2].get<std::string>());
  }
  const auto raw = from_hex(c[1].get<std::string>());
  REQUIRE(raw);
  auto ext = parse_transaction_bip144(*raw);
  if (!ext) return std::nullopt;
  out.tx = std::move(ext->tx);
  out.has_witness = ext->has_witness;
  return out;
}

// With WITNESS in force Bitcoin would run a witness program for some input.
bool spends_witness_program(const TxCase& c) {
  for (const TxIn& in : c.tx.inputs) {
    const auto it = c.spent.find(in.prevout);
    if (it == c.spent.end()) continue;
    if (is_witness_program(it->second)) return true;
    if (is_p2sh(it->second)) {
      const auto redeem = btr::test::last_push(in.script_sig);
      if (redeem && is_witness_program(*redeem)) return true;
    }
  }
  return false;
}

// Valid when every input satisfies the script it spends under `f`.
Status verify_all_inputs(const TxCase& c, uint32_t f) {
  for (size_t i = 0; i < c.tx.inputs.size(); ++i) {
    const auto it = c.spent.find(c.tx.inputs[i].prevout);
    if (it == c.spent.end()) return fail("missing-prevout");
    if (auto st = verify_input(c.tx, i, it->second, f); !st) return st;
  }
  return Status::success();
}

struct Counts {
  size_t ran = 0;
  size_t skipped = 0;
  size_t money_cap = 0;
};

// Bitcoin's supply cap. BitSilver's (kMaxMoney) is larger, so a transaction
// Bitcoin refuses only for exceeding 21 million coins is valid here.
constexpr Amount kBitcoinMaxMoney = 21'000'000 * kCoin;

bool exceeds_bitcoin_money_cap(const Transaction& tx) {
  Amount total = 0;
  for (const TxOut& out : tx.outputs) {
    if (out.value > kBitcoinMaxMoney) return true;
    total += out.value;
    if (total > kBitcoinMaxMoney) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("script: Bitcoin tx_valid.json, every case without witness") {
  BTR_REQUIRE_VECTORS(dir);
  const auto cases = nlohmann::json::parse(btr::test::read_file(dir / "bitcoin" / "tx_valid.json"));
  Counts n;
  for (const auto& c : cases) {
    if (!c[0].is_array()) continue;  // comment
    const auto excluded = btr::test::parse_flags(c[2].get<std::string>());
    REQUIRE_MESSAGE(excluded.unknown.empty(), "unknown flag " << excluded.unknown);
    const auto tc = read_case(c);
    REQUIRE_MESSAGE(tc, c.dump());
    // Bitcoin runs with every flag not excluded, WITNESS included unless
    // excluded (or P2SH is); CLEANSTACK only together with WITNESS.
    const bool witness_on = !excluded.witness && (excluded.flags & flags::kP2sh) == 0;
    if (tc->has_witness || (witness_on && spends_witness_program(*tc))) {
      ++n.skipped;
      continue;
    }
    uint32_t f = kAllFlags & ~excluded.flags;
    if (!witness_on) f &= ~flags::kCleanStack;
    CHECK_MESSAGE(check_transaction(tc->tx), c.dump());
    const Status st = verify_all_inputs(*tc, f);
    CHECK_MESSAGE(st, (st ? "" : st.error()) << " " << c.dump());
    // The exclusions are needed: putting back any one of them (that works
    // without witness) makes the transaction fail, as Bitcoin checks too.
    for (uint32_t bit = 1; bit != 0; bit <<= 1) {
      if ((excluded.flags & bit) == 0) continue;
      if (bit == flags::kCleanStack && !witness_on) continue;  // would bring WITNESS back
      CHECK_MESSAGE(!verify_all_inputs(*tc, f | bit), "flag " << bit << " " << c.dump());
    }
    ++n.ran;
  }
  MESSAGE("tx_valid.json: " << n.ran << " cases ran, " << n.skipped << " skipped as witness-only");
  CHECK(n.ran > 80);
}

TEST_CASE("script: Bitcoin tx_invalid.json, every case without witness") {
  BTR_REQUIRE_VECTORS(dir);
  const auto cases =
      nlohmann::json::parse(btr::test::read_file(dir / "bitcoin" / "tx_invalid.json"));
  Counts n;
  for (const auto& c : cases) {
    if (!c[0].is_array()) continue;  // comment
    const std::string flag_text = c[2].get<std::string>();
    const auto tc = read_case(c);
    if (!tc) {  // unparsable: invalid by construction
      CHECK_MESSAGE(flag_text == "BADTX", c.dump());
      ++n.ran;
      continue;
    }
    if (flag_text == "BADTX") {
      if (tc->has_witness) {
        ++n.skipped;
        continue;
      }
      if (exceeds_bitcoin_money_cap(tc->tx)) {
        CHECK(tc->tx.total_output_value());  // within BitSilver's cap
        ++n.money_cap;
        continue;
      }
      CHECK_MESSAGE(!check_transaction(tc->tx), c.dump());
      ++n.ran;
      continue;
    }
    const auto given = btr::test::parse_flags(flag_text);
    REQUIRE_MESSAGE(given.unknown.empty(), "unknown flag " << given.unknown);
    // Bitcoin fills in WITNESS for CLEANSTACK.
    const bool witness_on = given.witness || (given.flags & flags::kCleanStack) != 0;
    if (tc->has_witness || (witness_on && spends_witness_program(*tc))) {
      ++n.skipped;
      continue;
    }
    CHECK_MESSAGE(check_transaction(tc->tx), c.dump());
    CHECK_MESSAGE(!verify_all_inputs(*tc, given.flags), c.dump());
    // The flags are needed: without any one of them the transaction passes.
    for (uint32_t bit = 1; bit != 0; bit <<= 1) {
      if ((given.flags & bit) == 0) continue;
      uint32_t fewer = given.flags & ~bit;
      if ((fewer & flags::kP2sh) == 0) fewer &= ~flags::kCleanStack;  // needs P2SH
      CHECK_MESSAGE(verify_all_inputs(*tc, fewer), "without flag " << bit << " " << c.dump());
    }
    ++n.ran;
  }
  MESSAGE("tx_invalid.json: " << n.ran << " cases ran, " << n.skipped
                              << " skipped as witness-only, " << n.money_cap
                              << " valid here only because BitSilver's money cap is larger");
  CHECK(n.ran > 60);
}
