#pragma once
// Bitcoin's legacy (pre-SegWit) signature hash, the only one BitSilver has
// (chain.md "No SegWit"). Reproduces Bitcoin byte for byte, including its
// quirks: SIGHASH_SINGLE without a matching output signs the number one, and
// OP_CODESEPARATORs are removed from the script code.

#include <cstddef>
#include <cstdint>
#include <span>

#include "core/transaction.h"
#include "core/uint256.h"

namespace btr::core::script {

inline constexpr int32_t kSighashAll = 1;
inline constexpr int32_t kSighashNone = 2;
inline constexpr int32_t kSighashSingle = 3;
inline constexpr int32_t kSighashAnyoneCanPay = 0x80;

// The digest input `input_index` of `tx` signs with `hash_type` (the byte
// appended to the signature; all 32 bits are hashed) when the script
// being executed is `script_code`. An index past the inputs, or SINGLE
// without a matching output, gives uint256 one (Bitcoin's behaviour).
core::Hash256 legacy_signature_hash(const core::Transaction& tx, size_t input_index,
                                    std::span<const uint8_t> script_code, int32_t hash_type);

}  // namespace btr::core::script
