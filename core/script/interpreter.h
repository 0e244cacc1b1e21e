#pragma once
// Bitcoin's legacy script interpreter (EvalScript/VerifyScript without
// witness programs). Failures carry Bitcoin's script error names
// ("EVAL_FALSE", "SIG_DER", ...) so results compare directly with Bitcoin's
// script_tests.json.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/result.h"
#include "core/transaction.h"

namespace btr::core::script {

class SignatureCache;

// Verification flags. Bit positions are Bitcoin's SCRIPT_VERIFY_* ones.
namespace flags {
inline constexpr uint32_t kNone = 0;
inline constexpr uint32_t kP2sh = 1u << 0;
inline constexpr uint32_t kStrictEnc = 1u << 1;
inline constexpr uint32_t kDerSig = 1u << 2;
inline constexpr uint32_t kLowS = 1u << 3;
inline constexpr uint32_t kNullDummy = 1u << 4;
inline constexpr uint32_t kSigPushOnly = 1u << 5;
inline constexpr uint32_t kMinimalData = 1u << 6;
inline constexpr uint32_t kDiscourageUpgradableNops = 1u << 7;
// Needs kP2sh (Bitcoin also ties it to WITNESS, which BitSilver lacks).
inline constexpr uint32_t kCleanStack = 1u << 8;
inline constexpr uint32_t kCheckLockTimeVerify = 1u << 9;
inline constexpr uint32_t kCheckSequenceVerify = 1u << 10;
// Bits 11-13 and 15 are Bitcoin's witness-only flags; BitSilver has no witness.
inline constexpr uint32_t kNullFail = 1u << 14;
inline constexpr uint32_t kConstScriptCode = 1u << 16;

// What every block must satisfy (chain.md "Scripts").
inline constexpr uint32_t kConsensus =
    kP2sh | kStrictEnc | kDerSig | kLowS | kNullDummy | kCheckLockTimeVerify | kCheckSequenceVerify;
// Relay policy on top of consensus, as Bitcoin's standard flags minus witness.
inline constexpr uint32_t kStandard = kConsensus | kMinimalData | kDiscourageUpgradableNops |
                                      kCleanStack | kNullFail | kConstScriptCode;
}  // namespace flags

inline constexpr size_t kMaxScriptSize = 10'000;
inline constexpr size_t kMaxScriptElementSize = 520;
inline constexpr size_t kMaxOpsPerScript = 201;
inline constexpr size_t kMaxStackSize = 1'000;
inline constexpr int kMaxPubkeysPerMultisig = 20;
// nLockTime below this is a height, otherwise a Unix time.
inline constexpr int64_t kLocktimeThreshold = 500'000'000;

// What the interpreter asks the outside world. The defaults refuse, like
// Bitcoin's BaseSignatureChecker (scripts with no transaction context).
class SignatureChecker {
 public:
  virtual ~SignatureChecker() = default;
  // `sig` ends with the hash-type byte; `script_code` is the executed script
  // from the last OP_CODESEPARATOR, signatures already removed.
  virtual bool check_sig(std::span<const uint8_t> sig, std::span<const uint8_t> pubkey,
                         std::span<const uint8_t> script_code) const;
  virtual bool check_lock_time(int64_t lock_time) const;
  virtual bool check_sequence(int64_t sequence) const;
};

// Checks signatures against input `input_index` of `tx` (which must outlive
// the checker). Valid signatures are looked up in and added to `cache` when
// one is given.
class TransactionSignatureChecker final : public SignatureChecker {
 public:
  TransactionSignatureChecker(const core::Transaction& tx, size_t input_index,
                              SignatureCache* cache = nullptr);
  bool check_sig(std::span<const uint8_t> sig, std::span<const uint8_t> pubkey,
                 std::span<const uint8_t> script_code) const override;
  bool check_lock_time(int64_t lock_time) const override;
  bool check_sequence(int64_t sequence) const override;

 private:
  const core::Transaction& tx_;
  size_t input_index_;
  SignatureCache* cache_;
};

using Stack = std::vector<std::vector<uint8_t>>;

// Runs one script on `stack` (EvalScript). Error names as verify_script.
[[nodiscard]] core::Status eval_script(Stack& stack, std::span<const uint8_t> script,
                                       uint32_t flags, const SignatureChecker& checker);

// Does `script_sig` satisfy `script_pubkey` under `flags`? (VerifyScript)
[[nodiscard]] core::Status verify_script(std::span<const uint8_t> script_sig,
                                         std::span<const uint8_t> script_pubkey, uint32_t flags,
                                         const SignatureChecker& checker);

// Verifies input `input_index` of `tx` spending `spent_script_pubkey`.
[[nodiscard]] core::Status verify_input(const core::Transaction& tx, size_t input_index,
                                        std::span<const uint8_t> spent_script_pubkey,
                                        uint32_t flags, SignatureCache* cache = nullptr);

// Script shape helpers used by the interpreter and by policy.
bool is_push_only(std::span<const uint8_t> script);
bool is_p2sh(std::span<const uint8_t> script);
// Bitcoin's CPubKey size rule: 33 bytes after 02/03, 65 after 04/06/07
// (hybrid keys count without STRICTENC). Says nothing about the curve.
bool has_valid_pubkey_size(std::span<const uint8_t> key);
// Bitcoin's witness-program shape (version opcode + one 2..40 byte push);
// only meaningful to tell witness-only test vectors apart.
bool is_witness_program(std::span<const uint8_t> script);

}  // namespace btr::core::script
