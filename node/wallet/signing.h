#pragma once
// Signing a transaction's inputs with whatever keys a caller can supply
// (the wallet's, or the list signrawtransactionwithkey received), then
// checking every input with the script interpreter, so the caller learns
// per input what is still missing, as Bitcoin Core reports it.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/key.h"
#include "core/result.h"
#include "core/script.h"
#include "core/transaction.h"

namespace btr::node::wallet {

struct InputToSign {
  core::TxOut spent;           // empty script: the spent output is unknown
  core::Script redeem_script;  // P2SH inputs
};

// Keys that may sign for `spent` (an error string when there are none).
using KeyLookup =
    std::function<core::Result<std::vector<core::PrivateKey>>(const core::TxOut& spent)>;

// One entry per input: "" when it verifies after signing, else the reason.
std::vector<std::string> sign_inputs(core::Transaction& tx, const std::vector<InputToSign>& inputs,
                                     const KeyLookup& keys, int32_t hash_type);

}  // namespace btr::node::wallet
