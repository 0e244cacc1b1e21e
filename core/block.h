#pragma once
// A block: header plus transactions in Bitcoin's legacy serialization. The
// block size every limit speaks of is this serialization's length.

#include <cstdint>
#include <span>
#include <vector>

#include "core/block_header.h"
#include "core/merkle.h"
#include "core/result.h"
#include "core/transaction.h"

namespace btr::core {

struct Block {
  BlockHeader header;
  std::vector<Transaction> transactions;

  std::vector<uint8_t> serialize() const;
  size_t serialized_size() const;
  // Exactly one legacy block; trailing bytes are an error.
  static Result<Block> parse(std::span<const uint8_t> bytes);

  Hash256 hash() const { return header.hash(); }
  std::vector<Hash256> txids() const;
  // Merkle root of the txids, with the CVE-2012-2459 mutation flag.
  MerkleRoot compute_merkle_root() const;

  bool operator==(const Block&) const = default;
};

struct WitnessCoinbaseBlock {
  Block block;  // legacy form: the coinbase witness dropped
  bool coinbase_had_witness = false;
};

// Like Block::parse, but the coinbase alone may use BIP144's extended form
// (pool software that commits to a witness reserved value sends that). Any
// other transaction with a witness is refused ("unexpected-witness"): there
// is no SegWit. The txids, and so the Merkle root, are unaffected.
Result<WitnessCoinbaseBlock> parse_block_with_witness_coinbase(std::span<const uint8_t> bytes);

}  // namespace btr::core
