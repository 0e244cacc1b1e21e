#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include <random>
#include <string>
#include <vector>

#include "core/address.h"
#include "core/base58.h"
#include "core/crypto/sha256.h"
#include "core/hex.h"
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

// chain.md's networks (testnet and regtest share their prefixes).
constexpr AddressPrefixes kMain{25, 85, 153};
constexpr AddressPrefixes kTest{111, 196, 239};
constexpr AddressPrefixes kBitcoin{0, 5, 128};

Hash160 random_hash(std::mt19937_64& rng) {
  Hash160 h;
  for (auto& b : h.bytes) b = static_cast<uint8_t>(rng());
  return h;
}

}  // namespace

TEST_CASE("base58 encode/decode pairs from Bitcoin Core") {
  BTR_REQUIRE_VECTORS(dir);
  const auto doc =
      nlohmann::json::parse(btr::test::read_file(dir / "bitcoin" / "base58_encode_decode.json"));
  size_t checked = 0;
  for (const auto& pair : doc) {
    const std::string data_hex = pair.at(0).get<std::string>();
    const std::string text = pair.at(1).get<std::string>();
    INFO(data_hex << " <-> " << text);
    const std::vector<uint8_t> data = hex(data_hex);
    CHECK(encode_base58(data) == text);
    auto back = decode_base58(text, 256);
    REQUIRE(back.ok());
    CHECK(*back == data);
    ++checked;
  }
  CHECK(checked >= 10);
  MESSAGE("checked " << checked << " base58 pairs");
}

TEST_CASE("base58 decoding is strict") {
  CHECK(decode_base58("3SEo3LWLoPntC", 9).ok());
  CHECK(decode_base58("3SEo3LWLoPntC", 8).error() == "base58-too-long");
  for (const char* bad : {"0", "O", "I", "l", " 2g", "2g ", "2g\n", "a3g+", "\xff"}) {
    INFO("input '" << bad << "'");
    auto r = decode_base58(bad, 64);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error() == "base58-bad-char");
  }
  // Long inputs are refused before any arithmetic.
  CHECK(decode_base58(std::string(10000, '2'), 64).error() == "base58-too-long");
  CHECK(decode_base58(std::string(80, '1'), 64).error() == "base58-too-long");
  CHECK(decode_base58(std::string(64, '1'), 64).ok());
}

TEST_CASE("base58check round trip and checksum") {
  std::mt19937_64 rng(btr::test::seed());
  for (size_t len = 0; len <= 40; ++len) {
    std::vector<uint8_t> payload(len);
    for (auto& b : payload) b = static_cast<uint8_t>(rng() % 3 == 0 ? 0 : rng());
    const std::string text = encode_base58check(payload);
    auto back = decode_base58check(text, 64);
    REQUIRE(back.ok());
    CHECK(*back == payload);
  }
  CHECK(decode_base58check("", 64).error() == "base58-bad-checksum");
  CHECK(decode_base58check("2g", 64).error() == "base58-bad-checksum");
}

TEST_CASE("Bitcoin's well-known address and WIF examples") {
  // Genesis output key hash -> 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa.
  Address genesis{AddressType::kP2pkh, {}};
  const auto h = hex("62e907b15cbf27d5425399ebf6f0fb50ebb88f18");
  std::copy(h.begin(), h.end(), genesis.hash.bytes.begin());
  CHECK(encode_address(genesis, kBitcoin) == "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa");
  // The Bitcoin wiki's WIF example (uncompressed).
  auto key = PrivateKey::from_bytes(
      hex("0c28fca386c7a227600b2fe50b7cae11ec86d3bf1fbe471be89827e19d72aa1d"));
  REQUIRE(key.ok());
  CHECK(encode_wif(*key, false, kBitcoin) == "5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ");
  auto wif = decode_wif("5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ", kBitcoin);
  REQUIRE(wif.ok());
  CHECK(wif->key == *key);
  CHECK_FALSE(wif->compressed);
}

TEST_CASE("regtest pre-mine WIF and address from chain.md") {
  const Hash256 secret = sha256(ascii("BitSilver regtest pre-mine"));
  auto key = PrivateKey::from_bytes(secret.bytes);
  REQUIRE(key.ok());
  CHECK(encode_wif(*key, true, kTest) == "cPZLxCJEB6s7eY7A1epqB7h3CAT7FNaCjssokGyd4JMPSD3UKGJs");
  const Address addr{AddressType::kP2pkh, key->public_key(true).id()};
  CHECK(encode_address(addr, kTest) == "mtVwi6aB1K4mZ4ziK27VgXGjdhLQ1V9iqs");

  auto wif = decode_wif("cPZLxCJEB6s7eY7A1epqB7h3CAT7FNaCjssokGyd4JMPSD3UKGJs", kTest);
  REQUIRE(wif.ok());
  CHECK(wif->compressed);
  CHECK(wif->key == *key);
  auto decoded = decode_address("mtVwi6aB1K4mZ4ziK27VgXGjdhLQ1V9iqs", kTest);
  REQUIRE(decoded.ok());
  CHECK(decoded->type == AddressType::kP2pkh);
  CHECK(to_hex(decoded->hash.bytes) == "8e68bb02448f9cd6b7f4facc39ba3aa826b92ff4");
  CHECK(to_hex(address_script(*decoded)) == "76a9148e68bb02448f9cd6b7f4facc39ba3aa826b92ff488ac");
  // The same key on main net is a different address and WIF.
  CHECK(decode_address("mtVwi6aB1K4mZ4ziK27VgXGjdhLQ1V9iqs", kMain).error() ==
        "address-wrong-network");
  CHECK(decode_wif("cPZLxCJEB6s7eY7A1epqB7h3CAT7FNaCjssokGyd4JMPSD3UKGJs", kMain).error() ==
        "wif-wrong-network");
}

TEST_CASE("address round trips for every network's prefixes") {
  std::mt19937_64 rng(btr::test::seed());
  struct Net {
    const char* name;
    AddressPrefixes prefixes;
    const char* p2pkh_first;  // possible leading characters
    const char* p2sh_first;
  };
  for (const Net& net : {Net{"main", kMain, "B", "b"}, Net{"testnet/regtest", kTest, "mn", "2"}}) {
    INFO(net.name);
    for (int i = 0; i < 200; ++i) {
      for (AddressType type : {AddressType::kP2pkh, AddressType::kP2sh}) {
        const Address addr{type, random_hash(rng)};
        const std::string text = encode_address(addr, net.prefixes);
        CHECK(text.size() >= 33);
        CHECK(text.size() <= 35);
        const char* first = type == AddressType::kP2pkh ? net.p2pkh_first : net.p2sh_first;
        CHECK(std::string_view(first).find(text[0]) != std::string_view::npos);
        auto back = decode_address(text, net.prefixes);
        REQUIRE(back.ok());
        CHECK(*back == addr);
      }
    }
  }
}

TEST_CASE("address scripts") {
  Address a{AddressType::kP2sh, {}};
  a.hash.bytes.fill(0xab);
  std::string ab;
  for (int i = 0; i < 20; ++i) ab += "ab";
  CHECK(to_hex(address_script(a)) == "a914" + ab + "87");
  a.type = AddressType::kP2pkh;
  CHECK(to_hex(address_script(a)) == "76a914" + ab + "88ac");
}

TEST_CASE("address decoding rejects wrong network, bad checksum, bad length, bad characters") {
  Address addr{AddressType::kP2pkh, {}};
  addr.hash.bytes.fill(0x11);
  const std::string text = encode_address(addr, kMain);
  CHECK(decode_address(text, kTest).error() == "address-wrong-network");
  // Change one character to another of the alphabet: checksum mismatch.
  std::string flipped = text;
  flipped[10] = flipped[10] == 'z' ? 'y' : 'z';
  CHECK(decode_address(flipped, kMain).error() == "address-bad-checksum");
  // Valid Base58Check with the right prefix but 19 or 21 hash bytes.
  for (size_t n : {size_t{19}, size_t{21}, size_t{0}}) {
    std::vector<uint8_t> payload(1 + n, 0x22);
    payload[0] = kMain.p2pkh;
    CHECK(decode_address(encode_base58check(payload), kMain).error() == "address-bad-length");
  }
  CHECK(decode_address(std::string(200, 'B'), kMain).error() == "address-bad-length");
  CHECK(decode_address(text.substr(0, 20) + "0" + text.substr(21), kMain).error() ==
        "address-bad-encoding");
  CHECK(decode_address("", kMain).error() == "address-bad-checksum");
}

TEST_CASE("WIF round trips and rejections") {
  std::mt19937_64 rng(btr::test::seed());
  for (const AddressPrefixes& net : {kMain, kTest}) {
    for (int i = 0; i < 50; ++i) {
      std::array<uint8_t, 32> entropy{};
      for (auto& b : entropy) b = static_cast<uint8_t>(rng());
      const PrivateKey key = PrivateKey::generate(entropy);
      for (bool compressed : {true, false}) {
        const std::string text = encode_wif(key, compressed, net);
        auto back = decode_wif(text, net);
        REQUIRE(back.ok());
        CHECK(back->key == key);
        CHECK(back->compressed == compressed);
      }
    }
  }
  std::vector<uint8_t> payload(34, 0x33);
  payload[0] = kMain.wif;
  payload[33] = 0x02;
  CHECK(decode_wif(encode_base58check(payload), kMain).error() == "wif-bad-compression-flag");
  payload.resize(32);
  CHECK(decode_wif(encode_base58check(payload), kMain).error() == "wif-bad-length");
  payload.assign(33, 0x00);  // the zero scalar
  payload[0] = kMain.wif;
  CHECK(decode_wif(encode_base58check(payload), kMain).error() == "wif-bad-key");
  payload.assign(35, 0x33);
  payload[0] = kMain.wif;
  CHECK(decode_wif(encode_base58check(payload), kMain).error() == "wif-bad-length");
  std::string good = encode_wif(PrivateKey::generate(std::array<uint8_t, 32>{1}), true, kMain);
  good[5] = good[5] == 'z' ? 'y' : 'z';
  CHECK(decode_wif(good, kMain).error() == "wif-bad-checksum");
}
