#pragma once
// Context-free validity: what can be checked of a transaction or block
// without the chain or the UTXO set (Bitcoin's CheckTransaction and
// CheckBlock). Each refusal carries Bitcoin's reason string.

#include "core/block.h"
#include "core/chain_params.h"
#include "core/result.h"
#include "core/transaction.h"

namespace btr::core {

// Reasons: bad-txns-vin-empty, bad-txns-vout-empty, bad-txns-oversize,
// bad-txns-vout-negative, bad-txns-vout-toolarge, bad-txns-txouttotal-toolarge,
// bad-txns-inputs-duplicate, bad-cb-length, bad-txns-prevout-null.
Status check_transaction(const Transaction& tx);

// Reasons, in the order checked: bad-diffbits, high-hash, bad-txnmrklroot,
// bad-txns-duplicate (CVE-2012-2459 mutation), bad-blk-length, bad-cb-missing,
// bad-cb-multiple, any check_transaction reason, bad-blk-sigops.
Status check_block(const Block& block, const ChainParams& params);
// check_block without the proof-of-work test (Bitcoin's CheckBlock with
// fCheckPOW = false): getblocktemplate proposals (BIP23) are not mined yet.
// The bits must still be a valid target ("bad-diffbits").
Status check_block_without_pow(const Block& block, const ChainParams& params);

// The legacy signature-operation count of a transaction (all scriptSigs and
// scriptPubKeys), as the block limit counts it.
unsigned legacy_sigop_count(const Transaction& tx);

}  // namespace btr::core
