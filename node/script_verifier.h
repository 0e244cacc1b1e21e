#pragma once
// The seam between block validation and the script interpreter. Block
// connection asks a ScriptVerifier about every non-coinbase input; the node
// runs InterpreterScriptVerifier (core/script/interpreter.h) with one
// signature cache shared with the mempool, so signatures checked on relay
// are not checked again when their block connects.

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/result.h"
#include "core/script/interpreter.h"
#include "core/script/sig_cache.h"
#include "core/transaction.h"

namespace btr::node {

// The script rules chain.md requires for every block (Bitcoin's names and
// bits, defined with the interpreter).
namespace script_flags = core::script::flags;  // kP2sh ... kConsensus, kStandard

class ScriptVerifier {
 public:
  virtual ~ScriptVerifier() = default;
  // Does input `input_index` of `tx` correctly spend `spent` under `flags`?
  virtual core::Status verify(const core::Transaction& tx, size_t input_index,
                              const core::TxOut& spent, uint32_t flags) const = 0;
};

// The real verifier. Owns the signature cache (bounded; thread-safe),
// salted with `cache_salt` or, when empty, with fresh random bytes.
class InterpreterScriptVerifier final : public ScriptVerifier {
 public:
  explicit InterpreterScriptVerifier(
      size_t cache_capacity = core::script::SignatureCache::kDefaultCapacity,
      std::span<const uint8_t> cache_salt = {});
  // Reasons: "mandatory-script-verify-flag-failed (<script error>)", as Bitcoin.
  core::Status verify(const core::Transaction& tx, size_t input_index, const core::TxOut& spent,
                      uint32_t flags) const override;
  core::script::SignatureCache& cache() const { return cache_; }

 private:
  mutable core::script::SignatureCache cache_;
};

// Refuses every spend ("script-verify-unavailable"); kept for tests that
// must show block validation consults the verifier.
class UnavailableScriptVerifier final : public ScriptVerifier {
 public:
  core::Status verify(const core::Transaction& tx, size_t input_index, const core::TxOut& spent,
                      uint32_t flags) const override;
};

}  // namespace btr::node
