#include <doctest/doctest.h>

#include <random>
#include <string_view>
#include <vector>

#include "core/crypto/sha256.h"
#include "core/hex.h"
#include "core/key.h"
#include "test/common/test_util.h"

using namespace btr::core;

namespace {

std::vector<uint8_t> hex(std::string_view s) {
  auto v = from_hex(s);
  REQUIRE(v.ok());
  return *v;
}

std::span<const uint8_t> ascii(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

const char* kOrderHex = "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141";

// Minimal DER integer encoding of a 256-bit value (test helper for building
// the high-S twin of a signature).
std::vector<uint8_t> der_int(const Uint256& v) {
  std::array<uint8_t, 32> le = v.to_le_bytes();
  std::vector<uint8_t> be(le.rbegin(), le.rend());
  while (be.size() > 1 && be[0] == 0 && (be[1] & 0x80) == 0) be.erase(be.begin());
  if (be[0] & 0x80) be.insert(be.begin(), 0x00);
  be.insert(be.begin(), {0x02, static_cast<uint8_t>(be.size())});
  return be;
}

Uint256 read_der_int(std::span<const uint8_t> bytes) {
  std::array<uint8_t, 32> le{};
  for (size_t i = 0; i < bytes.size() && i < 32; ++i) le[i] = bytes[bytes.size() - 1 - i];
  return Uint256::from_le_bytes(le);
}

// The same signature with S replaced by n - S.
std::vector<uint8_t> high_s_twin(std::span<const uint8_t> der) {
  const size_t len_r = der[3];
  const auto r = der.subspan(4, len_r);
  const auto s = der.subspan(6 + len_r, der[5 + len_r]);
  const Uint256 n = *Uint256::from_hex(kOrderHex);
  std::vector<uint8_t> body;
  const std::vector<uint8_t> r_enc = der_int(read_der_int(r));
  const std::vector<uint8_t> s_enc = der_int(n - read_der_int(s));
  body.insert(body.end(), r_enc.begin(), r_enc.end());
  body.insert(body.end(), s_enc.begin(), s_enc.end());
  body.insert(body.begin(), {0x30, static_cast<uint8_t>(body.size())});
  return body;
}

}  // namespace

TEST_CASE("private keys must be scalars in [1, n-1]") {
  CHECK_FALSE(PrivateKey::from_bytes(std::vector<uint8_t>(32, 0)).ok());
  CHECK_FALSE(PrivateKey::from_bytes(hex(kOrderHex)).ok());
  CHECK_FALSE(PrivateKey::from_bytes(std::vector<uint8_t>(32, 0xff)).ok());
  CHECK_FALSE(PrivateKey::from_bytes(std::vector<uint8_t>(31, 0x01)).ok());
  CHECK_FALSE(PrivateKey::from_bytes(std::vector<uint8_t>(33, 0x01)).ok());
  auto n_minus_1 = hex(kOrderHex);
  n_minus_1.back() = 0x40;
  CHECK(PrivateKey::from_bytes(n_minus_1).ok());
  auto r = PrivateKey::from_bytes(std::vector<uint8_t>(32, 0));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error() == "bad-private-key");
}

TEST_CASE("key generation from caller entropy is deterministic and always valid") {
  std::array<uint8_t, 32> entropy{};
  entropy.fill(0x42);
  const PrivateKey a = PrivateKey::generate(entropy);
  CHECK(a.bytes() == entropy);  // valid entropy is the key itself
  CHECK(PrivateKey::generate(entropy) == a);
  // Out-of-range entropy (zero, >= n) is re-hashed until valid.
  std::array<uint8_t, 32> zero{};
  const PrivateKey z = PrivateKey::generate(zero);
  CHECK(z.bytes() == sha256(zero).bytes);
  std::array<uint8_t, 32> ones{};
  ones.fill(0xff);
  CHECK(PrivateKey::generate(ones).bytes() == sha256(ones).bytes);
}

TEST_CASE("public keys of the scalar 1 are the generator") {
  std::vector<uint8_t> one(32, 0);
  one.back() = 1;
  auto key = PrivateKey::from_bytes(one);
  REQUIRE(key.ok());
  const std::string gx = "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
  const std::string gy = "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8";
  CHECK(to_hex(key->public_key(true).bytes()) == "02" + gx);
  CHECK(to_hex(key->public_key(false).bytes()) == "04" + gx + gy);
  CHECK(key->public_key(false).with_compression(true) == key->public_key(true));
  CHECK(key->public_key(true).with_compression(false) == key->public_key(false));
  CHECK(key->public_key(true).compressed());
  CHECK_FALSE(key->public_key(false).compressed());
}

TEST_CASE("public key parsing accepts only strict encodings of curve points") {
  const std::string gx = "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
  const std::string gy = "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8";
  CHECK(PublicKey::parse(hex("02" + gx)).ok());
  CHECK(PublicKey::parse(hex("04" + gx + gy)).ok());
  auto hybrid = PublicKey::parse(hex("06" + gx + gy));  // valid for OpenSSL, not strict
  REQUIRE_FALSE(hybrid.ok());
  CHECK(hybrid.error() == "bad-pubkey-encoding");
  CHECK(PublicKey::parse(hex("02" + gx + "00")).error() == "bad-pubkey-encoding");
  CHECK(PublicKey::parse(hex("04" + gx)).error() == "bad-pubkey-encoding");
  CHECK(PublicKey::parse({}).error() == "bad-pubkey-encoding");
  auto off_curve = PublicKey::parse(hex("04" + gx + gy.substr(0, 62) + "b9"));
  REQUIRE_FALSE(off_curve.ok());
  CHECK(off_curve.error() == "bad-pubkey");
}

TEST_CASE("regtest pre-mine key facts from chain.md") {
  const Hash256 secret = sha256(ascii("BitSilver regtest pre-mine"));
  CHECK(to_hex(secret.bytes) == "3afa0ece75d0e72aae528fd0307732f85f5fef24f1b048cc891caf980d65ab3f");
  auto key = PrivateKey::from_bytes(secret.bytes);
  REQUIRE(key.ok());
  const PublicKey pub = key->public_key(true);
  CHECK(to_hex(pub.bytes()) ==
        "031c2eef48efcf9bc9084944e98faa15043919e008f14cd5b876f485caff36c6b1");
  CHECK(to_hex(pub.id().bytes) == "8e68bb02448f9cd6b7f4facc39ba3aa826b92ff4");
}

TEST_CASE("ECDSA sign and verify: strict DER, low S, deterministic") {
  std::mt19937_64 rng(btr::test::seed());
  for (int i = 0; i < 64; ++i) {
    std::array<uint8_t, 32> entropy{}, msg{};
    for (auto& b : entropy) b = static_cast<uint8_t>(rng());
    for (auto& b : msg) b = static_cast<uint8_t>(rng());
    const PrivateKey key = PrivateKey::generate(entropy);
    const Hash256 digest = sha256(msg);
    const std::vector<uint8_t> sig = key.sign(digest);
    CHECK(is_strict_der(sig));
    CHECK(is_low_s(sig));
    CHECK(sig == key.sign(digest));  // RFC 6979: same key and message, same signature
    for (bool compressed : {true, false}) {
      const PublicKey pub = key.public_key(compressed);
      CHECK(pub.verify(digest, sig));
      Hash256 tampered = digest;
      tampered.bytes[rng() % 32] ^= static_cast<uint8_t>(1u << (rng() % 8));
      CHECK_FALSE(pub.verify(tampered, sig));
    }
    std::vector<uint8_t> bad_sig = sig;
    bad_sig[bad_sig.size() - 1] ^= 0x01;
    CHECK_FALSE(key.public_key().verify(digest, bad_sig));
    // Someone else's key does not verify it.
    entropy[0] ^= 0x80;
    CHECK_FALSE(PrivateKey::generate(entropy).public_key().verify(digest, sig));
    // The high-S twin is arithmetically valid but fails the low-S policy.
    const std::vector<uint8_t> high = high_s_twin(sig);
    CHECK(high != sig);
    CHECK(is_strict_der(high));
    CHECK_FALSE(is_low_s(high));
    CHECK(key.public_key().verify(digest, high));
  }
}

TEST_CASE("strict DER (BIP66) encoding rules") {
  // r = 1, s = 1.
  CHECK(is_strict_der(hex("3006020101020101")));
  CHECK_FALSE(is_strict_der(hex("3106020101020101")));    // not a sequence
  CHECK_FALSE(is_strict_der(hex("3007020101020101")));    // wrong total length
  CHECK_FALSE(is_strict_der(hex("300602010102010100")));  // trailing byte
  CHECK_FALSE(is_strict_der(hex("3006030101020101")));    // R not an integer
  CHECK_FALSE(is_strict_der(hex("3006020181020101")));    // R negative
  CHECK_FALSE(is_strict_der(hex("300702020001020101")));  // R padded
  CHECK(is_strict_der(hex("300702020081020101")));        // padding needed for 0x81
  CHECK_FALSE(is_strict_der(hex("300702010102020001")));  // S padded
  CHECK_FALSE(is_strict_der(hex("3006020101020181")));    // S negative
  CHECK_FALSE(is_strict_der(hex("30050200020101")));      // empty R
  CHECK_FALSE(is_strict_der(hex("300402010102")));        // too short
  CHECK_FALSE(is_low_s(hex("30060201010201")));           // unparsable is not low S
}

TEST_CASE("ECDSA signatures match RFC 6979 known answers") {
  // Expected values from an independent RFC 6979 + ECDSA implementation (the
  // first is the widely published key=1 "Satoshi Nakamoto" vector).
  std::vector<uint8_t> one(32, 0);
  one.back() = 1;
  auto key = PrivateKey::from_bytes(one);
  REQUIRE(key.ok());
  CHECK(to_hex(key->sign(sha256(ascii("Satoshi Nakamoto")))) ==
        "3045022100934b1ea10a4b3c1757e2b0c017d0b6143ce3c9a7e6a4a49860d7a6ab210ee3d8"
        "02202442ce9d2b916064108014783e923ec36b49743e2ffa1c4496f01a512aafd9e5");
  auto regtest = PrivateKey::from_bytes(sha256(ascii("BitSilver regtest pre-mine")).bytes);
  REQUIRE(regtest.ok());
  CHECK(to_hex(regtest->sign(sha256(ascii("BitSilver")))) ==
        "3045022100ab11a7f20e2da827512fcfb94b80dc63323b38335074a8d5275cfd1c2d0e8757"
        "0220167d709c6d45eaff40565b69b467357e0b873138b40fb67d048977d8c1bf8995");
}
