#pragma once
// Test-side readers for Bitcoin's test-vector formats: script assembly
// ("DUP HASH160 0x14 0x... EQUALVERIFY"), flag lists ("P2SH,STRICTENC") and
// the crediting/spending transaction pair script_tests.json assumes.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/script.h"
#include "core/transaction.h"

namespace btr::test {

// Bitcoin's ParseScript: decimal numbers as CScriptNum pushes, 0x.. as raw
// bytes, '...' as a data push, opcode names with or without OP_. Throws
// std::runtime_error on a token it cannot read.
core::Script parse_script_asm(std::string_view text);

// The last push of a push-only scriptSig (what P2SH would run as the redeem
// script); nullopt when the scriptSig is not push-only or is empty.
std::optional<core::Script> last_push(const core::Script& script_sig);

struct ParsedFlags {
  uint32_t flags = 0;    // the bits the interpreter knows
  bool witness = false;  // WITNESS was named (BitSilver has no witness)
  bool taproot = false;  // TAPROOT was named
  std::string unknown;   // a name neither we nor the list above know
};
// "NONE" or "" is no flag; other names as Bitcoin's script_tests.
ParsedFlags parse_flags(std::string_view text);

// script_tests.json's transactions: a coinbase-like credit paying `amount`
// to `script_pubkey`, and its spend by `script_sig`.
core::Transaction crediting_tx(const core::Script& script_pubkey, core::Amount amount = 0);
core::Transaction spending_tx(const core::Script& script_sig, const core::Transaction& credit);

}  // namespace btr::test
