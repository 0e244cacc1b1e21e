#pragma once
// Producing scriptSigs for the standard legacy outputs (wallet and
// signrawtransactionwithkey). Signatures are low-S strict DER with RFC 6979
// nonces, so they pass verify_script under flags::kStandard.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/key.h"
#include "core/result.h"
#include "core/script.h"
#include "core/script/sighash.h"
#include "core/transaction.h"

namespace btr::core::script {

// DER signature of input `input_index` over `script_code`, with the
// hash-type byte appended.
std::vector<uint8_t> make_signature(const core::Transaction& tx, size_t input_index,
                                    std::span<const uint8_t> script_code,
                                    const core::PrivateKey& key, int32_t hash_type = kSighashAll);

// The scriptSig for input `input_index` of `tx` spending `spent_script_pubkey`
// (P2PKH, P2PK, bare multisig, or P2SH whose `redeem_script` is one of those)
// with keys picked from `keys` (both pubkey encodings are tried). Multisig
// signs with the first m matching keys in script order.
// Reasons: "sign-unsupported-script", "sign-missing-redeem-script",
// "sign-redeem-script-mismatch", "sign-missing-key", "sign-bad-input-index".
[[nodiscard]] core::Result<core::Script> produce_script_sig(
    const core::Transaction& tx, size_t input_index, std::span<const uint8_t> spent_script_pubkey,
    std::span<const core::PrivateKey> keys, std::span<const uint8_t> redeem_script = {},
    int32_t hash_type = kSighashAll);

// produce_script_sig, written into tx.inputs[input_index].script_sig.
[[nodiscard]] core::Status sign_input(core::Transaction& tx, size_t input_index,
                                      std::span<const uint8_t> spent_script_pubkey,
                                      std::span<const core::PrivateKey> keys,
                                      std::span<const uint8_t> redeem_script = {},
                                      int32_t hash_type = kSighashAll);

}  // namespace btr::core::script
