#include <doctest/doctest.h>

#include <random>

#include "core/crypto/sha256.h"
#include "core/hex.h"
#include "core/merkle.h"
#include "test/common/test_util.h"

using namespace btr::core;

namespace {

std::vector<Hash256> random_leaves(size_t n, std::mt19937_64& rng) {
  std::vector<Hash256> v(n);
  for (Hash256& h : v) {
    for (uint8_t& b : h.bytes) b = static_cast<uint8_t>(rng());
  }
  return v;
}

// Independent reference: the node at (height, pos) defined top-down, as the
// white paper draws the tree (a missing right child repeats the left one).
size_t width(size_t n, int height) {
  return (n + (size_t{1} << height) - 1) >> height;
}

Hash256 ref_node(const std::vector<Hash256>& leaves, int height, size_t pos) {
  if (height == 0) return leaves[pos];
  const Hash256 left = ref_node(leaves, height - 1, 2 * pos);
  const Hash256 right = 2 * pos + 1 < width(leaves.size(), height - 1)
                            ? ref_node(leaves, height - 1, 2 * pos + 1)
                            : left;
  std::array<uint8_t, 64> cat;
  std::copy(left.bytes.begin(), left.bytes.end(), cat.begin());
  std::copy(right.bytes.begin(), right.bytes.end(), cat.begin() + 32);
  return sha256d(cat);
}

Hash256 ref_root(const std::vector<Hash256>& leaves) {
  int height = 0;
  while (width(leaves.size(), height) > 1) ++height;
  return ref_node(leaves, height, 0);
}

Hash256 display(std::string_view s) {
  return *Hash256::from_display_hex(s);
}

}  // namespace

TEST_CASE("Merkle roots of 1..17 leaves match a recursive reference") {
  std::mt19937_64 rng(btr::test::seed());
  for (size_t n = 1; n <= 17; ++n) {
    CAPTURE(n);
    const auto leaves = random_leaves(n, rng);
    const MerkleRoot r = compute_merkle_root(leaves);
    CHECK(r.root == ref_root(leaves));
    CHECK_FALSE(r.mutated);
  }
  CHECK(compute_merkle_root({}).root.is_zero());
  // One leaf: the root is the leaf itself.
  const auto one = random_leaves(1, rng);
  CHECK(compute_merkle_root(one).root == one[0]);
}

TEST_CASE("Merkle root of Bitcoin block 125552") {
  const std::vector<Hash256> txids = {
      display("51d37bdd871c9e1f4d5541be67a6ab625e32028744d7d4609d0c37747b40cd2d"),
      display("60c25dda8d41f8d3d7d5c6249e2ea1b05a25bf7ae2ad6d904b512b31f997e1a1"),
      display("01f314cdd8566d3e5dbdd97de2d9fbfbfd6873e916a00d48758282cbb81a45b9"),
      display("b519286a1040da6ad83c783eb2872659eaf57b1bec088e614776ffe7dc8f6d01")};
  CHECK(compute_merkle_root(txids).root.to_display_hex() ==
        "2b12fcf1b09288fcaff797d71e950e71ae42b91e8bdb2304758dfcffc2b620e3");
}

TEST_CASE("CVE-2012-2459: duplicated subtrees give the same root and are flagged") {
  std::mt19937_64 rng(btr::test::seed());
  for (size_t n = 1; n <= 17; ++n) {
    auto leaves = random_leaves(n, rng);
    if (n % 2 == 1 && n > 1) {
      // Appending a copy of the last leaf leaves the root unchanged.
      auto dup = leaves;
      dup.push_back(dup.back());
      const MerkleRoot a = compute_merkle_root(leaves);
      const MerkleRoot b = compute_merkle_root(dup);
      CHECK(a.root == b.root);
      CHECK_FALSE(a.mutated);
      CHECK(b.mutated);
    }
  }
  // Six leaves a..f: level 1 has (ab)(cd)(ef), and (ef) is repeated. Appending
  // e,f again gives the same root with equal siblings one level up.
  auto six = random_leaves(6, rng);
  auto eight = six;
  eight.push_back(six[4]);
  eight.push_back(six[5]);
  CHECK(compute_merkle_root(six).root == compute_merkle_root(eight).root);
  CHECK_FALSE(compute_merkle_root(six).mutated);
  CHECK(compute_merkle_root(eight).mutated);
  // Two equal adjacent leaves anywhere are flagged even when the root differs.
  auto eq = random_leaves(5, rng);
  eq[1] = eq[0];
  CHECK(compute_merkle_root(eq).mutated);
}

TEST_CASE("branches fold back to the root for every leaf of trees of 1..17") {
  std::mt19937_64 rng(btr::test::seed());
  for (size_t n = 1; n <= 17; ++n) {
    const auto leaves = random_leaves(n, rng);
    const Hash256 root = ref_root(leaves);
    for (size_t i = 0; i < n; ++i) {
      CAPTURE(n);
      CAPTURE(i);
      const auto branch = merkle_branch(leaves, i);
      CHECK(fold_merkle_branch(leaves[i], branch, static_cast<uint32_t>(i)) == root);
    }
    // Stratum's coinbase branch from the other txids only.
    const auto cb_branch = coinbase_merkle_branch(std::span(leaves).subspan(1));
    CHECK(cb_branch == merkle_branch(leaves, 0));
    CHECK(fold_coinbase_branch(leaves[0], cb_branch) == root);
  }
}

TEST_CASE("Stratum coinbase branch: ESP-Miner main-net job folds to its Merkle root") {
  // ESP-Miner self test (bitaxeorg/ESP-Miner 5c277131, height 791433): the
  // coinbase txid and the notify's merkle_branch (internal byte order) give
  // the root the source asserts.
  const Hash256 coinbase_txid =
      display("80d95f27e6da652c6070f3b341bbfa9cb5f96d3e363286562df7f4496dee0b7a");
  const char* branch_hex[] = {"2b77d9e413e8121cd7a17ff46029591051d0922bd90b2b2a38811af1cb57a2b2",
                              "5c8874cef00f3a233939516950e160949ef327891c9090467cead995441d22c5",
                              "2d91ff8e19ac5fa69a40081f26c5852d366d608b04d2efe0d5b65d111d0d8074",
                              "0ae96f609ad2264112a0b2dfb65624bedbcea3b036a59c0173394bba3a74e887",
                              "e62172e63973d69574a82828aeb5711fc5ff97946db10fc7ec32830b24df7bde",
                              "adb49456453aab49549a9eb46bb26787fb538e0a5f656992275194c04651ec97",
                              "a7bc56d04d2672a8683892d6c8d376c73d250a4871fdf6f57019bcc737d6d2c2",
                              "d94eceb8182b4f418cd071e93ec2a8993a0898d4c93bc33d9302f60dbbd0ed10",
                              "5ad7788b8c66f8f50d332b88a80077ce10e54281ca472b4ed9bbbbcb6cf99083",
                              "9f9d784b33df1b3ed3edb4211afc0dc1909af9758c6f8267e469f5148ed04809",
                              "48fd17affa76b23e6fb2257df30374da839d6cb264656a82e34b350722b05123",
                              "c4f5ab01913fc186d550c1a28f3f3e9ffaca2016b961a6a751f8cca0089df924",
                              "cff737e1d00176dd6bbfa73071adbb370f227cfb5fba186562e4060fcec877e1"};
  std::vector<Hash256> branch;
  for (const char* h : branch_hex) branch.push_back(*Hash256::from_internal_hex(h));
  CHECK(fold_coinbase_branch(coinbase_txid, branch).to_internal_hex() ==
        "5bdc1968499c3393873edf8e07a1c3a50a97fc3a9d1a376bbf77087dd63778eb");
}

TEST_CASE("SPV proofs verify for every leaf and tampered proofs fail") {
  std::mt19937_64 rng(btr::test::seed());
  for (size_t n = 1; n <= 17; ++n) {
    const auto leaves = random_leaves(n, rng);
    const Hash256 root = compute_merkle_root(leaves).root;
    for (uint32_t i = 0; i < n; ++i) {
      CAPTURE(n);
      CAPTURE(i);
      const MerkleProof proof = make_merkle_proof(leaves, i);
      CHECK(verify_merkle_proof(leaves[i], proof, root));
      // Another leaf, a flipped branch byte, an extra index bit: all refused.
      if (n > 1) {
        CHECK_FALSE(verify_merkle_proof(leaves[(i + 1) % n], proof, root));
        MerkleProof flipped = proof;
        flipped.branch[rng() % flipped.branch.size()].bytes[rng() % 32] ^= 0x01;
        CHECK_FALSE(verify_merkle_proof(leaves[i], flipped, root));
      }
      MerkleProof high = proof;
      high.index |= uint32_t{1} << proof.branch.size();
      CHECK_FALSE(verify_merkle_proof(leaves[i], high, root));
      Hash256 other_root = root;
      other_root.bytes[0] ^= 0x80;
      CHECK_FALSE(verify_merkle_proof(leaves[i], proof, other_root));
    }
  }
}
