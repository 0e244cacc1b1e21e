#include "node/sequence_locks.h"

#include <algorithm>
#include <cassert>

namespace btr::node {

SequenceLock calculate_sequence_lock(const core::Transaction& tx,
                                     std::span<const int32_t> coin_heights,
                                     const MedianTimeAt& mtp_at) {
  assert(coin_heights.size() == tx.inputs.size());
  SequenceLock lock;
  // BIP68 reads the version as unsigned, so negative versions are >= 2 too.
  if (static_cast<uint32_t>(tx.version) < 2 || tx.is_coinbase()) return lock;
  for (size_t i = 0; i < tx.inputs.size(); ++i) {
    const uint32_t seq = tx.inputs[i].sequence;
    if ((seq & sequence_lock::kDisableFlag) != 0) continue;
    const int32_t coin_height = coin_heights[i];
    const int64_t amount = seq & sequence_lock::kMask;
    if ((seq & sequence_lock::kTypeFlag) != 0) {
      // Time counts from the median time past of the block before the coin's.
      const int64_t coin_time = mtp_at(std::max(coin_height - 1, 0));
      lock.min_time =
          std::max(lock.min_time, coin_time + (amount << sequence_lock::kGranularity) - 1);
    } else {
      lock.min_height = std::max(lock.min_height, static_cast<int32_t>(coin_height + amount - 1));
    }
  }
  return lock;
}

bool sequence_lock_satisfied(const SequenceLock& lock, int32_t block_height,
                             int64_t prev_median_time_past) {
  return lock.min_height < block_height && lock.min_time < prev_median_time_past;
}

}  // namespace btr::node
