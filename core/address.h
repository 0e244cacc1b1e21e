#pragma once
// P2PKH and P2SH addresses (Base58Check of version byte + HASH160) and WIF
// private keys, with each network's prefixes passed in (chain parameters
// hold them). Decoding tells a wrong network, a bad checksum and a bad length
// apart so that RPC callers learn what is wrong.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/crypto/hash160.h"
#include "core/key.h"
#include "core/result.h"

namespace btr::core {

struct AddressPrefixes {
  uint8_t p2pkh;
  uint8_t p2sh;
  uint8_t wif;
};

enum class AddressType { kP2pkh, kP2sh };

struct Address {
  AddressType type = AddressType::kP2pkh;
  Hash160 hash;  // key hash (P2PKH) or script hash (P2SH)

  bool operator==(const Address&) const = default;
};

std::string encode_address(const Address& address, const AddressPrefixes& prefixes);
// Reasons: "address-bad-encoding" (not Base58), "address-bad-checksum",
// "address-bad-length", "address-wrong-network" (version byte is neither of
// this network's prefixes).
Result<Address> decode_address(std::string_view text, const AddressPrefixes& prefixes);

// The scriptPubKey paying to the address:
//   P2PKH: OP_DUP OP_HASH160 <20 bytes> OP_EQUALVERIFY OP_CHECKSIG
//   P2SH:  OP_HASH160 <20 bytes> OP_EQUAL
std::vector<uint8_t> address_script(const Address& address);

struct WifKey {
  PrivateKey key;
  bool compressed;  // the public key to use is the compressed one (0x01 suffix)
};

std::string encode_wif(const PrivateKey& key, bool compressed, const AddressPrefixes& prefixes);
// Reasons: "wif-bad-encoding", "wif-bad-checksum", "wif-bad-length",
// "wif-wrong-network", "wif-bad-compression-flag", "wif-bad-key".
Result<WifKey> decode_wif(std::string_view text, const AddressPrefixes& prefixes);

}  // namespace btr::core
