#include <doctest/doctest.h>

#include "core/chain_params.h"
#include "core/pow.h"
#include "core/script.h"
#include "core/validation.h"

using namespace btr::core;

namespace {

const ChainParams& regtest() {
  return chain_params(Network::kRegtest);
}

Transaction coinbase(int64_t height, uint8_t tag = 0) {
  Transaction tx;
  TxIn in;
  in.prevout = OutPoint{Hash256{}, OutPoint::kNullIndex};
  in.script_sig = coinbase_height_script(height);
  in.script_sig.push_back(tag);  // keeps it at least 2 bytes, and distinct per tag
  tx.inputs.push_back(in);
  std::array<uint8_t, 20> key{};
  tx.outputs.push_back(TxOut{kCoin, p2pkh_script(key)});
  return tx;
}

Transaction spend(uint8_t seed, Amount value = kCoin) {
  Transaction tx;
  TxIn in;
  in.prevout.txid.bytes.fill(seed);
  in.prevout.index = 0;
  in.script_sig = {0x51};
  tx.inputs.push_back(in);
  tx.outputs.push_back(TxOut{value, {0x51}});
  return tx;
}

// Grinds the nonce until the header meets (want_valid) or misses its target.
void grind(Block& b, bool want_valid = true) {
  const Uint256 limit = regtest().pow_limit;
  for (b.header.nonce = 0;; ++b.header.nonce) {
    if (check_proof_of_work(b.header.hash(), b.header.bits, limit) == want_valid) return;
  }
}

// A valid regtest block with the given transactions: Merkle root set, PoW met.
Block seal(std::vector<Transaction> txs) {
  Block b;
  b.header.version = kTemplateVersion;
  b.header.prev_block = regtest().genesis_hash;
  b.header.time = kGenesisTime + 60;
  b.header.bits = regtest().pow_limit_bits;
  b.transactions = std::move(txs);
  b.header.merkle_root = b.compute_merkle_root().root;
  grind(b);
  return b;
}

std::string block_error(const Block& b) {
  const Status s = check_block(b, regtest());
  return s.ok() ? "ok" : s.error();
}

std::string tx_error(const Transaction& tx) {
  const Status s = check_transaction(tx);
  return s.ok() ? "ok" : s.error();
}

}  // namespace

TEST_CASE("check_transaction: valid transactions pass") {
  CHECK(tx_error(spend(1)) == "ok");
  CHECK(tx_error(coinbase(1)) == "ok");
  for (const ChainParams* p : {&chain_params(Network::kMain), &chain_params(Network::kTestnet),
                               &chain_params(Network::kRegtest)}) {
    CHECK(tx_error(p->genesis.transactions[0]) == "ok");
  }
}

TEST_CASE("check_transaction: each rule has a transaction that breaks only it") {
  Transaction t = spend(1);
  t.inputs.clear();
  CHECK(tx_error(t) == "bad-txns-vin-empty");

  t = spend(1);
  t.outputs.clear();
  CHECK(tx_error(t) == "bad-txns-vout-empty");

  t = spend(1);
  t.outputs[0].script_pubkey.assign(kMaxBlockSize, 0x00);
  CHECK(tx_error(t) == "bad-txns-oversize");

  t = spend(1, -1);
  CHECK(tx_error(t) == "bad-txns-vout-negative");

  t = spend(1, kMaxMoney + 1);
  CHECK(tx_error(t) == "bad-txns-vout-toolarge");

  t = spend(1, kMaxMoney);
  CHECK(tx_error(t) == "ok");
  t.outputs.push_back(TxOut{1, {0x51}});
  CHECK(tx_error(t) == "bad-txns-txouttotal-toolarge");

  t = spend(1);
  t.inputs.push_back(t.inputs[0]);
  CHECK(tx_error(t) == "bad-txns-inputs-duplicate");
  t.inputs[1].prevout.index = 1;  // same txid, other output: fine
  CHECK(tx_error(t) == "ok");

  t = coinbase(1);
  t.inputs[0].script_sig = {0x51};
  CHECK(tx_error(t) == "bad-cb-length");
  t.inputs[0].script_sig.assign(101, 0x00);
  CHECK(tx_error(t) == "bad-cb-length");
  t.inputs[0].script_sig.assign(100, 0x00);
  CHECK(tx_error(t) == "ok");
  t.inputs[0].script_sig.assign(2, 0x00);
  CHECK(tx_error(t) == "ok");

  t = spend(1);
  t.inputs.push_back(coinbase(1).inputs[0]);  // a null prevout in a non-coinbase
  CHECK(tx_error(t) == "bad-txns-prevout-null");
}

TEST_CASE("check_block: a valid block and the genesis blocks pass") {
  CHECK(block_error(seal({coinbase(1), spend(1), spend(2)})) == "ok");
  CHECK(block_error(seal({coinbase(1)})) == "ok");
  CHECK(check_block(regtest().genesis, regtest()).ok());
  CHECK(check_block(chain_params(Network::kTestnet).genesis, chain_params(Network::kTestnet)).ok());
  CHECK(check_block(chain_params(Network::kMain).genesis, chain_params(Network::kMain)).ok());
}

TEST_CASE("check_block: each rule has a block that breaks only it") {
  const std::vector<Transaction> txs = {coinbase(1), spend(1), spend(2)};

  Block b = seal(txs);
  b.header.bits = 0x2100ffff;  // easier than the pow limit
  CHECK(block_error(b) == "bad-diffbits");
  b.header.bits = 0x20800001;  // negative
  CHECK(block_error(b) == "bad-diffbits");

  b = seal(txs);
  grind(b, /*want_valid=*/false);
  CHECK(block_error(b) == "high-hash");

  b = seal(txs);
  b.header.merkle_root.bytes[0] ^= 0x01;
  grind(b);
  CHECK(block_error(b) == "bad-txnmrklroot");

  // CVE-2012-2459: repeating the last transaction keeps the root.
  b = seal(txs);
  b.transactions.push_back(b.transactions.back());
  REQUIRE(b.compute_merkle_root().root == b.header.merkle_root);
  CHECK(block_error(b) == "bad-txns-duplicate");

  // Over 1,000,000 bytes with every transaction within its own limit.
  Transaction big1 = spend(1), big2 = spend(2);
  big1.outputs[0].script_pubkey.assign(500'000, 0x00);
  big2.outputs[0].script_pubkey.assign(500'000, 0x00);
  b = seal({coinbase(1), big1, big2});
  CHECK(b.serialized_size() > kMaxBlockSize);
  CHECK(block_error(b) == "bad-blk-length");
  big2.outputs[0].script_pubkey.resize(500'000 - (b.serialized_size() - kMaxBlockSize));
  b = seal({coinbase(1), big1, big2});
  CHECK(b.serialized_size() == kMaxBlockSize);
  CHECK(block_error(b) == "ok");

  b = seal({});
  CHECK(block_error(b) == "bad-blk-length");

  b = seal({spend(1), spend(2)});
  CHECK(block_error(b) == "bad-cb-missing");

  b = seal({coinbase(1), spend(1), coinbase(1, 7)});
  CHECK(block_error(b) == "bad-cb-multiple");

  // A transaction-level failure inside a block carries its own reason.
  b = seal({coinbase(1), spend(1, -5)});
  CHECK(block_error(b) == "bad-txns-vout-negative");

  // 20,000 legacy sigops are allowed, 20,001 are not (CHECKMULTISIG counts 20).
  Transaction heavy = spend(3);
  heavy.outputs[0].script_pubkey.assign(999, OP_CHECKMULTISIG);
  const unsigned base = legacy_sigop_count(coinbase(1)) + legacy_sigop_count(heavy);
  REQUIRE(base == 1 + 999 * 20);
  Transaction rest = spend(4);
  rest.outputs[0].script_pubkey.assign(20'000 - base, OP_CHECKSIG);
  b = seal({coinbase(1), heavy, rest});
  CHECK(block_error(b) == "ok");
  rest.outputs[0].script_pubkey.push_back(OP_CHECKSIGVERIFY);
  b = seal({coinbase(1), heavy, rest});
  CHECK(block_error(b) == "bad-blk-sigops");
}
