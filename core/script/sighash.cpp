#include "core/script/sighash.h"

#include "core/crypto/sha256.h"
#include "core/script.h"
#include "core/script/opcodes.h"
#include "core/serialize.h"

namespace btr::core::script {
namespace {

// Writes the script code as Bitcoin's CTransactionSignatureSerializer does:
// OP_CODESEPARATORs removed. The length prefix counts every byte but the
// separators, while the bytes written stop where a malformed push stops the
// parse; Bitcoin hashes that (inconsistent) serialization, so we do too.
void write_script_code(Writer& w, std::span<const uint8_t> code) {
  size_t separators = 0;
  size_t pos = 0;
  while (const auto op = next_script_op(code, pos)) {
    if (op->opcode == OP_CODESEPARATOR) ++separators;
  }
  w.compact_size(code.size() - separators);
  size_t begin = 0;
  pos = 0;
  while (const auto op = next_script_op(code, pos)) {
    if (op->opcode == OP_CODESEPARATOR) {
      w.bytes(code.subspan(begin, pos - begin - 1));
      begin = pos;
    }
  }
  if (begin != code.size()) w.bytes(code.subspan(begin, pos - begin));
}

Hash256 uint256_one() {
  Hash256 one;
  one.bytes[0] = 1;
  return one;
}

}  // namespace

Hash256 legacy_signature_hash(const Transaction& tx, size_t input_index,
                              std::span<const uint8_t> script_code, int32_t hash_type) {
  if (input_index >= tx.inputs.size()) return uint256_one();
  const int32_t base_type = hash_type & 0x1f;
  const bool anyone_can_pay = (hash_type & kSighashAnyoneCanPay) != 0;
  const bool hash_none = base_type == kSighashNone;
  const bool hash_single = base_type == kSighashSingle;
  if (hash_single && input_index >= tx.outputs.size()) return uint256_one();

  std::vector<uint8_t> buf;
  buf.reserve(tx.serialized_size() + script_code.size() + 8);
  Writer w(buf);
  w.i32(tx.version);

  const size_t input_count = anyone_can_pay ? 1 : tx.inputs.size();
  w.compact_size(input_count);
  for (size_t k = 0; k < input_count; ++k) {
    const size_t i = anyone_can_pay ? input_index : k;
    const TxIn& in = tx.inputs[i];
    w.hash(in.prevout.txid).u32(in.prevout.index);
    if (i == input_index) {
      write_script_code(w, script_code);
    } else {
      w.compact_size(0);
    }
    // Other inputs' sequences are blanked for NONE and SINGLE so they can be
    // updated without invalidating this signature.
    const bool blank_sequence = i != input_index && (hash_none || hash_single);
    w.u32(blank_sequence ? 0 : in.sequence);
  }

  const size_t output_count = hash_none ? 0 : hash_single ? input_index + 1 : tx.outputs.size();
  w.compact_size(output_count);
  for (size_t i = 0; i < output_count; ++i) {
    if (hash_single && i != input_index) {
      w.i64(-1).compact_size(0);  // Bitcoin's "null" CTxOut
    } else {
      w.i64(tx.outputs[i].value).var_bytes(tx.outputs[i].script_pubkey);
    }
  }
  w.u32(tx.locktime).i32(hash_type);
  return sha256d(buf);
}

}  // namespace btr::core::script
