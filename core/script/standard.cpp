#include "core/script/standard.h"

#include <cassert>

#include "core/crypto/hash160.h"
#include "core/script/interpreter.h"
#include "core/script/opcodes.h"
#include "core/serialize.h"

namespace btr::core::script {
namespace {

using Bytes = std::vector<uint8_t>;
using Span = std::span<const uint8_t>;

bool is_small_int(uint8_t op) {
  return op >= OP_1 && op <= OP_16;
}
uint8_t small_int_value(uint8_t op) {
  return static_cast<uint8_t>(op - OP_1 + 1);
}

bool match_p2pk(Span s, OutputClass& out) {
  if (s.size() < 2 || s.back() != OP_CHECKSIG || s[0] + 2u != s.size()) return false;
  const Span key = s.subspan(1, s.size() - 2);
  if (!has_valid_pubkey_size(key)) return false;
  out = {OutputType::kPubKey, {Bytes(key.begin(), key.end())}};
  return true;
}

bool match_p2pkh(Span s, OutputClass& out) {
  if (s.size() != 25 || s[0] != OP_DUP || s[1] != OP_HASH160 || s[2] != 20 ||
      s[23] != OP_EQUALVERIFY || s[24] != OP_CHECKSIG) {
    return false;
  }
  out = {OutputType::kPubKeyHash, {Bytes(s.begin() + 3, s.begin() + 23)}};
  return true;
}

// OP_m <key>... OP_n OP_CHECKMULTISIG with 1 <= m <= n = number of keys.
bool match_multisig(Span s, OutputClass& out) {
  if (s.empty() || s.back() != OP_CHECKMULTISIG) return false;
  size_t pos = 0;
  auto op = next_script_op(s, pos);
  if (!op || !is_small_int(op->opcode)) return false;
  const uint8_t m = small_int_value(op->opcode);
  OutputClass result{OutputType::kMultisig, {Bytes{m}}};
  while ((op = next_script_op(s, pos)) && has_valid_pubkey_size(op->data)) {
    result.solutions.emplace_back(op->data.begin(), op->data.end());
  }
  if (!op || !is_small_int(op->opcode)) return false;
  const uint8_t n = small_int_value(op->opcode);
  if (n < m || result.solutions.size() != n + 1u) return false;
  if (pos + 1 != s.size()) return false;  // only the CHECKMULTISIG may follow
  result.solutions.push_back(Bytes{n});
  out = std::move(result);
  return true;
}

}  // namespace

const char* output_type_name(OutputType type) {
  switch (type) {
    case OutputType::kPubKey:
      return "pubkey";
    case OutputType::kPubKeyHash:
      return "pubkeyhash";
    case OutputType::kScriptHash:
      return "scripthash";
    case OutputType::kMultisig:
      return "multisig";
    case OutputType::kNullData:
      return "nulldata";
    case OutputType::kNonStandard:
      break;
  }
  return "nonstandard";
}

OutputClass classify_output(std::span<const uint8_t> s) {
  OutputClass out;
  if (is_p2sh(s)) return {OutputType::kScriptHash, {Bytes(s.begin() + 2, s.begin() + 22)}};
  // Witness programs are not outputs BitSilver knows (chain.md "No SegWit").
  if (is_witness_program(s)) return out;
  if (!s.empty() && s[0] == OP_RETURN && is_push_only(s.subspan(1))) {
    return {OutputType::kNullData, {}};
  }
  if (match_p2pk(s, out) || match_p2pkh(s, out) || match_multisig(s, out)) return out;
  return {};
}

Amount fee_for_size(Amount fee_per_kb, size_t size_bytes) {
  assert(fee_per_kb >= 0);
  // Rounded up, as Bitcoin Core's CFeeRate::GetFee.
  return (fee_per_kb * static_cast<Amount>(size_bytes) + 999) / 1000;
}

Amount dust_threshold(const TxOut& out, const PolicyParams& policy) {
  const auto& s = out.script_pubkey;
  const bool unspendable = (!s.empty() && s[0] == OP_RETURN) || s.size() > kMaxScriptSize;
  if (unspendable) return 0;
  std::vector<uint8_t> buf;
  Writer(buf).i64(out.value).var_bytes(s);
  // Plus the input that would spend it: outpoint, scriptSig length, a
  // 107-byte P2PKH scriptSig rounded as Core does to 148 in total, sequence.
  constexpr size_t kSpendingInputSize = 32 + 4 + 1 + 107 + 4;
  return fee_for_size(policy.dust_relay_fee_per_kb, buf.size() + kSpendingInputSize);
}

bool is_dust(const TxOut& out, const PolicyParams& policy) {
  return out.value < dust_threshold(out, policy);
}

Status check_standard_tx(const Transaction& tx, const PolicyParams& policy) {
  if (tx.version > policy.max_standard_version || tx.version < 1) return fail("version");
  if (tx.serialized_size() > policy.max_standard_tx_size) return fail("tx-size");
  for (const TxIn& in : tx.inputs) {
    // Room for a 15-of-15 P2SH multisig spend, Core's largest standard one.
    if (in.script_sig.size() > policy.max_scriptsig_size) return fail("scriptsig-size");
    if (!is_push_only(in.script_sig)) return fail("scriptsig-not-pushonly");
  }
  unsigned null_data_outputs = 0;
  for (const TxOut& out : tx.outputs) {
    const OutputClass c = classify_output(out.script_pubkey);
    switch (c.type) {
      case OutputType::kNonStandard:
        return fail("scriptpubkey");
      case OutputType::kNullData:
        if (out.script_pubkey.size() > policy.max_null_data_script_size) {
          return fail("scriptpubkey");
        }
        ++null_data_outputs;
        continue;  // data outputs carry no value worth a dust check
      case OutputType::kMultisig: {
        const unsigned n = c.solutions.back()[0];
        if (n > policy.max_bare_multisig_keys) return fail("bare-multisig");
        break;
      }
      default:
        break;
    }
    if (is_dust(out, policy)) return fail("dust");
  }
  if (null_data_outputs > 1) return fail("multi-op-return");
  return Status::success();
}

Status check_standard_inputs(const Transaction& tx, std::span<const TxOut> spent,
                             const PolicyParams& policy) {
  assert(spent.size() == tx.inputs.size());
  for (size_t i = 0; i < tx.inputs.size(); ++i) {
    const OutputType type = classify_output(spent[i].script_pubkey).type;
    if (type == OutputType::kNonStandard) return fail("bad-txns-nonstandard-inputs");
    if (type != OutputType::kScriptHash) continue;
    // Run the scriptSig (push-only by check_standard_tx) to find the redeem
    // script, which must not hide too many signature checks.
    Stack stack;
    if (!eval_script(stack, tx.inputs[i].script_sig, flags::kNone, SignatureChecker())) {
      return fail("bad-txns-nonstandard-inputs");
    }
    if (stack.empty()) return fail("bad-txns-nonstandard-inputs");
    if (accurate_sigop_count(stack.back()) > policy.max_p2sh_sigops) {
      return fail("bad-txns-nonstandard-inputs");
    }
  }
  return Status::success();
}

unsigned accurate_sigop_count(std::span<const uint8_t> script) {
  unsigned count = 0;
  uint8_t last = OP_INVALIDOPCODE;
  size_t pos = 0;
  while (const auto op = next_script_op(script, pos)) {
    if (op->opcode == OP_CHECKSIG || op->opcode == OP_CHECKSIGVERIFY) {
      count += 1;
    } else if (op->opcode == OP_CHECKMULTISIG || op->opcode == OP_CHECKMULTISIGVERIFY) {
      count += is_small_int(last) ? small_int_value(last) : kMaxPubkeysPerMultisig;
    }
    last = op->opcode;
  }
  return count;
}

unsigned p2sh_sigop_count(std::span<const uint8_t> script_sig,
                          std::span<const uint8_t> spent_script_pubkey) {
  if (!is_p2sh(spent_script_pubkey)) return 0;
  Span redeem;
  size_t pos = 0;
  while (pos < script_sig.size()) {
    const auto op = next_script_op(script_sig, pos);
    if (!op || op->opcode > OP_16) return 0;
    redeem = op->data;
  }
  return accurate_sigop_count(redeem);
}

Script p2pk_script(const PublicKey& key) {
  Script s;
  push_data(s, key.bytes());
  s.push_back(OP_CHECKSIG);
  return s;
}

Script multisig_script(unsigned m, std::span<const PublicKey> keys) {
  assert(m >= 1 && m <= keys.size() && keys.size() <= 16);
  Script s;
  push_int(s, m);
  for (const PublicKey& k : keys) push_data(s, k.bytes());
  push_int(s, static_cast<int64_t>(keys.size()));
  s.push_back(OP_CHECKMULTISIG);
  return s;
}

Script null_data_script(std::span<const uint8_t> data) {
  Script s = {OP_RETURN};
  push_data(s, data);
  return s;
}

}  // namespace btr::core::script
