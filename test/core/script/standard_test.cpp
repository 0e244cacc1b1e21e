// Relay policy: output classification, each check_standard_tx reason at its
// boundary, and the P2SH sigop limit of check_standard_inputs.
#include <doctest/doctest.h>

#include <array>
#include <random>
#include <vector>

#include "core/crypto/hash160.h"
#include "core/script/opcodes.h"
#include "core/script/standard.h"
#include "test/common/test_util.h"

using namespace btr::core;
using namespace btr::core::script;

namespace {

std::vector<PublicKey> make_pubkeys(size_t n) {
  std::mt19937_64 rng(btr::test::seed());
  std::vector<PublicKey> out;
  for (size_t i = 0; i < n; ++i) {
    std::array<uint8_t, 32> e{};
    for (auto& b : e) b = static_cast<uint8_t>(rng());
    out.push_back(PrivateKey::generate(e).public_key());
  }
  return out;
}

Transaction standard_tx(const Script& out_script, Amount value = 10'000) {
  Transaction tx;
  tx.version = 2;
  TxIn in;
  in.prevout.index = 0;
  in.prevout.txid.bytes[5] = 1;
  push_data(in.script_sig, std::vector<uint8_t>(72, 1));
  tx.inputs.push_back(in);
  tx.outputs.push_back({value, out_script});
  return tx;
}

std::string reason(const Transaction& tx) {
  const Status st = check_standard_tx(tx);
  return st ? "OK" : st.error();
}

}  // namespace

TEST_CASE("standard: output classification") {
  const auto keys = make_pubkeys(4);
  const Hash160 h = keys[0].id();
  CHECK(classify_output(p2pkh_script(h.bytes)).type == OutputType::kPubKeyHash);
  CHECK(classify_output(p2sh_script(h.bytes)).type == OutputType::kScriptHash);
  CHECK(classify_output(p2pk_script(keys[0])).type == OutputType::kPubKey);
  CHECK(classify_output(p2pk_script(keys[0].with_compression(false))).type == OutputType::kPubKey);
  const OutputClass ms = classify_output(multisig_script(2, keys));
  REQUIRE(ms.type == OutputType::kMultisig);
  CHECK(ms.solutions.front() == std::vector<uint8_t>{2});
  CHECK(ms.solutions.back() == std::vector<uint8_t>{4});
  CHECK(ms.solutions.size() == 6);
  CHECK(classify_output(null_data_script(std::vector<uint8_t>(80, 0))).type ==
        OutputType::kNullData);
  CHECK(classify_output(Script{OP_RETURN}).type == OutputType::kNullData);
  CHECK(classify_output(Script{OP_RETURN, OP_DUP}).type == OutputType::kNonStandard);
  // Witness programs are not BitSilver outputs.
  Script wpkh = {OP_0};
  push_data(wpkh, h.bytes);
  CHECK(classify_output(wpkh).type == OutputType::kNonStandard);
  CHECK(classify_output(Script{OP_1}).type == OutputType::kNonStandard);
  // Multisig whose key count disagrees with n.
  Script wrong = multisig_script(1, std::span(keys).first(2));
  wrong[wrong.size() - 2] = OP_3;
  CHECK(classify_output(wrong).type == OutputType::kNonStandard);
  CHECK(std::string(output_type_name(OutputType::kPubKeyHash)) == "pubkeyhash");
}

TEST_CASE("standard: check_standard_tx reasons at their limits") {
  const auto keys = make_pubkeys(4);
  const Script p2pkh = p2pkh_script(keys[0].id().bytes);
  CHECK(reason(standard_tx(p2pkh)) == "OK");

  Transaction tx = standard_tx(p2pkh);
  tx.version = 3;
  CHECK(reason(tx) == "version");
  tx.version = 0;
  CHECK(reason(tx) == "version");

  // Dust at Core's default 3,000 units/kB: 546 for P2PKH.
  CHECK(dust_threshold({0, p2pkh}) == 546);
  CHECK(reason(standard_tx(p2pkh, 546)) == "OK");
  CHECK(reason(standard_tx(p2pkh, 545)) == "dust");
  CHECK(dust_threshold({0, null_data_script(std::vector<uint8_t>(4, 1))}) == 0);

  CHECK(reason(standard_tx(null_data_script(std::vector<uint8_t>(80, 1)), 0)) == "OK");
  CHECK(reason(standard_tx(null_data_script(std::vector<uint8_t>(81, 1)), 0)) == "scriptpubkey");
  tx = standard_tx(null_data_script(std::vector<uint8_t>(10, 1)), 0);
  tx.outputs.push_back(tx.outputs[0]);
  CHECK(reason(tx) == "multi-op-return");

  CHECK(reason(standard_tx(multisig_script(1, std::span(keys).first(3)))) == "OK");
  CHECK(reason(standard_tx(multisig_script(1, keys))) == "bare-multisig");
  CHECK(reason(standard_tx(Script{OP_1})) == "scriptpubkey");

  tx = standard_tx(p2pkh);
  tx.inputs[0].script_sig.push_back(OP_DUP);
  CHECK(reason(tx) == "scriptsig-not-pushonly");
  tx = standard_tx(p2pkh);
  tx.inputs[0].script_sig.clear();
  push_data(tx.inputs[0].script_sig, std::vector<uint8_t>(1'647, 1));  // 3 + 1,647 bytes
  CHECK(reason(tx) == "OK");
  tx.inputs[0].script_sig.push_back(OP_1);
  CHECK(reason(tx) == "scriptsig-size");

  tx = standard_tx(p2pkh);
  while (tx.serialized_size() <= 100'000) tx.outputs.push_back(tx.outputs[0]);
  CHECK(reason(tx) == "tx-size");
}

TEST_CASE("standard: fee arithmetic rounds up like Core") {
  CHECK(fee_for_size(1'000, 250) == 250);
  CHECK(fee_for_size(1'000, 0) == 0);
  CHECK(fee_for_size(1, 1) == 1);
  CHECK(fee_for_size(3'000, 182) == 546);
}

TEST_CASE("standard: P2SH redeem scripts are limited to 15 sigops") {
  const auto keys = make_pubkeys(15);
  auto p2sh_spend = [](const Script& redeem) {
    Transaction tx;
    tx.version = 2;
    TxIn in;
    in.script_sig = {OP_0};
    push_data(in.script_sig, redeem);
    tx.inputs.push_back(in);
    tx.outputs.push_back({1000, Script{OP_1}});
    return tx;
  };
  // 1-of-15 multisig fits the 520-byte push limit; one CHECKSIG more is too many.
  const Script ok_redeem = multisig_script(1, keys);
  Script big_redeem = ok_redeem;
  big_redeem.push_back(OP_CHECKSIG);
  REQUIRE(big_redeem.size() <= 520);
  CHECK(accurate_sigop_count(ok_redeem) == 15);
  CHECK(accurate_sigop_count(big_redeem) == 16);
  CHECK(accurate_sigop_count(Script{OP_CHECKMULTISIG}) == 20);
  const std::vector<TxOut> ok_spent = {{5000, p2sh_script(hash160(ok_redeem).bytes)}};
  const std::vector<TxOut> big_spent = {{5000, p2sh_script(hash160(big_redeem).bytes)}};
  CHECK(check_standard_inputs(p2sh_spend(ok_redeem), ok_spent));
  const Status st = check_standard_inputs(p2sh_spend(big_redeem), big_spent);
  REQUIRE(!st);
  CHECK(st.error() == "bad-txns-nonstandard-inputs");
  CHECK(p2sh_sigop_count(p2sh_spend(big_redeem).inputs[0].script_sig, big_spent[0].script_pubkey) ==
        16);
  // Spending a non-standard output is itself non-standard.
  const std::vector<TxOut> odd = {{5000, Script{OP_1}}};
  CHECK(!check_standard_inputs(p2sh_spend(ok_redeem), odd));
}
