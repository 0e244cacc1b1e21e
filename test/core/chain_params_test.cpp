#include <doctest/doctest.h>

#include <string>

#include "core/address.h"
#include "core/chain_params.h"
#include "core/crypto/hash160.h"
#include "core/crypto/sha256.h"
#include "core/hex.h"
#include "core/pow.h"
#include "core/script.h"

using namespace btr::core;

namespace {

std::vector<uint8_t> hex(std::string_view s) {
  return *from_hex(s);
}

struct Expected {
  Network network;
  std::string name;
  std::string magic;
  uint16_t p2p, rpc;
  uint32_t bits;
  std::string pow_limit;  // big-endian hex
  DifficultyRule rule;
  uint8_t p2pkh, p2sh, wif;
  std::string key_hash;
  uint32_t time;
  // Mined once (h1, 2026-11): nonce, Merkle root and hash, display order.
  uint32_t nonce;
  std::string merkle_root;
  std::string hash;
};

const Expected kExpected[] = {
    {Network::kMain, "main", "f9425452", 8633, 8632, 0x1d00ffff,
     "00000000ffff0000000000000000000000000000000000000000000000000000", DifficultyRule::kAsert, 25,
     85, 153, "0000000000000000000000000000000000000000", 1585699201, 2528666575,
     "ac9324eef690a9deefedb10d7b7148e3b837b9b66fb8ccec0af2dc005182b019",
     "00000000d4018c4f6d67a976e4c4e4f0b2a59719dcc2ed43484b19fc676eb324"},
    {Network::kTestnet, "testnet", "fb425452", 18633, 18632, 0x1e0fffff,
     "00000fffff000000000000000000000000000000000000000000000000000000", DifficultyRule::kAsert,
     111, 196, 239, "0000000000000000000000000000000000000000", 1585699200, 439245,
     "ac9324eef690a9deefedb10d7b7148e3b837b9b66fb8ccec0af2dc005182b019",
     "00000f56923b43e92c568659d94a509f97c234421801d84a9a3b8adc6f7e4d4e"},
    {Network::kRegtest, "regtest", "fa425452", 18644, 18643, 0x207fffff,
     "7fffff0000000000000000000000000000000000000000000000000000000000", DifficultyRule::kPowLimit,
     111, 196, 239, "8e68bb02448f9cd6b7f4facc39ba3aa826b92ff4", 1585699200, 0,
     "32c096be8af3f59f332bafa11b3bc4df90195784c522055d69dd14b89c2e9b5d",
     "051b06ff069c6cefe9dfd11e02d7f2f7c38b99a9356545f032ca9c7e809b83fd"},
};

// The genesis coinbase written out byte by byte from chain.md, independently
// of the code that builds it.
std::vector<uint8_t> genesis_coinbase_bytes(const std::string& key_hash_hex) {
  const std::string text = "BitSilver 2020/04 investment-grade silver for everyone";
  std::string h =
      "01000000"
      "01" +
      std::string(64, '0') + "ffffffff";
  h += "38"
       "00"
       "36";  // scriptSig length 56 = OP_0 + push(54 bytes)
  h += to_hex(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
  h += "ffffffff"
       "01";
  h += "0000"
       "3426f56b1c00";  // 80,000,000 * 10^8 = 0x1c6bf526340000, little-endian
  h += "1976a914" + key_hash_hex + "88ac";
  h += "00000000";
  return hex(h);
}

}  // namespace

TEST_CASE("chain parameters: every constant pinned") {
  for (const Expected& e : kExpected) {
    const std::string& name = e.name;
    CAPTURE(name);
    const ChainParams& p = chain_params(e.network);
    CHECK(p.network == e.network);
    CHECK(p.name == e.name);
    CHECK(to_hex(p.message_start) == e.magic);
    CHECK(p.p2p_port == e.p2p);
    CHECK(p.rpc_port == e.rpc);
    CHECK(p.stratum_port == 3333);
    CHECK(p.pow_limit_bits == e.bits);
    CHECK(p.pow_limit.to_hex() == e.pow_limit);
    CHECK(p.pow_limit == decode_compact(e.bits).target);
    CHECK(p.difficulty_rule == e.rule);
    CHECK(p.target_spacing == 60);
    CHECK(p.asert_half_life == 86'400);
    CHECK(p.asert_anchor_height == 1);
    CHECK(p.prefixes.p2pkh == e.p2pkh);
    CHECK(p.prefixes.p2sh == e.p2sh);
    CHECK(p.prefixes.wif == e.wif);
    CHECK(p.coinbase_maturity == 100);
    CHECK(p.arrival_confirmations == 6);
    CHECK(p.max_block_size == 1'000'000);
    CHECK(p.max_block_sigops == 20'000);
    CHECK(p.max_future_block_time == 7'200);
    CHECK(p.median_time_span == 11);
    CHECK(p.min_block_version == 4);
    CHECK(p.template_version == 0x20000000);
    CHECK(p.version_rolling_mask == 0x1fffe000);
    CHECK(p.premine == 8'000'000'000'000'000);
    CHECK(to_hex(p.premine_key_hash.bytes) == e.key_hash);
  }
  CHECK(kCoin == 100'000'000);
  CHECK(kMaxMoney == 105'000'000'000'000'000);
  CHECK(kGenesisTime == 1585699200);
  CHECK(kGenesisVersion == 1);
  CHECK(kGenesisText == "BitSilver 2020/04 investment-grade silver for everyone");
  CHECK(kPremine == 80'000'000LL * 100'000'000LL);
  CHECK(kMaxBlockSize == 1'000'000);
  CHECK(kMaxBlockSigops == 20'000);
  CHECK(kHalvingInterval == 1'000'000'000);
  CHECK(kInitialSubsidy == 100'000'000);
}

namespace {

// Rebuilds a network's genesis block from chain.md's parts, independently of
// the code that builds it, and checks it against the recorded constants.
void check_genesis(const Expected& e) {
  const ChainParams& p = chain_params(e.network);
  const auto coinbase = genesis_coinbase_bytes(e.key_hash);
  const Hash256 merkle = sha256d(coinbase);  // one transaction: the root is its txid
  CHECK(merkle.to_display_hex() == e.merkle_root);
  REQUIRE(p.genesis.transactions.size() == 1);
  CHECK(p.genesis.transactions[0].serialize() == coinbase);
  CHECK(p.genesis_merkle_root == merkle);
  CHECK(*parse_coinbase_height(p.genesis.transactions[0].inputs[0].script_sig) == 0);
  CHECK(p.genesis.transactions[0].outputs[0].value == 80'000'000LL * 100'000'000LL);
  std::vector<uint8_t> header = hex("01000000" + std::string(64, '0'));
  header.insert(header.end(), merkle.bytes.begin(), merkle.bytes.end());
  for (uint32_t v : {e.time, e.bits, e.nonce}) {
    for (int i = 0; i < 4; ++i) header.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  const Hash256 hash = sha256d(header);
  CHECK(hash.to_display_hex() == e.hash);
  CHECK(check_proof_of_work(hash, e.bits, p.pow_limit));

  // The parameters hold the same block and constants.
  const HeaderBytes built = p.genesis.header.serialize();
  CHECK(std::vector<uint8_t>(built.begin(), built.end()) == header);
  CHECK(p.genesis.header.nonce == e.nonce);
  CHECK(p.genesis_hash == hash);
  CHECK(p.genesis.hash() == p.genesis_hash);
}

}  // namespace

TEST_CASE("genesis block of main net: rebuilt from chain.md, it matches the recorded constants") {
  check_genesis(kExpected[0]);
}

TEST_CASE("genesis block of testnet: rebuilt from chain.md, it matches the recorded constants") {
  check_genesis(kExpected[1]);
}

TEST_CASE("genesis block of regtest: rebuilt from chain.md, it matches the recorded constants") {
  check_genesis(kExpected[2]);
}

TEST_CASE("regtest pre-mine key hash is HASH160 of the published test key") {
  const auto pubkey = hex("031c2eef48efcf9bc9084944e98faa15043919e008f14cd5b876f485caff36c6b1");
  const ChainParams& p = chain_params(Network::kRegtest);
  CHECK(hash160(pubkey) == p.premine_key_hash);
  CHECK(encode_address(Address{AddressType::kP2pkh, p.premine_key_hash}, p.prefixes) ==
        "mtVwi6aB1K4mZ4ziK27VgXGjdhLQ1V9iqs");
  // And that key is SHA-256 of the text chain.md names.
  const std::string seed = "BitSilver regtest pre-mine";
  CHECK(
      to_hex(sha256(std::span(reinterpret_cast<const uint8_t*>(seed.data()), seed.size())).bytes) ==
      "3afa0ece75d0e72aae528fd0307732f85f5fef24f1b048cc891caf980d65ab3f");
}

TEST_CASE("chain parameters by name") {
  const std::pair<const char*, Network> names[] = {{"main", Network::kMain},
                                                   {"mainnet", Network::kMain},
                                                   {"testnet", Network::kTestnet},
                                                   {"test", Network::kTestnet},
                                                   {"regtest", Network::kRegtest}};
  for (const auto& [name, net] : names) {
    auto p = chain_params_by_name(name);
    REQUIRE(p.ok());
    CHECK((*p)->network == net);
  }
  CHECK_FALSE(chain_params_by_name("Main").ok());
  CHECK_FALSE(chain_params_by_name("").ok());
  CHECK_FALSE(chain_params_by_name("signet").ok());
}
