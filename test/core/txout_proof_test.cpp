#include <doctest/doctest.h>

#include <random>

#include "core/hex.h"
#include "core/merkle.h"
#include "core/txout_proof.h"
#include "test/common/test_util.h"

using namespace btr::core;

namespace {

std::vector<uint8_t> hex(std::string_view s) {
  return *from_hex(s);
}

// Real gettxoutproof results from Bitcoin Core, as published on
// bitcoin.stackexchange.com (questions/70504) and in bitcoin-cli examples.
struct RealProof {
  const char* name;
  const char* hex;
  std::vector<const char*> txids;  // display order, block order
};

const RealProof kRealProofs[] = {
    {"testnet block with one transaction",
     "0000002024ea1b7676f6ae9f2a3b639ec43e15c509a661d33d123deb3d00000000000000a8c43c247106c64356c0"
     "dc74c3a9e2407f325c199f08553f0753df330e744881f4d6715affff001d00cecafd0100000001a8c43c247106c6"
     "4356c0dc74c3a9e2407f325c199f08553f0753df330e7448810101",
     {"8148740e33df53073f55089f195c327f40e2a9c374dcc05643c60671243cc4a8"}},
    {"main-net block of 287 transactions, two proven",
     "00004020e2ac770a4f511b7ed2f3b638fe12d39ff52b8ced104d360500000000000000006f5ca47842fdd12f46a2"
     "74ce7060c701d0c1fcff294a826e19b88e8f3dcdbca8f560135e8b64051816587c9c1f0100000bc21da39408e165"
     "a8368a7df46a17af25b4c5e3778b45222e48da632412b3be56e3b1196586e514fba3145219e3d9edb1e0e2c71b4c"
     "edaf013d8512d121f55e1ae120e954338e4d63d0a446a466b4ec548704366a89c2513c0c47818e4f8af8fa141bcd"
     "a354451c2a48425704decd178df3c2c518c2fee2a593058b2c2c2ddee80ebc68aa38c161fcbf32f336b9d06feb65"
     "2893be3326b0fd755cf61e575a56d7cb6b4944a2e74e3fdb583885c9dd4849ab2fd974207d9693a3062d9ba5eb0e"
     "a1b7c2d9841297396526c43af19fa8e67f3a6c07f9c8333eda575556df0e8b86a65982f24022336589fae3d56d69"
     "d73474024ced4f3a63c7205623d5bd22daf8a58e69b4748539fcdc24e0241f8231278b560340a3eb112f2fd041dc"
     "7bd1a0f6ddc37b916c24b0f96a1e9e13b4ffc7ad9c3805cadb91520435821edd439ca70198c92187deb1dde07536"
     "6006d963632a0fd1ca510b362bbd6cf1805ac70becd3d303ff2d00",
     {"1a5ef521d112853d01afed4c1bc7e2e0b1edd9e3195214a3fb14e5866519b1e3",
      "e8de2d2c2c8b0593a5e2fec218c5c2f38d17cdde045742482a1c4554a3cd1b14"}},
    {"main-net block of 2,823 transactions, one proven",
     "00000020937194628d64a712d1cfdd46f7bdedd32fe8a6fd31180f000000000000000000b1fdff501fedfbff70cf"
     "e2faa7f6adf364f4b25f969f17e5466545c9ad0084ef1554e25b922d2717bafebba2070b00000db385e77dd799c7"
     "19bb304fc0378486db42b6f7c21891c36ba20223f93b7ce6ef10cd3d3f7b880e6cb662888197f7abdbf86c665d08"
     "36484c185de62d7f6da3b65f33bb3e285613b7cd73e50d32116a7aa529469918eeeb4cfe22eb2f5ba0030c8ac70a"
     "e460e450d56652a71bdf63430310b0cd8a5096e02d1e9de5f3925f892a42eef6eb27b9c295a624e743db82016f62"
     "6a74401e0530ac24bfe8a102b4de004f33776510d532029bdf46182c170a423ec83310a6db0ece225c3b6787c701"
     "4d605924c66f15e092defb3183fa3748b321a8e8a1c738be30daa1e1cd1043d2fa549d4afef3f323711eda2b2eac"
     "4aac8c03d8ff06d3f6e5d2bc71437ecbec4de982df301a8b7c63d7f3e23b4b8324522eb8dad22fbbbbfdce48257a"
     "504d279e5fd4252dd75241c87e083c00518fe22ee9a1451e4ed5613341352499570b1511d933a27d366478fab45f"
     "4caa3261e870ac772129696c268adb3bd511081a1621f9ce0359d459af68c805b716daad63cab4259399ebb07ad1"
     "c9566482ad16f4fbe1f06442a656d07bd88c2ccb756502bc20769412715cd1b88e9641bc368217d94e04f7fa0000",
     {"2a895f92f3e59d1e2de096508acdb010034363df1ba75266d550e460e40ac78a"}},
};

std::vector<Hash256> random_leaves(size_t n, std::mt19937_64& rng) {
  std::vector<Hash256> v(n);
  for (Hash256& h : v) {
    for (uint8_t& b : h.bytes) b = static_cast<uint8_t>(rng());
  }
  return v;
}

}  // namespace

TEST_CASE("real Bitcoin Core txout proofs decode, verify and re-encode byte for byte") {
  for (const RealProof& p : kRealProofs) {
    const std::string name = p.name;
    CAPTURE(name);
    const auto bytes = hex(p.hex);
    auto proof = TxOutProof::decode(bytes);
    REQUIRE(proof.ok());
    CHECK(proof->encode() == bytes);
    auto proven = verify_txout_proof(*proof);
    REQUIRE(proven.ok());
    REQUIRE(proven->size() == p.txids.size());
    for (size_t i = 0; i < p.txids.size(); ++i)
      CHECK((*proven)[i].to_display_hex() == std::string(p.txids[i]));
  }
}

TEST_CASE("a one-transaction proof is rebuilt byte for byte") {
  const auto bytes = hex(kRealProofs[0].hex);
  auto header = BlockHeader::parse(std::span(bytes).first(80));
  REQUIRE(header.ok());
  const std::vector<Hash256> txids = {*Hash256::from_display_hex(kRealProofs[0].txids[0])};
  CHECK(make_txout_proof(*header, txids, {true}).encode() == bytes);
}

TEST_CASE("built proofs verify for every subset pattern of trees of 1..17") {
  std::mt19937_64 rng(btr::test::seed());
  for (size_t n = 1; n <= 17; ++n) {
    const auto txids = random_leaves(n, rng);
    BlockHeader header;
    header.merkle_root = compute_merkle_root(txids).root;
    for (int trial = 0; trial < 8; ++trial) {
      std::vector<bool> match(n);
      std::vector<Hash256> expect;
      std::vector<uint32_t> expect_idx;
      for (size_t i = 0; i < n; ++i) {
        match[i] = trial == 0 ? (i == n - 1) : (rng() % 3 == 0);
        if (match[i]) {
          expect.push_back(txids[i]);
          expect_idx.push_back(static_cast<uint32_t>(i));
        }
      }
      CAPTURE(n);
      CAPTURE(trial);
      const TxOutProof proof = make_txout_proof(header, txids, match);
      auto decoded = TxOutProof::decode(proof.encode());
      REQUIRE(decoded.ok());
      auto m = extract_txout_proof_matches(*decoded);
      REQUIRE(m.ok());
      CHECK(m->merkle_root == header.merkle_root);
      CHECK(m->txids == expect);
      CHECK(m->indices == expect_idx);
      CHECK(verify_txout_proof(*decoded).ok());
    }
  }
}

TEST_CASE("tampered and malformed txout proofs are refused") {
  const auto bytes = hex(kRealProofs[1].hex);
  const TxOutProof good = *TxOutProof::decode(bytes);

  TxOutProof wrong_hash = good;
  wrong_hash.hashes[3].bytes[7] ^= 0x01;
  CHECK(verify_txout_proof(wrong_hash).error() == "proof-merkle-root-mismatch");

  TxOutProof wrong_header = good;
  wrong_header.header.merkle_root.bytes[0] ^= 0x01;
  CHECK_FALSE(verify_txout_proof(wrong_header).ok());

  TxOutProof extra_hash = good;
  extra_hash.hashes.push_back(Hash256{});
  CHECK_FALSE(verify_txout_proof(extra_hash).ok());

  TxOutProof missing_hash = good;
  missing_hash.hashes.pop_back();
  CHECK_FALSE(verify_txout_proof(missing_hash).ok());

  TxOutProof extra_flags = good;
  extra_flags.flags.resize(extra_flags.flags.size() + 8, false);
  CHECK(verify_txout_proof(extra_flags).error() == "proof-unused-flags");

  TxOutProof no_tx = good;
  no_tx.total_transactions = 0;
  CHECK_FALSE(verify_txout_proof(no_tx).ok());

  TxOutProof too_many = good;
  too_many.total_transactions = 1'000'000;
  CHECK(verify_txout_proof(too_many).error() == "proof-too-many-transactions");

  // Strict decoding: every truncation and a trailing byte.
  for (size_t n = 0; n < bytes.size(); ++n)
    CHECK_FALSE(TxOutProof::decode(std::span(bytes).first(n)).ok());
  auto trailing = bytes;
  trailing.push_back(0);
  CHECK_FALSE(TxOutProof::decode(trailing).ok());
}

TEST_CASE("txout proof: equal siblings (CVE-2012-2459) are refused") {
  // Three txids and a mutated four-leaf list with the last repeated have the
  // same root; a proof over the mutated list would show equal siblings.
  std::mt19937_64 rng(btr::test::seed());
  auto txids = random_leaves(3, rng);
  txids.push_back(txids[2]);
  BlockHeader header;
  header.merkle_root = compute_merkle_root(txids).root;
  const TxOutProof proof = make_txout_proof(header, txids, {false, false, true, true});
  CHECK(verify_txout_proof(proof).error() == "proof-malformed-tree");
}
