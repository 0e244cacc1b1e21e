#include "core/address.h"

#include <algorithm>

#include "core/base58.h"

namespace btr::core {
namespace {

constexpr size_t kAddressPayloadSize = 1 + 20;
constexpr size_t kWifPayloadSize = 1 + kPrivateKeySize;  // + 1 with the compressed flag
// Longest payload either decoder looks at; longer inputs are refused as a bad
// length without decoding them.
constexpr size_t kMaxPayloadSize = 64;

// Script opcodes (written here so addresses do not depend on the interpreter).
constexpr uint8_t kOpDup = 0x76;
constexpr uint8_t kOpHash160 = 0xa9;
constexpr uint8_t kOpEqual = 0x87;
constexpr uint8_t kOpEqualVerify = 0x88;
constexpr uint8_t kOpCheckSig = 0xac;
constexpr uint8_t kPush20 = 0x14;

// Base58Check decoding with the caller's reason prefix ("address", "wif").
Result<std::vector<uint8_t>> decode_payload(std::string_view text, const std::string& what) {
  Result<std::vector<uint8_t>> raw = decode_base58check(text, kMaxPayloadSize);
  if (raw) return raw;
  if (raw.error() == "base58-bad-checksum") return fail(what + "-bad-checksum");
  if (raw.error() == "base58-too-long") return fail(what + "-bad-length");
  return fail(what + "-bad-encoding");
}

}  // namespace

std::string encode_address(const Address& address, const AddressPrefixes& prefixes) {
  std::vector<uint8_t> payload;
  payload.reserve(kAddressPayloadSize);
  payload.push_back(address.type == AddressType::kP2pkh ? prefixes.p2pkh : prefixes.p2sh);
  payload.insert(payload.end(), address.hash.bytes.begin(), address.hash.bytes.end());
  return encode_base58check(payload);
}

Result<Address> decode_address(std::string_view text, const AddressPrefixes& prefixes) {
  Result<std::vector<uint8_t>> payload = decode_payload(text, "address");
  if (!payload) return fail(payload.error());
  if (payload->size() != kAddressPayloadSize) return fail("address-bad-length");
  Address out;
  const uint8_t version = (*payload)[0];
  if (version == prefixes.p2pkh) {
    out.type = AddressType::kP2pkh;
  } else if (version == prefixes.p2sh) {
    out.type = AddressType::kP2sh;
  } else {
    return fail("address-wrong-network");
  }
  std::copy(payload->begin() + 1, payload->end(), out.hash.bytes.begin());
  return out;
}

std::vector<uint8_t> address_script(const Address& address) {
  std::vector<uint8_t> script;
  if (address.type == AddressType::kP2pkh) {
    script = {kOpDup, kOpHash160, kPush20};
    script.insert(script.end(), address.hash.bytes.begin(), address.hash.bytes.end());
    script.insert(script.end(), {kOpEqualVerify, kOpCheckSig});
  } else {
    script = {kOpHash160, kPush20};
    script.insert(script.end(), address.hash.bytes.begin(), address.hash.bytes.end());
    script.push_back(kOpEqual);
  }
  return script;
}

std::string encode_wif(const PrivateKey& key, bool compressed, const AddressPrefixes& prefixes) {
  std::vector<uint8_t> payload;
  payload.reserve(kWifPayloadSize + 1);
  payload.push_back(prefixes.wif);
  payload.insert(payload.end(), key.bytes().begin(), key.bytes().end());
  if (compressed) payload.push_back(0x01);
  std::string out = encode_base58check(payload);
  std::fill(payload.begin(), payload.end(), uint8_t{0});
  return out;
}

Result<WifKey> decode_wif(std::string_view text, const AddressPrefixes& prefixes) {
  Result<std::vector<uint8_t>> payload = decode_payload(text, "wif");
  if (!payload) return fail(payload.error());
  std::vector<uint8_t>& p = *payload;
  if (p.size() != kWifPayloadSize && p.size() != kWifPayloadSize + 1) return fail("wif-bad-length");
  if (p[0] != prefixes.wif) return fail("wif-wrong-network");
  const bool compressed = p.size() == kWifPayloadSize + 1;
  if (compressed && p.back() != 0x01) return fail("wif-bad-compression-flag");
  Result<PrivateKey> key = PrivateKey::from_bytes({p.data() + 1, kPrivateKeySize});
  std::fill(p.begin(), p.end(), uint8_t{0});
  if (!key) return fail("wif-bad-key");
  return WifKey{*key, compressed};
}

}  // namespace btr::core
