#include "core/merkle.h"

#include <cassert>

#include "core/crypto/sha256.h"

namespace btr::core {

namespace {

// Replaces `level` by its parent level; returns whether two equal siblings
// were paired (checked before the odd last node is paired with itself).
bool hash_level(std::vector<Hash256>& level) {
  bool mutated = false;
  for (size_t i = 0; i + 1 < level.size(); i += 2) {
    if (level[i] == level[i + 1]) mutated = true;
  }
  if (level.size() % 2 == 1) level.push_back(level.back());
  for (size_t i = 0; i < level.size() / 2; ++i) {
    level[i] = sha256d_pair(level[2 * i], level[2 * i + 1]);
  }
  level.resize(level.size() / 2);
  return mutated;
}

}  // namespace

MerkleRoot compute_merkle_root(std::span<const Hash256> leaves) {
  MerkleRoot out;
  if (leaves.empty()) return out;
  std::vector<Hash256> level(leaves.begin(), leaves.end());
  while (level.size() > 1) {
    if (hash_level(level)) out.mutated = true;
  }
  out.root = level[0];
  return out;
}

std::vector<Hash256> merkle_branch(std::span<const Hash256> leaves, size_t index) {
  assert(index < leaves.size());
  std::vector<Hash256> branch;
  std::vector<Hash256> level(leaves.begin(), leaves.end());
  while (level.size() > 1) {
    const size_t sibling = index ^ 1;
    branch.push_back(sibling < level.size() ? level[sibling] : level[index]);
    (void)hash_level(level);
    index /= 2;
  }
  return branch;
}

Hash256 fold_merkle_branch(const Hash256& leaf, std::span<const Hash256> branch, uint32_t index) {
  Hash256 h = leaf;
  for (const Hash256& sibling : branch) {
    h = (index & 1) ? sha256d_pair(sibling, h) : sha256d_pair(h, sibling);
    index >>= 1;
  }
  return h;
}

std::vector<Hash256> coinbase_merkle_branch(std::span<const Hash256> non_coinbase_txids) {
  std::vector<Hash256> leaves;
  leaves.reserve(non_coinbase_txids.size() + 1);
  leaves.emplace_back();  // placeholder: leaf 0's own value never enters its branch
  leaves.insert(leaves.end(), non_coinbase_txids.begin(), non_coinbase_txids.end());
  return merkle_branch(leaves, 0);
}

MerkleProof make_merkle_proof(std::span<const Hash256> leaves, uint32_t index) {
  return MerkleProof{index, merkle_branch(leaves, index)};
}

bool verify_merkle_proof(const Hash256& leaf, const MerkleProof& proof, const Hash256& root) {
  // Index bits above the branch length would be ignored by the fold; a proof
  // that carries them is not the proof of any leaf.
  if (proof.branch.size() < 32 && (proof.index >> proof.branch.size()) != 0) return false;
  if (proof.branch.size() > 32) return false;
  return fold_merkle_branch(leaf, proof.branch, proof.index) == root;
}

}  // namespace btr::core
