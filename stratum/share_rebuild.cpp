#include "stratum/share_rebuild.h"

#include "core/crypto/sha256.h"

namespace btr::stratum {

std::vector<uint8_t> assemble_coinbase(std::span<const uint8_t> coinb1,
                                       std::span<const uint8_t> extranonce1,
                                       std::span<const uint8_t> extranonce2,
                                       std::span<const uint8_t> coinb2) {
  std::vector<uint8_t> tx;
  tx.reserve(coinb1.size() + extranonce1.size() + extranonce2.size() + coinb2.size());
  tx.insert(tx.end(), coinb1.begin(), coinb1.end());
  tx.insert(tx.end(), extranonce1.begin(), extranonce1.end());
  tx.insert(tx.end(), extranonce2.begin(), extranonce2.end());
  tx.insert(tx.end(), coinb2.begin(), coinb2.end());
  return tx;
}

core::Hash256 fold_merkle_branch(const core::Hash256& coinbase_txid,
                                 std::span<const core::Hash256> branch) {
  core::Hash256 h = coinbase_txid;
  for (const auto& b : branch) h = core::sha256d_pair(h, b);
  return h;
}

RebuiltShare rebuild_share(const Notify& job, const ShareFields& share) {
  RebuiltShare out;
  out.coinbase = assemble_coinbase(job.coinb1, share.extranonce1, share.extranonce2, job.coinb2);
  out.coinbase_txid = core::sha256d(out.coinbase);
  out.merkle_root = fold_merkle_branch(out.coinbase_txid, job.merkle_branch);
  out.header.version = static_cast<int32_t>(share.version);
  out.header.prev_block = job.prev_block;
  out.header.merkle_root = out.merkle_root;
  out.header.time = share.ntime;
  out.header.bits = job.nbits;
  out.header.nonce = share.nonce;
  out.header_bytes = out.header.serialize();
  out.hash = core::sha256d(out.header_bytes);
  return out;
}

}  // namespace btr::stratum
