#pragma once
// The proof that gettxoutproof returns and verifytxoutproof checks in
// Bitcoin Core (CMerkleBlock): a block header, the block's transaction count,
// and a partial Merkle tree (hashes plus flag bits, depth first) that covers
// the matched transactions. Byte-for-byte Bitcoin's format:
//   header (80) | u32 total_transactions | compact n, n x 32-byte hashes |
//   compact m, m flag bytes (bit i of the traversal at byte i/8, bit i%8).

#include <cstdint>
#include <span>
#include <vector>

#include "core/block_header.h"
#include "core/result.h"
#include "core/uint256.h"

namespace btr::core {

struct TxOutProof {
  BlockHeader header;
  uint32_t total_transactions = 0;
  std::vector<Hash256> hashes;
  std::vector<bool> flags;  // padded to whole bytes when decoded

  std::vector<uint8_t> encode() const;
  // Strict: truncated input, trailing bytes and oversized counts are refused.
  static Result<TxOutProof> decode(std::span<const uint8_t> bytes);
};

// Builds the proof for the transactions whose `match` entry is true.
// txids and match have the block's transaction count as size.
TxOutProof make_txout_proof(const BlockHeader& header, std::span<const Hash256> txids,
                            const std::vector<bool>& match);

struct TxOutProofMatches {
  Hash256 merkle_root;            // the root the partial tree commits to
  std::vector<Hash256> txids;     // matched transactions, in block order
  std::vector<uint32_t> indices;  // their positions in the block
};

// CPartialMerkleTree::ExtractMatches: walks the tree, refusing malformed
// trees (bits or hashes missing or left over, too many transactions, two
// equal sibling hashes: CVE-2012-2459). Does not compare with the header.
Result<TxOutProofMatches> extract_txout_proof_matches(const TxOutProof& proof);
// verifytxoutproof's consensus part: the tree is well formed and commits to
// the header's Merkle root. Returns the proven txids. (Whether the header is
// in the best chain is the node's business.)
Result<std::vector<Hash256>> verify_txout_proof(const TxOutProof& proof);

}  // namespace btr::core
