// Interpreter rules checked without the public vectors: a table of scripts
// with Bitcoin's expected results, the resource limits at their edges, and
// lock-time checks against a spending transaction.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "core/crypto/hash160.h"
#include "core/crypto/sha1.h"
#include "core/hex.h"
#include "core/script/interpreter.h"
#include "core/script/opcodes.h"
#include "test/core/script/script_asm.h"

using namespace btr::core;
using namespace btr::core::script;
using btr::test::parse_script_asm;

namespace {

struct Case {
  const char* sig;
  const char* pubkey;
  uint32_t flags;
  const char* want;
};

std::string run(const Script& sig, const Script& pubkey, uint32_t f) {
  const Transaction credit = btr::test::crediting_tx(pubkey);
  const Transaction spend = btr::test::spending_tx(sig, credit);
  const TransactionSignatureChecker checker(spend, 0);
  const Status st = verify_script(sig, pubkey, f, checker);
  return st ? "OK" : st.error();
}

std::string run_asm(const Case& c) {
  return run(parse_script_asm(c.sig), parse_script_asm(c.pubkey), c.flags);
}

constexpr uint32_t kP2sh = flags::kP2sh;
constexpr uint32_t kMin = flags::kMinimalData;

}  // namespace

TEST_CASE("interpreter: opcode semantics and error names") {
  const std::vector<Case> cases = {
      {"1 2", "ADD 3 EQUAL", 0, "OK"},
      {"5", "1SUB 1SUB NEGATE -3 EQUAL", 0, "OK"},
      {"-7", "ABS 7 NUMEQUAL", 0, "OK"},
      {"3 1 5", "WITHIN", 0, "OK"},
      {"5 1 5", "WITHIN", 0, "EVAL_FALSE"},
      {"0x05 0x0000000080", "1 ADD", 0, "UNKNOWN_ERROR"},     // 5-byte operand
      {"0x02 0x0100", "1ADD DROP 1", kMin, "UNKNOWN_ERROR"},  // non-minimal number
      {"0x02 0x0100", "1ADD DROP 1", 0, "OK"},
      {"0x4c 0x01 0x07", "DROP 1", kMin, "MINIMALDATA"},  // PUSHDATA1 for one byte
      {"0x01 0x05", "5 EQUAL", kMin, "MINIMALDATA"},
      {"0x01 0x80", "NOT", 0, "OK"},  // negative zero is false
      {"1", "IF 2 ELSE 3 ENDIF 2 EQUAL", 0, "OK"},
      {"0", "IF 2 ELSE 3 ENDIF 3 EQUAL", 0, "OK"},
      {"0", "NOTIF 1 ENDIF", 0, "OK"},
      {"1", "IF 1", 0, "UNBALANCED_CONDITIONAL"},
      {"1", "ELSE 1 ENDIF", 0, "UNBALANCED_CONDITIONAL"},
      {"0", "IF CAT ENDIF 1", 0, "DISABLED_OPCODE"},  // even when not executed
      {"0", "IF VERIF ENDIF 1", 0, "BAD_OPCODE"},
      {"0", "IF RESERVED ENDIF 1", 0, "OK"},
      {"1", "RESERVED", 0, "BAD_OPCODE"},
      {"1", "RETURN", 0, "OP_RETURN"},
      {"0", "VERIFY 1", 0, "VERIFY"},
      {"1 2", "EQUALVERIFY 1", 0, "EQUALVERIFY"},
      {"", "DROP 1", 0, "INVALID_STACK_OPERATION"},
      {"1", "FROMALTSTACK", 0, "INVALID_ALTSTACK_OPERATION"},
      {"1 2", "TOALTSTACK DROP FROMALTSTACK 2 EQUAL", 0, "OK"},
      {"1 2 3", "ROT 1 EQUALVERIFY 3 EQUALVERIFY 2 EQUAL", 0, "OK"},
      {"1 2 3 4 5 6", "2ROT 2 EQUALVERIFY 1 EQUALVERIFY 2DROP 2DROP 1", 0, "OK"},
      {"1 2 3", "2 PICK 1 EQUALVERIFY 2DROP DROP 1", 0, "OK"},
      {"1 2 3", "2 ROLL 1 EQUALVERIFY DEPTH 2 EQUAL", 0, "OK"},
      {"1 2", "3 PICK", 0, "INVALID_STACK_OPERATION"},
      {"1 2", "TUCK DEPTH 3 EQUALVERIFY 2 EQUALVERIFY 1 EQUALVERIFY 2 EQUAL", 0, "OK"},
      {"'abc'", "SIZE 3 EQUALVERIFY 'abc' EQUAL", 0, "OK"},
      {"''", "SHA256 0x20 0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 EQUAL",
       0, "OK"},
      {"'abc'", "SHA1 0x14 0xa9993e364706816aba3e25717850c26c9cd0d89d EQUAL", 0, "OK"},
      {"1", "NOP1 NOP10", 0, "OK"},
      {"1", "NOP1", flags::kDiscourageUpgradableNops, "DISCOURAGE_UPGRADABLE_NOPS"},
      {"0 0", "0 CHECKMULTISIG", 0, "OK"},
      {"1 0", "0 CHECKMULTISIG", flags::kNullDummy, "SIG_NULLDUMMY"},
      {"0", "21 CHECKMULTISIG", 0, "PUBKEY_COUNT"},
      {"0 0", "CHECKSIG NOT", 0, "OK"},
      {"0x01 0x01 0", "CHECKSIG NOT", flags::kNullFail, "NULLFAIL"},
      {"0 0x02 0x0102", "CHECKSIG NOT", flags::kStrictEnc, "PUBKEYTYPE"},
      {"0x01 0x01 0x21 0x020000000000000000000000000000000000000000000000000000000000000000",
       "CHECKSIG NOT", flags::kDerSig, "SIG_DER"},
      {"1 1", "1", kP2sh | flags::kCleanStack, "CLEANSTACK"},
      {"1 1", "1", kP2sh, "OK"},
      {"NOP", "1", flags::kSigPushOnly, "SIG_PUSHONLY"},
  };
  for (const Case& c : cases) {
    CHECK_MESSAGE(run_asm(c) == c.want, c.sig << " | " << c.pubkey);
  }
}

TEST_CASE("interpreter: P2SH runs the redeem script only with the flag") {
  const Script redeem = parse_script_asm("2 3 ADD 5 EQUAL");
  Script pubkey = {OP_HASH160};
  push_data(pubkey, hash160(redeem).bytes);
  pubkey.push_back(OP_EQUAL);
  Script sig;
  push_data(sig, redeem);
  CHECK(run(sig, pubkey, kP2sh) == "OK");
  // A false redeem script fails only when P2SH is enforced.
  const Script bad_redeem = parse_script_asm("0");
  Script bad_pubkey = {OP_HASH160};
  push_data(bad_pubkey, hash160(bad_redeem).bytes);
  bad_pubkey.push_back(OP_EQUAL);
  Script bad_sig;
  push_data(bad_sig, bad_redeem);
  CHECK(run(bad_sig, bad_pubkey, 0) == "OK");
  CHECK(run(bad_sig, bad_pubkey, kP2sh) == "EVAL_FALSE");
  // Non-push scriptSig under P2SH.
  Script nonpush = {OP_NOP};
  push_data(nonpush, redeem);
  CHECK(run(nonpush, pubkey, kP2sh) == "SIG_PUSHONLY");
}

TEST_CASE("interpreter: limits at their edges") {
  // 201 non-push opcodes pass, 202 fail.
  Script ops(201, OP_NOP);
  ops.push_back(OP_1);
  CHECK(run({}, ops, 0) == "OK");
  ops.insert(ops.begin(), OP_NOP);
  CHECK(run({}, ops, 0) == "OP_COUNT");
  // 520-byte pushes pass, 521 fail.
  Script push520;
  push_data(push520, std::vector<uint8_t>(520, 1));
  CHECK(run(push520, {OP_1}, 0) == "OK");
  Script push521;
  push_data(push521, std::vector<uint8_t>(521, 1));
  CHECK(run(push521, {OP_1}, 0) == "PUSH_SIZE");
  // 1,000 stack elements pass, 1,001 fail.
  Script many(1000, OP_1);
  CHECK(run(many, {OP_1}, 0) == "STACK_SIZE");  // 1,000 + 1 pushed by the pubkey
  CHECK(run(Script(999, OP_1), {OP_1}, 0) == "OK");
  // 10,000-byte scripts pass, 10,001 fail: OP_1, then 520-byte pushes
  // dropped again, then one shorter push to reach the exact size.
  auto sized_script = [](size_t last_push) {
    Script s = {OP_1};
    for (int i = 0; i < 19; ++i) {
      push_data(s, std::vector<uint8_t>(520, 7));
      s.push_back(OP_DROP);
    }
    push_data(s, std::vector<uint8_t>(last_push, 7));
    s.push_back(OP_DROP);
    return s;
  };
  REQUIRE(sized_script(41).size() == 10'000);
  CHECK(run({}, sized_script(41), 0) == "OK");
  CHECK(run({}, sized_script(42), 0) == "SCRIPT_SIZE");
}

TEST_CASE("interpreter: CHECKLOCKTIMEVERIFY and CHECKSEQUENCEVERIFY against the spender") {
  const Script pubkey = parse_script_asm("100 CHECKLOCKTIMEVERIFY");
  Transaction credit = btr::test::crediting_tx(pubkey);
  Transaction spend = btr::test::spending_tx({}, credit);
  const uint32_t f = flags::kCheckLockTimeVerify | flags::kCheckSequenceVerify;
  auto verify = [&](const Script& pk) {
    const TransactionSignatureChecker checker(spend, 0);
    const Status st = verify_script(spend.inputs[0].script_sig, pk, f, checker);
    return st ? std::string("OK") : st.error();
  };
  spend.locktime = 99;
  spend.inputs[0].sequence = 0;
  CHECK(verify(pubkey) == "UNSATISFIED_LOCKTIME");
  spend.locktime = 100;
  CHECK(verify(pubkey) == "OK");
  spend.inputs[0].sequence = TxIn::kFinalSequence;  // a final input ignores nLockTime
  CHECK(verify(pubkey) == "UNSATISFIED_LOCKTIME");
  spend.inputs[0].sequence = 0;
  spend.locktime = 600'000'000;  // a time cannot satisfy a height
  CHECK(verify(pubkey) == "UNSATISFIED_LOCKTIME");
  CHECK(verify(parse_script_asm("-1 CHECKLOCKTIMEVERIFY")) == "NEGATIVE_LOCKTIME");

  const Script csv = parse_script_asm("10 CHECKSEQUENCEVERIFY");
  spend.version = 2;
  spend.inputs[0].sequence = 10;
  CHECK(verify(csv) == "OK");
  spend.inputs[0].sequence = 9;
  CHECK(verify(csv) == "UNSATISFIED_LOCKTIME");
  spend.version = 1;
  spend.inputs[0].sequence = 10;
  CHECK(verify(csv) == "UNSATISFIED_LOCKTIME");  // BIP68 needs version 2
  // Without the flags both are NOPs.
  const TransactionSignatureChecker checker(spend, 0);
  CHECK(verify_script({}, parse_script_asm("1 CHECKSEQUENCEVERIFY"), 0, checker));
}

TEST_CASE("interpreter: SHA-1 of the standard test messages") {
  const std::string abc = "abc";
  CHECK(to_hex(sha1({reinterpret_cast<const uint8_t*>(abc.data()), abc.size()})) ==
        "a9993e364706816aba3e25717850c26c9cd0d89d");
  const std::string two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  CHECK(to_hex(sha1({reinterpret_cast<const uint8_t*>(two_blocks.data()), two_blocks.size()})) ==
        "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  CHECK(to_hex(sha1({})) == "da39a3ee5e6b4b0d3255bfef95601890afd80709");
}
