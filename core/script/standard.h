#pragma once
// Relay policy (not consensus): which outputs and transactions a node
// relays and accepts into its mempool, following Bitcoin Core's
// IsStandardTx/AreInputsStandard with BitSilver's output set (chain.md
// "Scripts"): P2PKH, P2SH, P2PK, bare multisig of at most 3 keys, and one
// OP_RETURN output of at most 80 bytes of data.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "core/amount.h"
#include "core/key.h"
#include "core/result.h"
#include "core/script.h"
#include "core/transaction.h"

namespace btr::core::script {

enum class OutputType { kNonStandard, kPubKey, kPubKeyHash, kScriptHash, kMultisig, kNullData };

const char* output_type_name(OutputType type);  // Bitcoin's names: "pubkeyhash", ...

struct OutputClass {
  OutputType type = OutputType::kNonStandard;
  // kPubKey: {pubkey}; kPubKeyHash/kScriptHash: {20-byte hash};
  // kMultisig: {m as one byte, pubkeys..., n as one byte}; others: empty.
  std::vector<std::vector<uint8_t>> solutions;
};

// Bitcoin's Solver for the legacy types. Multisig of any 1..16 keys is
// classified; standardness then limits bare multisig to 3 keys.
OutputClass classify_output(std::span<const uint8_t> script_pubkey);

struct PolicyParams {
  // Minimum fee rate to relay, base units per 1,000 bytes (Core's 1,000 sat/kB).
  core::Amount min_relay_fee_per_kb = 1'000;
  // Fee rate defining dust: an output worth less than the fee to spend it.
  core::Amount dust_relay_fee_per_kb = 3'000;
  int32_t max_standard_version = 2;
  size_t max_standard_tx_size = 100'000;
  size_t max_scriptsig_size = 1'650;
  // OP_RETURN + PUSHDATA1 + length + 80 data bytes.
  size_t max_null_data_script_size = 83;
  unsigned max_bare_multisig_keys = 3;
  unsigned max_p2sh_sigops = 15;
};

// Fee for `size_bytes` at `fee_per_kb`, at least 1 unit for a positive rate
// (Core's CFeeRate::GetFee).
core::Amount fee_for_size(core::Amount fee_per_kb, size_t size_bytes);
// The value below which `out` is dust (0 for unspendable outputs).
core::Amount dust_threshold(const core::TxOut& out, const PolicyParams& policy = {});
bool is_dust(const core::TxOut& out, const PolicyParams& policy = {});

// Bitcoin Core's reasons: "version", "tx-size", "scriptsig-size",
// "scriptsig-not-pushonly", "scriptpubkey", "bare-multisig", "dust",
// "multi-op-return".
[[nodiscard]] core::Status check_standard_tx(const core::Transaction& tx,
                                             const PolicyParams& policy = {});
// `spent[i]` is the output input i spends. Refuses ("bad-txns-nonstandard-inputs")
// non-standard spent outputs and P2SH redeem scripts above max_p2sh_sigops
// (counted accurately, as Core's GetSigOpCount(true)).
[[nodiscard]] core::Status check_standard_inputs(const core::Transaction& tx,
                                                 std::span<const core::TxOut> spent,
                                                 const PolicyParams& policy = {});

// Bitcoin's GetSigOpCount(true): CHECKMULTISIG counts the key count pushed
// just before it (OP_1..OP_16), else 20.
unsigned accurate_sigop_count(std::span<const uint8_t> script);
// The sigops of the P2SH redeem script an input reveals (0 unless `spent`
// is P2SH and the scriptSig is push-only).
unsigned p2sh_sigop_count(std::span<const uint8_t> script_sig,
                          std::span<const uint8_t> spent_script_pubkey);

// Output scripts not built by core/script.h.
core::Script p2pk_script(const core::PublicKey& key);
// m-of-n: OP_m <keys> OP_n OP_CHECKMULTISIG. Asserts 1 <= m <= n <= 16.
core::Script multisig_script(unsigned m, std::span<const core::PublicKey> keys);
// OP_RETURN <data> (data pushed as one push).
core::Script null_data_script(std::span<const uint8_t> data);

}  // namespace btr::core::script
