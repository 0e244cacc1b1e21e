#include <doctest/doctest.h>

#include <string_view>

#include "core/block.h"
#include "core/hex.h"
#include "core/script.h"

using namespace btr::core;

namespace {

std::vector<uint8_t> hex(std::string_view s) {
  return *from_hex(s);
}
std::span<const uint8_t> ascii(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Bitcoin's genesis block from its parts (Bitcoin Core CreateGenesisBlock).
Block bitcoin_genesis() {
  Transaction tx;
  tx.version = 1;
  TxIn in;
  in.prevout = OutPoint{Hash256{}, 0xffffffff};
  push_int(in.script_sig, 486604799);
  push_data(in.script_sig, std::vector<uint8_t>{4});
  push_data(in.script_sig,
            ascii("The Times 03/Jan/2009 Chancellor on brink of second bailout for banks"));
  tx.inputs.push_back(in);
  Script spk;
  push_data(spk, hex("04678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4"
                     "cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5f"));
  spk.push_back(OP_CHECKSIG);
  tx.outputs.push_back(TxOut{50 * kCoin, spk});

  Block b;
  b.header.version = 1;
  b.header.time = 1231006505;
  b.header.bits = 0x1d00ffff;
  b.header.nonce = 2083236893;
  b.transactions.push_back(tx);
  b.header.merkle_root = b.compute_merkle_root().root;
  return b;
}

Block two_tx_block() {
  Block b = bitcoin_genesis();
  Transaction spend;
  TxIn in;
  in.prevout = OutPoint{b.transactions[0].txid(), 0};
  in.script_sig = {0x51};
  spend.inputs.push_back(in);
  spend.outputs.push_back(TxOut{kCoin, {0x51}});
  b.transactions.push_back(spend);
  b.header.merkle_root = b.compute_merkle_root().root;
  return b;
}

}  // namespace

TEST_CASE("Bitcoin genesis block rebuilt from its parts") {
  const Block b = bitcoin_genesis();
  CHECK(b.header.merkle_root.to_display_hex() ==
        "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b");
  CHECK(b.hash().to_display_hex() ==
        "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
  CHECK_FALSE(b.compute_merkle_root().mutated);
  // Bitcoin's genesis block is 285 bytes.
  const auto bytes = b.serialize();
  CHECK(bytes.size() == 285);
  CHECK(b.serialized_size() == 285);
  auto parsed = Block::parse(bytes);
  REQUIRE(parsed.ok());
  CHECK(*parsed == b);
}

TEST_CASE("Bitcoin block 125552 header (embedded)") {
  const auto bytes = hex(
      "0100000081cd02ab7e569e8bcd9317e2fe99f2de44d49ab2b8851ba4a308000000000000e320b6c2fffc8d7504"
      "23db8b1eb942ae710e951ed797f7affc8892b0f1fc122bc7f5d74df2b9441a42a14695");
  auto h = BlockHeader::parse(bytes);
  REQUIRE(h.ok());
  CHECK(h->hash().to_display_hex() ==
        "00000000000000001e8d6829a8a21adc5d38d0a473b144b6765798e61f98bd1d");
  CHECK(h->merkle_root.to_display_hex() ==
        "2b12fcf1b09288fcaff797d71e950e71ae42b91e8bdb2304758dfcffc2b620e3");
  CHECK(h->time == 1305998791);
  CHECK(h->bits == 0x1a44b9f2);
  CHECK(h->nonce == 2504433986);
}

TEST_CASE("malformed blocks are refused") {
  const auto good = two_tx_block().serialize();
  REQUIRE(Block::parse(good).ok());
  for (size_t n = 0; n < good.size(); ++n) {
    CAPTURE(n);
    CHECK_FALSE(Block::parse(std::span(good).first(n)).ok());
  }
  auto trailing = good;
  trailing.push_back(0x00);
  CHECK(Block::parse(trailing).error() == "trailing-bytes");
  // Transaction count 0xfd 0x0200 (non-canonical for 2).
  std::vector<uint8_t> nc(good.begin(), good.begin() + 80);
  nc.insert(nc.end(), {0xfd, 0x02, 0x00});
  nc.insert(nc.end(), good.begin() + 81, good.end());
  CHECK(Block::parse(nc).error() == "non-canonical-compact-size");
  // A huge transaction count with little behind it.
  std::vector<uint8_t> huge(good.begin(), good.begin() + 80);
  huge.insert(huge.end(), {0xfe, 0x00, 0x00, 0x00, 0x02});
  huge.resize(huge.size() + 100, 0);
  CHECK(Block::parse(huge).error() == "count-exceeds-input");
}

TEST_CASE("a block whose coinbase carries a BIP144 witness is read as the legacy block") {
  const Block legacy = two_tx_block();
  const auto plain = legacy.serialize();
  // Re-encode the coinbase in extended form with a 32-byte witness reserved value.
  const auto cb = legacy.transactions[0].serialize();
  std::vector<uint8_t> ext_cb(cb.begin(), cb.begin() + 4);
  ext_cb.insert(ext_cb.end(), {0x00, 0x01});
  ext_cb.insert(ext_cb.end(), cb.begin() + 4, cb.end() - 4);
  ext_cb.insert(ext_cb.end(), {0x01, 0x20});
  ext_cb.resize(ext_cb.size() + 32, 0x00);
  ext_cb.insert(ext_cb.end(), cb.end() - 4, cb.end());
  std::vector<uint8_t> block(plain.begin(), plain.begin() + 81);  // header + count (2)
  block.insert(block.end(), ext_cb.begin(), ext_cb.end());
  block.insert(block.end(), plain.begin() + 81 + static_cast<long>(cb.size()), plain.end());

  CHECK_FALSE(Block::parse(block).ok());
  auto parsed = parse_block_with_witness_coinbase(block);
  REQUIRE(parsed.ok());
  CHECK(parsed->coinbase_had_witness);
  CHECK(parsed->block == legacy);
  CHECK(parsed->block.serialize() == plain);
  CHECK(parsed->block.compute_merkle_root().root == legacy.header.merkle_root);

  auto plain_parsed = parse_block_with_witness_coinbase(plain);
  REQUIRE(plain_parsed.ok());
  CHECK_FALSE(plain_parsed->coinbase_had_witness);
  CHECK(plain_parsed->block == legacy);

  // A witness on any other transaction is refused: there is no SegWit.
  const auto spend = legacy.transactions[1].serialize();
  std::vector<uint8_t> ext_spend(spend.begin(), spend.begin() + 4);
  ext_spend.insert(ext_spend.end(), {0x00, 0x01});
  ext_spend.insert(ext_spend.end(), spend.begin() + 4, spend.end() - 4);
  ext_spend.insert(ext_spend.end(), {0x01, 0x01, 0xaa});
  ext_spend.insert(ext_spend.end(), spend.end() - 4, spend.end());
  std::vector<uint8_t> bad(plain.begin(), plain.begin() + 81 + static_cast<long>(cb.size()));
  bad.insert(bad.end(), ext_spend.begin(), ext_spend.end());
  REQUIRE(bad.size() == plain.size() + 5);
  CHECK(parse_block_with_witness_coinbase(bad).error() == "unexpected-witness");
}
