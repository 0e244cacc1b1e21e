#pragma once
// The stack's two payout identities on regtest. Like the chain's regtest
// pre-mine key (chain.md), each private key is the SHA-256 of a published
// ASCII text, so anyone can rebuild the key, its WIF and its address, and
// spend what the demo mined:
//   worker rig1: SHA-256("BitSilver regtest stack rig1")
//   worker rig2: SHA-256("BitSilver regtest stack rig2")
//   pool operator (fee output): SHA-256("BitSilver regtest stack operator")
// Test keys only: never use them on a network where coins have value.

#include <string>
#include <string_view>
#include <vector>

namespace btr::tools::stack {

struct PublishedKey {
  std::string secret_text;  // the text whose SHA-256 is the private key
  std::string private_key_hex;
  std::string wif;      // regtest WIF, compressed
  std::string address;  // regtest P2PKH of the compressed public key
};

// Derives the key whose secret is SHA-256(text), with regtest prefixes.
PublishedKey derive_published_key(std::string_view text);

struct StackWorker {
  std::string name;  // Stratum worker name
  PublishedKey key;
  std::string username() const { return key.address + "." + name; }
};

// rig1 and rig2, in that order.
std::vector<StackWorker> stack_workers();
// The pool operator's fee address.
PublishedKey stack_operator();

}  // namespace btr::tools::stack
