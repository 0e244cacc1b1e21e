#pragma once
// The unit of work the miner receives, whatever its source: a Stratum
// mining.notify with the session's extranonce1 and latched share difficulty,
// or a block template the solo client turned into the same coinbase split.
// Immutable once published; shared between the loop thread and device threads.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/block_header.h"
#include "core/uint256.h"
#include "stratum/messages.h"

namespace btr::tools::miner {

struct MinerJob {
  stratum::Notify notify;  // job id, prev block, coinbase halves, branch, version, bits, time
  std::vector<uint8_t> extranonce1;
  size_t extranonce2_size = 4;
  uint32_t version_mask = 0;  // bits the miner may roll, 0 = none
  double share_difficulty = 1;
  core::Uint256 share_target;  // hashes at or under this are shares
  core::Uint256 block_target;  // from nbits
  uint64_t session = 0;        // the pool session (connection) that sent it
  // Seconds the miner may add to notify.ntime once a device has used up its
  // extranonce2 values (see WorkManager); 0: never roll.
  uint32_t ntime_roll_s = 0;
  bool solo = false;  // hits are blocks for submitblock, not shares
  uint64_t solo_height = 0;
  std::vector<std::vector<uint8_t>> solo_transactions;  // raw, for the block body
};

// coinb1 || extranonce1 || extranonce2 || coinb2 (stratum::assemble_coinbase).
std::vector<uint8_t> job_coinbase(const MinerJob& job, std::span<const uint8_t> extranonce2);
// The 80-byte header for the given extranonce2, version and nonce, built by the
// Stratum codec's share reconstruction (the same code the pool checks with).
core::HeaderBytes job_header(const MinerJob& job, std::span<const uint8_t> extranonce2,
                             uint32_t version, uint32_t nonce);
// The same with a rolled ntime in place of the job's.
core::HeaderBytes job_header(const MinerJob& job, std::span<const uint8_t> extranonce2,
                             uint32_t version, uint32_t nonce, uint32_t ntime);

// diff1 / difficulty (the diff1 target is 0xffff * 2^208), clamped to [1, 2^256 - 1].
core::Uint256 target_for_difficulty(double difficulty);
// diff1 / H for a hash read as a little-endian integer.
double difficulty_of_hash(const core::Hash256& hash);
// The target a compact "bits" value stands for (0 when negative or overflowing:
// then nothing is a block).
core::Uint256 target_from_compact(uint32_t bits);
bool hash_at_or_under(const core::Hash256& hash, const core::Uint256& target);

}  // namespace btr::tools::miner
