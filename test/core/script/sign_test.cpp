// Signing round trips: every output type the wallet signs, every hash type,
// verified by the interpreter under the relay (standard) flags; plus the
// signature-encoding rules a tampered signature must trip.
#include <doctest/doctest.h>

#include <array>
#include <random>
#include <vector>

#include "core/crypto/hash160.h"
#include "core/script/interpreter.h"
#include "core/script/opcodes.h"
#include "core/script/sign.h"
#include "core/script/standard.h"
#include "test/common/test_util.h"

using namespace btr::core;
using namespace btr::core::script;

namespace {

std::vector<PrivateKey> make_keys(size_t n, std::mt19937_64& rng) {
  std::vector<PrivateKey> keys;
  for (size_t i = 0; i < n; ++i) {
    std::array<uint8_t, 32> entropy{};
    for (auto& b : entropy) b = static_cast<uint8_t>(rng());
    keys.push_back(PrivateKey::generate(entropy));
  }
  return keys;
}

// Two inputs, two outputs: enough for SINGLE and ANYONECANPAY to matter.
Transaction spending_tx() {
  Transaction tx;
  tx.version = 2;
  for (uint8_t i = 0; i < 2; ++i) {
    TxIn in;
    in.prevout.txid.bytes[0] = static_cast<uint8_t>(0x10 + i);
    in.prevout.index = i;
    tx.inputs.push_back(in);
  }
  tx.outputs.push_back({50'000, Script{OP_1}});
  tx.outputs.push_back({60'000, Script{OP_1}});
  return tx;
}

Script p2pkh_for(const PublicKey& key) {
  return p2pkh_script(key.id().bytes);
}

Script p2sh_for(const Script& redeem) {
  return p2sh_script(hash160(redeem).bytes);
}

// Flips the high bit of S's magnitude into n - S: the same signature with a
// high S (DER of r and n - s).
std::vector<uint8_t> with_high_s(const std::vector<uint8_t>& sig_with_type) {
  static const std::array<uint8_t, 32> kOrder = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                                 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
                                                 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48, 0xa0, 0x3b,
                                                 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41};
  const size_t r_len = sig_with_type[3];
  const std::vector<uint8_t> r(sig_with_type.begin() + 4, sig_with_type.begin() + 4 + r_len);
  const size_t s_len = sig_with_type[5 + r_len];
  std::array<uint8_t, 32> s{};
  std::copy_n(sig_with_type.begin() + 6 + static_cast<std::ptrdiff_t>(r_len), s_len,
              s.end() - static_cast<std::ptrdiff_t>(s_len));
  std::array<uint8_t, 32> high{};
  int borrow = 0;
  for (int i = 31; i >= 0; --i) {
    int d = kOrder[i] - s[i] - borrow;
    borrow = d < 0 ? 1 : 0;
    high[i] = static_cast<uint8_t>(d + 256 * borrow);
  }
  std::vector<uint8_t> s_der(high.begin(), high.end());  // top bit set: needs a 0x00
  s_der.insert(s_der.begin(), 0x00);
  std::vector<uint8_t> out = {0x30, static_cast<uint8_t>(4 + r.size() + s_der.size()), 0x02,
                              static_cast<uint8_t>(r.size())};
  out.insert(out.end(), r.begin(), r.end());
  out.push_back(0x02);
  out.push_back(static_cast<uint8_t>(s_der.size()));
  out.insert(out.end(), s_der.begin(), s_der.end());
  out.push_back(sig_with_type.back());
  return out;
}

}  // namespace

TEST_CASE("sign: every standard output type round-trips through verify_input") {
  std::mt19937_64 rng(btr::test::seed());
  const auto keys = make_keys(3, rng);
  std::vector<PublicKey> pubs;
  for (const auto& k : keys) pubs.push_back(k.public_key());
  const Script multisig = multisig_script(2, pubs);
  const Script p2pkh_redeem = p2pkh_for(pubs[0]);

  struct Spend {
    const char* name;
    Script spent;
    Script redeem;
  };
  const std::vector<Spend> spends = {
      {"p2pkh", p2pkh_for(pubs[0]), {}},
      {"p2pkh-uncompressed", p2pkh_for(keys[1].public_key(false)), {}},
      {"p2pk", p2pk_script(pubs[2]), {}},
      {"bare-multisig", multisig, {}},
      {"p2sh-multisig", p2sh_for(multisig), multisig},
      {"p2sh-p2pkh", p2sh_for(p2pkh_redeem), p2pkh_redeem},
  };
  const std::vector<int32_t> hash_types = {kSighashAll, kSighashNone, kSighashSingle,
                                           kSighashAll | kSighashAnyoneCanPay,
                                           kSighashSingle | kSighashAnyoneCanPay};
  for (const Spend& s : spends) {
    for (const int32_t ht : hash_types) {
      Transaction tx = spending_tx();
      REQUIRE_MESSAGE(sign_input(tx, 1, s.spent, keys, s.redeem, ht), s.name);
      const Status st = verify_input(tx, 1, s.spent, flags::kStandard);
      CHECK_MESSAGE(st, s.name << " hash type " << ht << ": " << (st ? "" : st.error()));
      // Changing what the signature commits to must break it.
      Transaction changed = tx;
      changed.outputs[1].value += 1;
      const bool commits_to_output_1 = (ht & 0x1f) != kSighashNone;
      CHECK_MESSAGE(verify_input(changed, 1, s.spent, flags::kStandard).ok() != commits_to_output_1,
                    s.name << " hash type " << ht);
      changed = tx;
      changed.inputs[0].prevout.index = 7;
      const bool commits_to_input_0 = (ht & kSighashAnyoneCanPay) == 0;
      CHECK_MESSAGE(verify_input(changed, 1, s.spent, flags::kStandard).ok() != commits_to_input_0,
                    s.name << " hash type " << ht);
    }
  }
}

TEST_CASE("sign: missing keys and scripts are refused with a reason") {
  std::mt19937_64 rng(btr::test::seed());
  const auto keys = make_keys(3, rng);
  const auto other = make_keys(1, rng);
  std::vector<PublicKey> pubs;
  for (const auto& k : keys) pubs.push_back(k.public_key());
  const Transaction tx = spending_tx();
  auto reason = [&](const Script& spent, std::span<const PrivateKey> ks, const Script& redeem) {
    auto r = produce_script_sig(tx, 0, spent, ks, redeem);
    return r ? std::string("OK") : r.error();
  };
  CHECK(reason(p2pkh_for(pubs[0]), other, {}) == "sign-missing-key");
  const Script multisig = multisig_script(2, pubs);
  CHECK(reason(multisig, std::span(keys).first(1), {}) == "sign-missing-key");
  CHECK(reason(multisig, std::span(keys).subspan(1), {}) == "OK");  // any 2 of 3
  CHECK(reason(p2sh_for(multisig), keys, {}) == "sign-missing-redeem-script");
  CHECK(reason(p2sh_for(multisig), keys, p2pkh_for(pubs[0])) == "sign-redeem-script-mismatch");
  CHECK(reason(Script{OP_1}, keys, {}) == "sign-unsupported-script");
  CHECK(!produce_script_sig(tx, 5, p2pkh_for(pubs[0]), keys));
}

TEST_CASE("sign: encoding rules on real signatures") {
  std::mt19937_64 rng(btr::test::seed());
  const auto keys = make_keys(1, rng);
  const PublicKey pub = keys[0].public_key();
  const Script spent = p2pk_script(pub);
  Transaction tx = spending_tx();
  REQUIRE(sign_input(tx, 0, spent, keys));
  auto result = [&](const Transaction& t, uint32_t f) {
    const Status st = verify_input(t, 0, spent, f);
    return st ? std::string("OK") : st.error();
  };
  REQUIRE(result(tx, flags::kStandard) == "OK");
  // The same signature with S replaced by n - S: valid arithmetic, refused by LOW_S.
  const std::vector<uint8_t> sig(tx.inputs[0].script_sig.begin() + 1,
                                 tx.inputs[0].script_sig.end());
  Transaction high = tx;
  high.inputs[0].script_sig.clear();
  push_data(high.inputs[0].script_sig, with_high_s(sig));
  CHECK(result(high, flags::kConsensus & ~flags::kLowS) == "OK");
  CHECK(result(high, flags::kConsensus) == "SIG_HIGH_S");
  // An undefined hash type: STRICTENC refuses, the signature itself no longer matches.
  Transaction odd = tx;
  odd.inputs[0].script_sig.back() = 0x05;
  CHECK(result(odd, flags::kStrictEnc) == "SIG_HASHTYPE");
  CHECK(result(odd, flags::kNone) == "EVAL_FALSE");
  CHECK(result(odd, flags::kNullFail) == "NULLFAIL");
}
