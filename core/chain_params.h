#pragma once
// BitSilver's chain parameters for main, testnet and regtest (chain.md
// "Networks"). Every consensus and network constant is defined here once;
// test/core/chain_params_test.cpp pins each of them.

#include <array>
#include <cstdint>
#include <string_view>

#include "core/address.h"
#include "core/amount.h"
#include "core/block.h"
#include "core/crypto/hash160.h"
#include "core/result.h"
#include "core/uint256.h"

namespace btr::core {

// ---- Constants shared by every network -------------------------------------
inline constexpr uint32_t kMaxBlockSize = 1'000'000;  // legacy serialized bytes
inline constexpr uint32_t kMaxBlockSigops = 20'000;   // legacy count
inline constexpr int32_t kCoinbaseMaturity = 100;
inline constexpr int32_t kArrivalConfirmations = 6;    // a payment counts as arrived
inline constexpr int64_t kMaxFutureBlockTime = 7'200;  // seconds ahead of the node's clock
inline constexpr int kMedianTimeSpan = 11;             // blocks in the median-time-past window
inline constexpr int32_t kMinBlockVersion = 4;
inline constexpr int32_t kTemplateVersion = 0x20000000;
inline constexpr uint32_t kVersionRollingMask = 0x1fffe000;  // BIP320 bits 13..28
inline constexpr int64_t kTargetSpacing = 60;                // ASERT T, seconds
inline constexpr int64_t kAsertHalfLife = 86'400;            // ASERT H, seconds
inline constexpr int32_t kAsertAnchorHeight = 1;
inline constexpr uint16_t kStratumDefaultPort = 3333;
inline constexpr Amount kPremine = 80'000'000 * kCoin;
inline constexpr uint32_t kGenesisTime = 1585699200;  // 2020-04-01 00:00:00 UTC
inline constexpr int32_t kGenesisVersion = 1;
inline constexpr std::string_view kGenesisText =
    "BitSilver 2020/04 investment-grade silver for everyone";
// Halving interval and coin, for subsidy(); see core/subsidy.h.
inline constexpr int64_t kHalvingInterval = 1'000'000'000;
inline constexpr Amount kInitialSubsidy = 1 * kCoin;

enum class Network { kMain, kTestnet, kRegtest };

enum class DifficultyRule {
  kAsert,     // aserti3-2d anchored at block 1 (chain.md)
  kPowLimit,  // regtest: every block at the proof-of-work limit
};

struct ChainParams {
  Network network;
  std::string_view name;  // "main", "testnet", "regtest"
  std::array<uint8_t, 4> message_start;
  uint16_t p2p_port;
  uint16_t rpc_port;
  uint16_t stratum_port;

  uint32_t pow_limit_bits;
  Uint256 pow_limit;  // the target pow_limit_bits stands for
  DifficultyRule difficulty_rule;
  int64_t target_spacing;
  int64_t asert_half_life;
  int32_t asert_anchor_height;

  AddressPrefixes prefixes;

  int32_t coinbase_maturity;
  int32_t arrival_confirmations;
  uint32_t max_block_size;
  uint32_t max_block_sigops;
  int64_t max_future_block_time;
  int median_time_span;
  int32_t min_block_version;
  int32_t template_version;
  uint32_t version_rolling_mask;

  Amount premine;
  Hash160 premine_key_hash;  // pre-mine output pays P2PKH to this

  Block genesis;                // built from the parts above, the nonce and kGenesisText
  Hash256 genesis_merkle_root;  // recorded when the genesis block was mined
  Hash256 genesis_hash;         // recorded when the genesis block was mined
};

const ChainParams& chain_params(Network network);
// "main"/"mainnet", "testnet"/"test", "regtest".
Result<const ChainParams*> chain_params_by_name(std::string_view name);

// The genesis block of a network: version 1, zero previous hash, the given
// time (kGenesisTime, one second later on main net: see chain_params.cpp),
// the network's pow limit as bits, the
// given nonce, and one coinbase paying the pre-mine to key_hash (chain.md
// "Networks").
Block make_genesis_block(uint32_t time, uint32_t bits, uint32_t nonce, const Hash160& key_hash);

}  // namespace btr::core
