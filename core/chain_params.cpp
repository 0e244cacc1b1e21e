#include "core/chain_params.h"

#include <cassert>

#include "core/script.h"

namespace btr::core {

namespace {

// ---- Genesis blocks, mined once -------------------------------------------
// Main net and testnet pay the pre-mine to the same key hash (20 zero bytes),
// so they share the coinbase and the Merkle root; regtest pays the published
// test key.
struct GenesisRecord {
  uint32_t time;
  uint32_t nonce;
  std::string_view merkle_root;  // display order
  std::string_view hash;         // display order
};

// Main net: no nonce in 0..2^32-1 meets 0x1d00ffff at kGenesisTime with
// this coinbase (exhaustive search, 2026-11-25), so main net's genesis is
// dated one second later, 2020-04-01 00:00:01 UTC, the way a miner rolls
// ntime when the nonce space runs out. Testnet and regtest use kGenesisTime.
constexpr uint32_t kMainGenesisTime = kGenesisTime + 1;
constexpr GenesisRecord kMainGenesis = {
    kMainGenesisTime, 2528666575,
    "ac9324eef690a9deefedb10d7b7148e3b837b9b66fb8ccec0af2dc005182b019",
    "00000000d4018c4f6d67a976e4c4e4f0b2a59719dcc2ed43484b19fc676eb324"};
constexpr GenesisRecord kTestnetGenesis = {
    kGenesisTime, 439245, "ac9324eef690a9deefedb10d7b7148e3b837b9b66fb8ccec0af2dc005182b019",
    "00000f56923b43e92c568659d94a509f97c234421801d84a9a3b8adc6f7e4d4e"};
constexpr GenesisRecord kRegtestGenesis = {
    kGenesisTime, 0, "32c096be8af3f59f332bafa11b3bc4df90195784c522055d69dd14b89c2e9b5d",
    "051b06ff069c6cefe9dfd11e02d7f2f7c38b99a9356545f032ca9c7e809b83fd"};

// The regtest pre-mine key: HASH160 of the compressed public key of
// SHA-256("BitSilver regtest pre-mine") (chain.md).
constexpr std::array<uint8_t, 20> kRegtestPremineKeyHash = {
    0x8e, 0x68, 0xbb, 0x02, 0x44, 0x8f, 0x9c, 0xd6, 0xb7, 0xf4,
    0xfa, 0xcc, 0x39, 0xba, 0x3a, 0xa8, 0x26, 0xb9, 0x2f, 0xf4};
// Main net and testnet: unspendable until a launcher sets the fund's key.
constexpr std::array<uint8_t, 20> kFundKeyHash = {};

// The target compact bits stand for, for the (valid, positive) limits above.
Uint256 target_of_limit_bits(uint32_t bits) {
  const unsigned exponent = bits >> 24;
  assert(exponent >= 3 && (bits & 0x00800000) == 0);
  return Uint256(bits & 0x007fffff) << (8 * (exponent - 3));
}

Hash256 display_hash(std::string_view hex) {
  auto h = Hash256::from_display_hex(hex);
  assert(h.ok());
  return *h;
}

ChainParams make_params(Network network, std::string_view name, std::array<uint8_t, 4> magic,
                        uint16_t p2p_port, uint16_t rpc_port, uint32_t pow_limit_bits,
                        DifficultyRule rule, AddressPrefixes prefixes,
                        const std::array<uint8_t, 20>& premine_key, const GenesisRecord& g) {
  ChainParams p{};
  p.network = network;
  p.name = name;
  p.message_start = magic;
  p.p2p_port = p2p_port;
  p.rpc_port = rpc_port;
  p.stratum_port = kStratumDefaultPort;
  p.pow_limit_bits = pow_limit_bits;
  p.pow_limit = target_of_limit_bits(pow_limit_bits);
  p.difficulty_rule = rule;
  p.target_spacing = kTargetSpacing;
  p.asert_half_life = kAsertHalfLife;
  p.asert_anchor_height = kAsertAnchorHeight;
  p.prefixes = prefixes;
  p.coinbase_maturity = kCoinbaseMaturity;
  p.arrival_confirmations = kArrivalConfirmations;
  p.max_block_size = kMaxBlockSize;
  p.max_block_sigops = kMaxBlockSigops;
  p.max_future_block_time = kMaxFutureBlockTime;
  p.median_time_span = kMedianTimeSpan;
  p.min_block_version = kMinBlockVersion;
  p.template_version = kTemplateVersion;
  p.version_rolling_mask = kVersionRollingMask;
  p.premine = kPremine;
  p.premine_key_hash = Hash160{premine_key};
  p.genesis = make_genesis_block(g.time, pow_limit_bits, g.nonce, p.premine_key_hash);
  p.genesis_merkle_root = display_hash(g.merkle_root);
  p.genesis_hash = display_hash(g.hash);
  return p;
}

}  // namespace

Block make_genesis_block(uint32_t time, uint32_t bits, uint32_t nonce, const Hash160& key_hash) {
  Transaction coinbase;
  coinbase.version = 1;
  TxIn in;
  in.prevout = OutPoint{Hash256{}, OutPoint::kNullIndex};
  push_int(in.script_sig, 0);  // the height, BIP34 style: OP_0
  const auto* text = reinterpret_cast<const uint8_t*>(kGenesisText.data());
  push_data(in.script_sig, std::span<const uint8_t>(text, kGenesisText.size()));
  in.sequence = TxIn::kFinalSequence;
  coinbase.inputs.push_back(std::move(in));
  coinbase.outputs.push_back(TxOut{kPremine, p2pkh_script(key_hash.bytes)});
  coinbase.locktime = 0;

  Block block;
  block.header.version = kGenesisVersion;
  block.header.time = time;
  block.header.bits = bits;
  block.header.nonce = nonce;
  block.transactions.push_back(std::move(coinbase));
  block.header.merkle_root = block.compute_merkle_root().root;
  return block;
}

const ChainParams& chain_params(Network network) {
  static const ChainParams kMain =
      make_params(Network::kMain, "main", {0xf9, 0x42, 0x54, 0x52}, 8633, 8632, 0x1d00ffff,
                  DifficultyRule::kAsert, {25, 85, 153}, kFundKeyHash, kMainGenesis);
  static const ChainParams kTestnet =
      make_params(Network::kTestnet, "testnet", {0xfb, 0x42, 0x54, 0x52}, 18633, 18632, 0x1e0fffff,
                  DifficultyRule::kAsert, {111, 196, 239}, kFundKeyHash, kTestnetGenesis);
  static const ChainParams kRegtest = make_params(
      Network::kRegtest, "regtest", {0xfa, 0x42, 0x54, 0x52}, 18644, 18643, 0x207fffff,
      DifficultyRule::kPowLimit, {111, 196, 239}, kRegtestPremineKeyHash, kRegtestGenesis);
  switch (network) {
    case Network::kMain:
      return kMain;
    case Network::kTestnet:
      return kTestnet;
    case Network::kRegtest:
      return kRegtest;
  }
  assert(false);
  return kMain;
}

Result<const ChainParams*> chain_params_by_name(std::string_view name) {
  if (name == "main" || name == "mainnet") return &chain_params(Network::kMain);
  if (name == "testnet" || name == "test") return &chain_params(Network::kTestnet);
  if (name == "regtest") return &chain_params(Network::kRegtest);
  return fail("unknown-network");
}

}  // namespace btr::core
