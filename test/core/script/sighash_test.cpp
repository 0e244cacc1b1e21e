// Legacy signature hashing against Bitcoin's sighash.json (all cases), plus
// the quirks it must keep, checked directly.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "core/hex.h"
#include "core/script/opcodes.h"
#include "core/script/sighash.h"
#include "test/common/test_util.h"

using namespace btr::core;
using namespace btr::core::script;

namespace {

Transaction two_in_one_out() {
  Transaction tx;
  tx.version = 1;
  for (uint32_t i = 0; i < 2; ++i) {
    TxIn in;
    in.prevout.txid.bytes[0] = static_cast<uint8_t>(i + 1);
    in.prevout.index = i;
    in.sequence = 0xfffffffe - i;
    tx.inputs.push_back(in);
  }
  tx.outputs.push_back({5000, {OP_1}});
  return tx;
}

}  // namespace

TEST_CASE("sighash: Bitcoin sighash.json vectors, every case") {
  BTR_REQUIRE_VECTORS(dir);
  const auto cases = nlohmann::json::parse(btr::test::read_file(dir / "bitcoin" / "sighash.json"));
  size_t ran = 0;
  for (const auto& c : cases) {
    if (c.size() == 1) continue;  // comment
    REQUIRE(c.size() == 5);
    const auto raw = from_hex(c[0].get<std::string>());
    const auto script = from_hex(c[1].get<std::string>());
    REQUIRE(raw);
    REQUIRE(script);
    const auto tx = Transaction::parse(*raw);
    REQUIRE_MESSAGE(tx, c[0].get<std::string>());
    const auto index = c[2].get<size_t>();
    const auto hash_type = c[3].get<int32_t>();
    const Hash256 got = legacy_signature_hash(*tx, index, *script, hash_type);
    CHECK_MESSAGE(got.to_display_hex() == c[4].get<std::string>(), c.dump());
    ++ran;
  }
  MESSAGE("sighash.json: " << ran << " cases ran, 0 skipped");
  CHECK(ran == 500);
}

TEST_CASE("sighash: SINGLE without a matching output signs the number one") {
  const Transaction tx = two_in_one_out();
  Hash256 one;
  one.bytes[0] = 1;
  CHECK(legacy_signature_hash(tx, 1, Script{OP_1}, kSighashSingle) == one);
  CHECK(legacy_signature_hash(tx, 0, Script{OP_1}, kSighashSingle) != one);
  CHECK(legacy_signature_hash(tx, 5, Script{OP_1}, kSighashAll) == one);  // no such input
}

TEST_CASE("sighash: code separators are removed and hash types differ") {
  const Transaction tx = two_in_one_out();
  const Script plain = {OP_1, OP_CHECKSIG};
  const Script separated = {OP_CODESEPARATOR, OP_1, OP_CODESEPARATOR, OP_CHECKSIG};
  CHECK(legacy_signature_hash(tx, 0, plain, kSighashAll) ==
        legacy_signature_hash(tx, 0, separated, kSighashAll));
  // A separator byte inside a push is data, not an opcode.
  const Script pushed = {0x01, OP_CODESEPARATOR};
  CHECK(legacy_signature_hash(tx, 0, pushed, kSighashAll) !=
        legacy_signature_hash(tx, 0, Script{0x01}, kSighashAll));
  const Hash256 all = legacy_signature_hash(tx, 0, plain, kSighashAll);
  CHECK(all != legacy_signature_hash(tx, 0, plain, kSighashNone));
  CHECK(all != legacy_signature_hash(tx, 0, plain, kSighashAll | kSighashAnyoneCanPay));
  // ANYONECANPAY ignores the other inputs; ALL does not.
  Transaction changed = tx;
  changed.inputs[1].prevout.index = 9;
  CHECK(legacy_signature_hash(changed, 0, plain, kSighashAll | kSighashAnyoneCanPay) ==
        legacy_signature_hash(tx, 0, plain, kSighashAll | kSighashAnyoneCanPay));
  CHECK(legacy_signature_hash(changed, 0, plain, kSighashAll) != all);
  // NONE lets other inputs change their sequence.
  changed = tx;
  changed.inputs[1].sequence = 7;
  CHECK(legacy_signature_hash(changed, 0, plain, kSighashNone) ==
        legacy_signature_hash(tx, 0, plain, kSighashNone));
}
