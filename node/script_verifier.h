#pragma once
// The seam between block validation and the script interpreter. Block
// connection asks a ScriptVerifier about every non-coinbase input. The
// interpreter arrives with its own issue (issue 6); until then the node runs
// UnavailableScriptVerifier, which refuses every spend with the reason
// "script-verify-unavailable", so no coin can move on a chain this node
// validates before scripts are checked.
//
// ISSUE-6 SWAP POINT: implement ScriptVerifier with the interpreter and pass
// it to ChainState instead of UnavailableScriptVerifier (node/node_app.cpp).

#include <cstddef>
#include <cstdint>

#include "core/result.h"
#include "core/transaction.h"

namespace btr::node {

// The script rules chain.md requires for every block (Bitcoin's names).
namespace script_flags {
inline constexpr uint32_t kP2sh = 1u << 0;
inline constexpr uint32_t kStrictEnc = 1u << 1;
inline constexpr uint32_t kDerSig = 1u << 2;
inline constexpr uint32_t kLowS = 1u << 3;
inline constexpr uint32_t kNullDummy = 1u << 4;
inline constexpr uint32_t kCheckLockTimeVerify = 1u << 9;
inline constexpr uint32_t kCheckSequenceVerify = 1u << 10;
inline constexpr uint32_t kConsensus =
    kP2sh | kStrictEnc | kDerSig | kLowS | kNullDummy | kCheckLockTimeVerify | kCheckSequenceVerify;
}  // namespace script_flags

class ScriptVerifier {
 public:
  virtual ~ScriptVerifier() = default;
  // Does input `input_index` of `tx` correctly spend `spent` under `flags`?
  virtual core::Status verify(const core::Transaction& tx, size_t input_index,
                              const core::TxOut& spent, uint32_t flags) const = 0;
};

// Placeholder until the interpreter exists: refuses every spend.
class UnavailableScriptVerifier final : public ScriptVerifier {
 public:
  core::Status verify(const core::Transaction& tx, size_t input_index, const core::TxOut& spent,
                      uint32_t flags) const override;
};

}  // namespace btr::node
