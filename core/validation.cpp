#include "core/validation.h"

#include <set>

#include "core/pow.h"
#include "core/script.h"

namespace btr::core {

namespace {

// Bitcoin's coinbase scriptSig bounds.
constexpr size_t kMinCoinbaseScriptSize = 2;
constexpr size_t kMaxCoinbaseScriptSize = 100;

Status check_inputs(const Transaction& tx) {
  std::set<OutPoint> seen;
  for (const TxIn& in : tx.inputs) {
    if (!seen.insert(in.prevout).second) return fail("bad-txns-inputs-duplicate");
  }
  if (tx.is_coinbase()) {
    const size_t n = tx.inputs[0].script_sig.size();
    if (n < kMinCoinbaseScriptSize || n > kMaxCoinbaseScriptSize) return fail("bad-cb-length");
    return {};
  }
  for (const TxIn& in : tx.inputs) {
    if (in.prevout.is_null()) return fail("bad-txns-prevout-null");
  }
  return {};
}

Status check_header_pow(const BlockHeader& header, const ChainParams& params) {
  if (!target_from_bits(header.bits, params.pow_limit).ok()) return fail("bad-diffbits");
  if (!check_proof_of_work(header.hash(), header.bits, params.pow_limit)) return fail("high-hash");
  return {};
}

Status check_transactions(const Block& block, const ChainParams& params) {
  if (block.transactions.empty() || !block.transactions[0].is_coinbase()) {
    return fail("bad-cb-missing");
  }
  for (size_t i = 1; i < block.transactions.size(); ++i) {
    if (block.transactions[i].is_coinbase()) return fail("bad-cb-multiple");
  }
  uint64_t sigops = 0;
  for (const Transaction& tx : block.transactions) {
    if (Status s = check_transaction(tx); !s) return s;
    sigops += legacy_sigop_count(tx);
  }
  if (sigops > params.max_block_sigops) return fail("bad-blk-sigops");
  return {};
}

}  // namespace

unsigned legacy_sigop_count(const Transaction& tx) {
  unsigned n = 0;
  for (const TxIn& in : tx.inputs) n += legacy_sigop_count(in.script_sig);
  for (const TxOut& out : tx.outputs) n += legacy_sigop_count(out.script_pubkey);
  return n;
}

Status check_transaction(const Transaction& tx) {
  if (tx.inputs.empty()) return fail("bad-txns-vin-empty");
  if (tx.outputs.empty()) return fail("bad-txns-vout-empty");
  if (tx.serialized_size() > kMaxBlockSize) return fail("bad-txns-oversize");
  if (auto total = tx.total_output_value(); !total) return fail(total.error());
  return check_inputs(tx);
}

Status check_block(const Block& block, const ChainParams& params) {
  if (Status s = check_header_pow(block.header, params); !s) return s;
  return check_block_without_pow(block, params);
}

Status check_block_without_pow(const Block& block, const ChainParams& params) {
  if (!target_from_bits(block.header.bits, params.pow_limit).ok()) return fail("bad-diffbits");
  const MerkleRoot merkle = block.compute_merkle_root();
  if (merkle.root != block.header.merkle_root) return fail("bad-txnmrklroot");
  // A mutated list has the right root but is not the block that was mined.
  if (merkle.mutated) return fail("bad-txns-duplicate");
  if (block.transactions.empty() || block.serialized_size() > params.max_block_size) {
    return fail("bad-blk-length");
  }
  return check_transactions(block, params);
}

}  // namespace btr::core
