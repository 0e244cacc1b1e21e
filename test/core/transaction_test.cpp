#include <doctest/doctest.h>

#include <string_view>

#include "core/hex.h"
#include "core/script.h"
#include "core/transaction.h"

using namespace btr::core;

namespace {

std::vector<uint8_t> hex(std::string_view s) {
  return *from_hex(s);
}
std::span<const uint8_t> ascii(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

// Bitcoin's genesis coinbase, built from its parts as Bitcoin Core's
// CreateGenesisBlock does.
Transaction bitcoin_genesis_coinbase() {
  Transaction tx;
  tx.version = 1;
  TxIn in;
  in.prevout = OutPoint{Hash256{}, 0xffffffff};
  push_int(in.script_sig, 486604799);
  push_data(in.script_sig, std::vector<uint8_t>{4});  // CScriptNum(4) is pushed as data
  push_data(in.script_sig,
            ascii("The Times 03/Jan/2009 Chancellor on brink of second bailout for banks"));
  tx.inputs.push_back(in);
  Script spk;
  push_data(spk, hex("04678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4"
                     "cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5f"));
  spk.push_back(OP_CHECKSIG);
  tx.outputs.push_back(TxOut{50 * kCoin, spk});
  return tx;
}

constexpr std::string_view kGenesisCoinbaseHex =
    "01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff4d04ff"
    "ff001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e2062"
    "72696e6b206f66207365636f6e64206261696c6f757420666f722062616e6b73ffffffff0100f2052a0100"
    "0000434104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef"
    "38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac00000000";

// A spend with two inputs and two outputs, to exercise counts > 1.
Transaction sample_spend() {
  Transaction tx;
  tx.version = 2;
  for (uint32_t i = 0; i < 2; ++i) {
    TxIn in;
    in.prevout.txid.bytes.fill(static_cast<uint8_t>(0x10 + i));
    in.prevout.index = i;
    in.script_sig = std::vector<uint8_t>(3 + i, 0x51);
    in.sequence = 0xfffffffe;
    tx.inputs.push_back(in);
  }
  tx.outputs.push_back(TxOut{12345, {0x51}});
  tx.outputs.push_back(TxOut{kCoin, {}});
  tx.locktime = 500;
  return tx;
}

}  // namespace

TEST_CASE("Bitcoin genesis coinbase: serialization and txid") {
  const Transaction tx = bitcoin_genesis_coinbase();
  CHECK(to_hex(tx.serialize()) == kGenesisCoinbaseHex);
  CHECK(tx.serialized_size() == tx.serialize().size());
  CHECK(tx.txid().to_display_hex() ==
        "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b");
  CHECK(tx.is_coinbase());
  CHECK(*tx.total_output_value() == 50 * kCoin);
  auto parsed = Transaction::parse(hex(kGenesisCoinbaseHex));
  REQUIRE(parsed.ok());
  CHECK(*parsed == tx);
}

TEST_CASE("transaction round trip and is_coinbase") {
  const Transaction tx = sample_spend();
  const auto bytes = tx.serialize();
  CHECK(bytes.size() == tx.serialized_size());
  auto parsed = Transaction::parse(bytes);
  REQUIRE(parsed.ok());
  CHECK(*parsed == tx);
  CHECK_FALSE(tx.is_coinbase());
  CHECK(*tx.total_output_value() == 12345 + kCoin);
}

TEST_CASE("malformed transactions are refused") {
  const auto good = sample_spend().serialize();
  // Every strict prefix is truncated.
  for (size_t n = 0; n < good.size(); ++n) {
    CAPTURE(n);
    CHECK_FALSE(Transaction::parse(std::span(good).first(n)).ok());
  }
  // Trailing bytes after a whole transaction.
  auto trailing = good;
  trailing.push_back(0);
  auto r = Transaction::parse(trailing);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error() == "trailing-bytes");
  // Non-canonical compact size for the input count (fd 0200 instead of 02).
  std::vector<uint8_t> noncanon(good.begin(), good.begin() + 4);
  noncanon.insert(noncanon.end(), {0xfd, 0x02, 0x00});
  noncanon.insert(noncanon.end(), good.begin() + 5, good.end());
  auto nc = Transaction::parse(noncanon);
  REQUIRE_FALSE(nc.ok());
  CHECK(nc.error() == "non-canonical-compact-size");
}

TEST_CASE("absurd counts and lengths fail without allocating them") {
  // Input count 2^25 (the largest compact size allowed) with a few bytes behind it.
  auto big_count = hex("01000000fe00000002");
  big_count.resize(big_count.size() + 50, 0);
  auto a = Transaction::parse(big_count);
  REQUIRE_FALSE(a.ok());
  CHECK(a.error() == "count-exceeds-input");
  // A count beyond the compact-size limit.
  auto b = Transaction::parse(hex("01000000ffffffffffffffffff"));
  REQUIRE_FALSE(b.ok());
  CHECK(b.error() == "compact-size-too-large");
  // A script length of 2^25 - 1 with a short body.
  std::vector<uint8_t> d = hex("0100000001");
  d.resize(d.size() + 36, 0);
  d.insert(d.end(), {0xfe, 0xff, 0xff, 0xff, 0x01});
  d.resize(d.size() + 20, 0);
  auto e = Transaction::parse(d);
  REQUIRE_FALSE(e.ok());
  CHECK(e.error() == "truncated");
}

TEST_CASE("BIP144 coinbase with a witness reserved value: accepted by the extended parser only") {
  Transaction legacy = sample_spend();
  legacy.inputs.resize(1);
  legacy.inputs[0].prevout = OutPoint{Hash256{}, OutPoint::kNullIndex};
  legacy.inputs[0].script_sig = {0x03, 0x01, 0x02, 0x03};
  // Extended form: version, marker 00, flag 01, inputs, outputs, witness, locktime.
  const auto plain = legacy.serialize();
  std::vector<uint8_t> ext(plain.begin(), plain.begin() + 4);
  ext.insert(ext.end(), {0x00, 0x01});
  ext.insert(ext.end(), plain.begin() + 4, plain.end() - 4);
  ext.push_back(0x01);  // one witness item for the one input
  ext.push_back(0x20);
  ext.resize(ext.size() + 32, 0x00);  // the 32-byte witness reserved value
  ext.insert(ext.end(), plain.end() - 4, plain.end());

  CHECK_FALSE(Transaction::parse(ext).ok());
  auto parsed = parse_transaction_bip144(ext);
  REQUIRE(parsed.ok());
  CHECK(parsed->has_witness);
  REQUIRE(parsed->witnesses.size() == 1);
  REQUIRE(parsed->witnesses[0].size() == 1);
  CHECK(parsed->witnesses[0][0] == std::vector<uint8_t>(32, 0));
  CHECK(parsed->tx == legacy);
  CHECK(parsed->tx.txid() == legacy.txid());

  // The legacy form through the extended parser: no witness.
  auto plain_parsed = parse_transaction_bip144(plain);
  REQUIRE(plain_parsed.ok());
  CHECK_FALSE(plain_parsed->has_witness);
  CHECK(plain_parsed->tx == legacy);

  // Unknown flag, and a witness section of empty stacks, are refused.
  auto bad_flag = ext;
  bad_flag[5] = 0x02;
  CHECK(parse_transaction_bip144(bad_flag).error() == "unknown-tx-optional-data");
  std::vector<uint8_t> empty_witness(ext.begin(), ext.end() - 4 - 34);
  empty_witness.push_back(0x00);
  empty_witness.insert(empty_witness.end(), plain.end() - 4, plain.end());
  CHECK(parse_transaction_bip144(empty_witness).error() == "superfluous-witness-record");
  // Truncations of the extended form are refused too.
  for (size_t n = 0; n < ext.size(); ++n) {
    CHECK_FALSE(parse_transaction_bip144(std::span(ext).first(n)).ok());
  }
}

TEST_CASE("total_output_value refuses out-of-range values and sums") {
  Transaction tx = sample_spend();
  tx.outputs[0].value = -1;
  CHECK(tx.total_output_value().error() == "bad-txns-vout-negative");
  tx.outputs[0].value = kMaxMoney + 1;
  CHECK(tx.total_output_value().error() == "bad-txns-vout-toolarge");
  tx.outputs[0].value = kMaxMoney;
  tx.outputs[1].value = 1;
  CHECK(tx.total_output_value().error() == "bad-txns-txouttotal-toolarge");
  tx.outputs[1].value = 0;
  CHECK(*tx.total_output_value() == kMaxMoney);
}
