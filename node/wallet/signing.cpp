#include "node/wallet/signing.h"

#include "core/script/interpreter.h"
#include "core/script/sign.h"

namespace btr::node::wallet {

std::vector<std::string> sign_inputs(core::Transaction& tx, const std::vector<InputToSign>& inputs,
                                     const KeyLookup& keys, int32_t hash_type) {
  std::vector<std::string> errors(tx.inputs.size());
  for (size_t i = 0; i < tx.inputs.size(); ++i) {
    const InputToSign* in = i < inputs.size() ? &inputs[i] : nullptr;
    if (in == nullptr || in->spent.script_pubkey.empty()) {
      errors[i] = "Input not found or already spent";
      continue;
    }
    auto found = keys(in->spent);
    if (!found) {
      errors[i] = found.error();
      continue;
    }
    if (auto st = core::script::sign_input(tx, i, in->spent.script_pubkey, *found,
                                           in->redeem_script, hash_type);
        !st) {
      errors[i] = st.error();
    }
  }
  // SIGHASH_ALL does not cover other inputs' scriptSigs, so signing a later
  // input leaves earlier signatures valid: verify them all at the end.
  for (size_t i = 0; i < tx.inputs.size(); ++i) {
    if (!errors[i].empty()) continue;
    if (auto st = core::script::verify_input(tx, i, inputs[i].spent.script_pubkey,
                                             core::script::flags::kStandard);
        !st) {
      errors[i] = st.error();
    }
  }
  return errors;
}

}  // namespace btr::node::wallet
