#pragma once
// Builds Stratum jobs from a block template and a payout set, and assembles
// the block of a solving share.
//
// Coinbase (legacy serialization, version 1, one input, locktime 0):
//   scriptSig = push(BIP34 height) [push(coinbaseaux.flags)]
//               PUSH(en1+en2 size) | en1 en2 |  push(pool tag)
//   coinb1 ends right before extranonce1, coinb2 starts right after
//   extranonce2. Heights 1..16 are written as the one-byte data push
//   `01 NN` (what ckpool and public-pool emit; chain.md accepts it and
//   OP_1..OP_16), every other height as Core's minimal CScriptNum push.
// The coinbase differs per payout set (and per extranonce2 size), so one
// template yields one Job per (payout set, extranonce2 size).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/block_header.h"
#include "core/result.h"
#include "core/uint256.h"
#include "pool/block_template.h"
#include "pool/payout/payout_plan.h"
#include "stratum/messages.h"

namespace btr::pool {

// The only version btr-pool serves: no bits inside 0x1fffe000, so ckpool's
// OR, public-pool's XOR and BIP310's rule agree (mining-interop.md 5).
inline constexpr uint32_t kJobVersion = 0x20000000;
inline constexpr size_t kExtranonce1Size = 4;
inline constexpr size_t kDefaultExtranonce2Size = 8;

struct PayoutOutput {
  std::vector<uint8_t> script_pubkey;
  int64_t amount = 0;
  bool operator==(const PayoutOutput&) const = default;
};

struct JobOptions {
  std::string pool_tag = "/btr-pool/";                // at most 32 bytes
  size_t extranonce2_size = kDefaultExtranonce2Size;  // 1..16
};

struct Job {
  stratum::Notify notify;  // job id, prevhash, coinb1/2, branch, version, nbits, ntime, clean
  std::shared_ptr<const BlockTemplate> block_template;
  std::vector<PayoutOutput> payouts;
  size_t extranonce2_size = kDefaultExtranonce2Size;
  core::Uint256 network_target;  // from the template's bits
  uint32_t height = 0;
  // Who the coinbase pays and why (balances, carries); the ledger records
  // exactly this plan when the job finds a block. Null for jobs built
  // without the ledger (tests, old callers).
  std::shared_ptr<const payout::PayoutPlan> plan;
};

// Outputs must be non-empty, each amount >= 0, and sum exactly to the
// template's coinbase_value.
core::Result<Job> build_job(std::shared_ptr<const BlockTemplate> block_template,
                            std::span<const PayoutOutput> payouts, const JobOptions& options,
                            std::string job_id, bool clean_jobs);

// BIP34 height push as job_builder writes it (see above).
std::vector<uint8_t> bip34_height_push(uint32_t height);

// The Merkle branch is core::coinbase_merkle_branch (core/merkle.h).

// header || compact size(tx count) || coinbase || transactions[].data, hex.
std::string assemble_block_hex(const BlockTemplate& block_template, const core::HeaderBytes& header,
                               std::span<const uint8_t> coinbase);

}  // namespace btr::pool
