#pragma once
// Job + share -> 80-byte header, as both a pool (to check a share) and a
// miner (to build the work it hashes) need it. Pure functions, no
// allocation beyond the coinbase bytes.
//   coinbase     = coinb1 || extranonce1 || extranonce2 || coinb2  (legacy tx)
//   merkle root  = fold h = SHA256d(h || branch[i]) from h = SHA256d(coinbase)
//   header       = version, prev_block, merkle root, ntime, nbits, nonce

#include <cstdint>
#include <span>
#include <vector>

#include "core/block_header.h"
#include "core/uint256.h"
#include "stratum/messages.h"

namespace btr::stratum {

struct ShareFields {
  std::span<const uint8_t> extranonce1;
  std::span<const uint8_t> extranonce2;
  uint32_t ntime = 0;
  uint32_t nonce = 0;
  uint32_t version = 0;  // the final header version (see apply_version_bits)
};

struct RebuiltShare {
  std::vector<uint8_t> coinbase;
  core::Hash256 coinbase_txid;  // internal order
  core::Hash256 merkle_root;    // header order
  core::BlockHeader header;
  core::HeaderBytes header_bytes{};
  core::Hash256 hash;  // SHA256d(header), internal order
};

// BIP310: (job & ~mask) | (bits & mask).
constexpr uint32_t apply_version_bits(uint32_t job_version, uint32_t bits, uint32_t mask) {
  return (job_version & ~mask) | (bits & mask);
}

std::vector<uint8_t> assemble_coinbase(std::span<const uint8_t> coinb1,
                                       std::span<const uint8_t> extranonce1,
                                       std::span<const uint8_t> extranonce2,
                                       std::span<const uint8_t> coinb2);
// Coinbase always on the left.
core::Hash256 fold_merkle_branch(const core::Hash256& coinbase_txid,
                                 std::span<const core::Hash256> branch);
RebuiltShare rebuild_share(const Notify& job, const ShareFields& share);

}  // namespace btr::stratum
