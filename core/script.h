#pragma once
// Script building blocks needed by blocks and templates: the opcodes they
// use, data and number pushes as Bitcoin emits them, script numbers
// (CScriptNum), the BIP34 height in a coinbase, P2PKH/P2SH output scripts and
// the legacy signature-operation count. The interpreter lives elsewhere.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/result.h"

namespace btr::core {

using Script = std::vector<uint8_t>;

enum Opcode : uint8_t {
  OP_0 = 0x00,
  OP_PUSHDATA1 = 0x4c,
  OP_PUSHDATA2 = 0x4d,
  OP_PUSHDATA4 = 0x4e,
  OP_1NEGATE = 0x4f,
  OP_1 = 0x51,
  OP_16 = 0x60,
  OP_RETURN = 0x6a,
  OP_DUP = 0x76,
  OP_EQUAL = 0x87,
  OP_EQUALVERIFY = 0x88,
  OP_HASH160 = 0xa9,
  OP_CHECKSIG = 0xac,
  OP_CHECKSIGVERIFY = 0xad,
  OP_CHECKMULTISIG = 0xae,
  OP_CHECKMULTISIGVERIFY = 0xaf,
};

// One parsed operation: the opcode and, for pushes, the pushed bytes (a view
// into the script).
struct ScriptOp {
  uint8_t opcode = 0;
  std::span<const uint8_t> data;
};

// Reads the operation at `pos` and advances past it. nullopt at the end of
// the script or when a push runs past it (the script is then malformed).
std::optional<ScriptOp> next_script_op(std::span<const uint8_t> script, size_t& pos);

// Appends `data` as a push with the smallest push opcode for its length
// (direct, PUSHDATA1/2/4), as Bitcoin's CScript << vector does. Single bytes
// are pushed as data, never turned into OP_1..OP_16.
void push_data(Script& script, std::span<const uint8_t> data);
// Appends a number as Bitcoin's CScript << int64 does: OP_0, OP_1NEGATE,
// OP_1..OP_16, otherwise the minimal script-number bytes as data.
void push_int(Script& script, int64_t value);

// Minimal little-endian sign-magnitude encoding (CScriptNum::serialize); 0 is empty.
std::vector<uint8_t> script_num_encode(int64_t value);
// Decodes a script number of at most max_size bytes; with require_minimal,
// refuses encodings with a superfluous trailing byte (MINIMALDATA).
Result<int64_t> script_num_decode(std::span<const uint8_t> bytes, bool require_minimal,
                                  size_t max_size = 4);

// The BIP34 prefix of a coinbase scriptSig for `height` (CScript() << height).
Script coinbase_height_script(int64_t height);
// The height a coinbase scriptSig starts with. Accepted forms: OP_0 (height
// 0), OP_1..OP_16, and a minimal script number in a direct push of 1..4
// bytes; for heights 1..16 the one-byte push `01 NN` is also accepted
// because widely used pool software emits it (chain.md "Coinbase").
Result<int64_t> parse_coinbase_height(std::span<const uint8_t> script_sig);

// OP_DUP OP_HASH160 <20> OP_EQUALVERIFY OP_CHECKSIG
Script p2pkh_script(std::span<const uint8_t, 20> key_hash);
// OP_HASH160 <20> OP_EQUAL
Script p2sh_script(std::span<const uint8_t, 20> script_hash);

// Bitcoin's legacy GetSigOpCount(false): CHECKSIG(VERIFY) count 1 and
// CHECKMULTISIG(VERIFY) 20; counting stops at a malformed push.
unsigned legacy_sigop_count(std::span<const uint8_t> script);

}  // namespace btr::core
