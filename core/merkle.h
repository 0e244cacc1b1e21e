#pragma once
// Merkle trees over transaction ids, Bitcoin's way: a level with an odd
// number of nodes pairs its last node with itself. That rule makes distinct
// transaction lists share a root (CVE-2012-2459), so the root computation
// also reports whether the list is "mutated": some level hashed two equal
// adjacent nodes, which an honest block (distinct txids) never does.

#include <cstdint>
#include <span>
#include <vector>

#include "core/uint256.h"

namespace btr::core {

struct MerkleRoot {
  Hash256 root;          // all zero for an empty list, as in Bitcoin
  bool mutated = false;  // two equal sibling nodes were hashed together
};

MerkleRoot compute_merkle_root(std::span<const Hash256> leaves);

// The sibling hashes on the path from leaves[index] to the root, bottom up.
// A node without a right sibling (odd level) is its own sibling.
std::vector<Hash256> merkle_branch(std::span<const Hash256> leaves, size_t index);
// Folds a leaf with its branch: at level i the leaf's side is bit i of index.
Hash256 fold_merkle_branch(const Hash256& leaf, std::span<const Hash256> branch, uint32_t index);

// Stratum's merkle_branch for mining.notify: the branch of the coinbase
// (leaf 0) computed from the other transactions' txids only, since the
// coinbase is not known yet. No element depends on the coinbase.
std::vector<Hash256> coinbase_merkle_branch(std::span<const Hash256> non_coinbase_txids);
// What a miner does with it: the root for a given coinbase txid.
inline Hash256 fold_coinbase_branch(const Hash256& coinbase_txid, std::span<const Hash256> branch) {
  return fold_merkle_branch(coinbase_txid, branch, 0);
}

// A proof that a transaction is in a block, for simplified payment
// verification (white paper section 8): the leaf's index and its branch.
struct MerkleProof {
  uint32_t index = 0;
  std::vector<Hash256> branch;
};

MerkleProof make_merkle_proof(std::span<const Hash256> leaves, uint32_t index);
bool verify_merkle_proof(const Hash256& leaf, const MerkleProof& proof, const Hash256& root);

}  // namespace btr::core
