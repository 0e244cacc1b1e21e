#include "core/script/sign.h"

#include <optional>

#include "core/crypto/hash160.h"
#include "core/script/standard.h"

namespace btr::core::script {
namespace {

using Span = std::span<const uint8_t>;

struct KeyMatch {
  const PrivateKey* key;
  PublicKey pubkey;
};

// The key (and encoding) among `keys` whose public key satisfies `pred`.
template <class Pred>
std::optional<KeyMatch> find_key(std::span<const PrivateKey> keys, Pred pred) {
  for (const PrivateKey& k : keys) {
    for (const bool compressed : {true, false}) {
      PublicKey pub = k.public_key(compressed);
      if (pred(pub)) return KeyMatch{&k, pub};
    }
  }
  return std::nullopt;
}

bool same_bytes(Span a, Span b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

// The scriptSig for a non-P2SH output `c`, signing `script_code`.
Result<Script> sign_solved(const Transaction& tx, size_t input_index, const OutputClass& c,
                           Span script_code, std::span<const PrivateKey> keys, int32_t hash_type) {
  Script out;
  switch (c.type) {
    case OutputType::kPubKeyHash: {
      const auto m = find_key(
          keys, [&](const PublicKey& p) { return same_bytes(p.id().bytes, c.solutions[0]); });
      if (!m) return fail("sign-missing-key");
      push_data(out, make_signature(tx, input_index, script_code, *m->key, hash_type));
      push_data(out, m->pubkey.bytes());
      return out;
    }
    case OutputType::kPubKey: {
      const auto m =
          find_key(keys, [&](const PublicKey& p) { return same_bytes(p.bytes(), c.solutions[0]); });
      if (!m) return fail("sign-missing-key");
      push_data(out, make_signature(tx, input_index, script_code, *m->key, hash_type));
      return out;
    }
    case OutputType::kMultisig: {
      const size_t required = c.solutions.front()[0];
      out.push_back(OP_0);  // CHECKMULTISIG's extra stack element (NULLDUMMY: empty)
      size_t signed_count = 0;
      for (size_t i = 1; i + 1 < c.solutions.size() && signed_count < required; ++i) {
        const auto m = find_key(
            keys, [&](const PublicKey& p) { return same_bytes(p.bytes(), c.solutions[i]); });
        if (!m) continue;
        push_data(out, make_signature(tx, input_index, script_code, *m->key, hash_type));
        ++signed_count;
      }
      if (signed_count < required) return fail("sign-missing-key");
      return out;
    }
    default:
      return fail("sign-unsupported-script");
  }
}

}  // namespace

std::vector<uint8_t> make_signature(const Transaction& tx, size_t input_index,
                                    std::span<const uint8_t> script_code, const PrivateKey& key,
                                    int32_t hash_type) {
  std::vector<uint8_t> sig =
      key.sign(legacy_signature_hash(tx, input_index, script_code, hash_type));
  sig.push_back(static_cast<uint8_t>(hash_type));
  return sig;
}

Result<Script> produce_script_sig(const Transaction& tx, size_t input_index,
                                  std::span<const uint8_t> spent_script_pubkey,
                                  std::span<const PrivateKey> keys,
                                  std::span<const uint8_t> redeem_script, int32_t hash_type) {
  if (input_index >= tx.inputs.size()) return fail("sign-bad-input-index");
  const OutputClass spent = classify_output(spent_script_pubkey);
  if (spent.type != OutputType::kScriptHash) {
    return sign_solved(tx, input_index, spent, spent_script_pubkey, keys, hash_type);
  }
  if (redeem_script.empty()) return fail("sign-missing-redeem-script");
  if (!same_bytes(hash160(redeem_script).bytes, spent.solutions[0])) {
    return fail("sign-redeem-script-mismatch");
  }
  const OutputClass inner = classify_output(redeem_script);
  if (inner.type == OutputType::kScriptHash) return fail("sign-unsupported-script");
  auto sig = sign_solved(tx, input_index, inner, redeem_script, keys, hash_type);
  if (!sig) return sig;
  push_data(*sig, redeem_script);
  return sig;
}

Status sign_input(Transaction& tx, size_t input_index, std::span<const uint8_t> spent_script_pubkey,
                  std::span<const PrivateKey> keys, std::span<const uint8_t> redeem_script,
                  int32_t hash_type) {
  auto sig =
      produce_script_sig(tx, input_index, spent_script_pubkey, keys, redeem_script, hash_type);
  if (!sig) return fail(sig.error());
  tx.inputs[input_index].script_sig = std::move(*sig);
  return Status::success();
}

}  // namespace btr::core::script
