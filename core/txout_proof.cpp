#include "core/txout_proof.h"

#include <cassert>

#include "core/chain_params.h"
#include "core/crypto/sha256.h"
#include "core/serialize.h"

namespace btr::core {

namespace {

// Bitcoin's bound MAX_BLOCK_WEIGHT / MIN_TRANSACTION_WEIGHT in legacy bytes:
// no block can hold more transactions of the smallest possible size (60).
constexpr uint32_t kMinProofTransactionSize = 60;
constexpr uint32_t kMaxProofTransactions = kMaxBlockSize / kMinProofTransactionSize;

// Nodes at `height` above the leaves (0 = leaves).
size_t tree_width(uint32_t total, int height) {
  return (size_t{total} + (size_t{1} << height) - 1) >> height;
}

int tree_height(uint32_t total) {
  int height = 0;
  while (tree_width(total, height) > 1) ++height;
  return height;
}

struct Builder {
  uint32_t total;
  std::span<const Hash256> txids;
  const std::vector<bool>& match;
  TxOutProof& out;

  Hash256 node_hash(int height, size_t pos) const {
    if (height == 0) return txids[pos];
    const Hash256 left = node_hash(height - 1, 2 * pos);
    const Hash256 right =
        2 * pos + 1 < tree_width(total, height - 1) ? node_hash(height - 1, 2 * pos + 1) : left;
    return sha256d_pair(left, right);
  }

  void build(int height, size_t pos) {
    bool parent_of_match = false;
    const size_t first = pos << height;
    for (size_t p = first; p < (pos + 1) << height && p < total; ++p) {
      parent_of_match = parent_of_match || match[p];
    }
    out.flags.push_back(parent_of_match);
    if (height == 0 || !parent_of_match) {
      out.hashes.push_back(node_hash(height, pos));
      return;
    }
    build(height - 1, 2 * pos);
    if (2 * pos + 1 < tree_width(total, height - 1)) build(height - 1, 2 * pos + 1);
  }
};

struct Extractor {
  const TxOutProof& proof;
  TxOutProofMatches& out;
  size_t bits_used = 0;
  size_t hashes_used = 0;
  bool bad = false;

  Hash256 walk(int height, size_t pos) {
    if (bits_used >= proof.flags.size()) {
      bad = true;  // ran out of flag bits
      return {};
    }
    const bool parent_of_match = proof.flags[bits_used++];
    if (height == 0 || !parent_of_match) {
      if (hashes_used >= proof.hashes.size()) {
        bad = true;  // ran out of hashes
        return {};
      }
      const Hash256& h = proof.hashes[hashes_used++];
      if (height == 0 && parent_of_match) {
        out.txids.push_back(h);
        out.indices.push_back(static_cast<uint32_t>(pos));
      }
      return h;
    }
    const Hash256 left = walk(height - 1, 2 * pos);
    Hash256 right = left;
    if (2 * pos + 1 < tree_width(proof.total_transactions, height - 1)) {
      right = walk(height - 1, 2 * pos + 1);
      // An honest tree never has equal siblings here (CVE-2012-2459).
      if (right == left) bad = true;
    }
    return sha256d_pair(left, right);
  }
};

}  // namespace

std::vector<uint8_t> TxOutProof::encode() const {
  std::vector<uint8_t> out;
  Writer w(out);
  w.bytes(header.serialize()).u32(total_transactions).compact_size(hashes.size());
  for (const Hash256& h : hashes) w.hash(h);
  std::vector<uint8_t> flag_bytes((flags.size() + 7) / 8, 0);
  for (size_t i = 0; i < flags.size(); ++i) {
    if (flags[i]) flag_bytes[i / 8] = static_cast<uint8_t>(flag_bytes[i / 8] | (1u << (i % 8)));
  }
  w.var_bytes(flag_bytes);
  return out;
}

Result<TxOutProof> TxOutProof::decode(std::span<const uint8_t> bytes) {
  Reader r(bytes);
  TxOutProof proof;
  auto header_bytes = r.bytes(kHeaderSize);
  if (!header_bytes) return fail(header_bytes.error());
  auto header = BlockHeader::parse(*header_bytes);
  if (!header) return fail(header.error());
  proof.header = *header;
  auto total = r.u32();
  if (!total) return fail(total.error());
  proof.total_transactions = *total;
  auto n = r.count(32);
  if (!n) return fail(n.error());
  proof.hashes.reserve(*n);
  for (uint64_t i = 0; i < *n; ++i) proof.hashes.push_back(*r.hash());  // count() bounded it
  auto flag_bytes = r.var_bytes();
  if (!flag_bytes) return fail(flag_bytes.error());
  proof.flags.resize(flag_bytes->size() * 8);
  for (size_t i = 0; i < proof.flags.size(); ++i) {
    proof.flags[i] = ((*flag_bytes)[i / 8] >> (i % 8)) & 1;
  }
  if (Status end = r.expect_end(); !end) return fail(end.error());
  return proof;
}

TxOutProof make_txout_proof(const BlockHeader& header, std::span<const Hash256> txids,
                            const std::vector<bool>& match) {
  assert(txids.size() == match.size() && !txids.empty() && txids.size() <= UINT32_MAX);
  TxOutProof proof;
  proof.header = header;
  proof.total_transactions = static_cast<uint32_t>(txids.size());
  Builder b{proof.total_transactions, txids, match, proof};
  b.build(tree_height(proof.total_transactions), 0);
  return proof;
}

Result<TxOutProofMatches> extract_txout_proof_matches(const TxOutProof& proof) {
  const uint32_t total = proof.total_transactions;
  if (total == 0) return fail("proof-no-transactions");
  if (total > kMaxProofTransactions) return fail("proof-too-many-transactions");
  if (proof.hashes.size() > total) return fail("proof-too-many-hashes");
  if (proof.flags.size() < proof.hashes.size()) return fail("proof-too-few-flags");
  TxOutProofMatches out;
  Extractor ex{proof, out};
  out.merkle_root = ex.walk(tree_height(total), 0);
  if (ex.bad) return fail("proof-malformed-tree");
  // Every flag byte and every hash must have been used.
  if ((ex.bits_used + 7) / 8 != (proof.flags.size() + 7) / 8) return fail("proof-unused-flags");
  if (ex.hashes_used != proof.hashes.size()) return fail("proof-unused-hashes");
  return out;
}

Result<std::vector<Hash256>> verify_txout_proof(const TxOutProof& proof) {
  auto matches = extract_txout_proof_matches(proof);
  if (!matches) return fail(matches.error());
  if (matches->merkle_root != proof.header.merkle_root) return fail("proof-merkle-root-mismatch");
  return std::move(matches->txids);
}

}  // namespace btr::core
