#pragma once
// BIP68 relative lock times: an input of a version >= 2 transaction whose
// sequence has bit 31 clear cannot be spent until its coin is old enough,
// counted in blocks (bit 22 clear) or in units of 512 seconds of median time
// past (bit 22 set). Both block validation and the mempool use these
// functions, so the two cannot disagree.

#include <cstdint>
#include <functional>
#include <span>

#include "core/transaction.h"

namespace btr::node {

namespace sequence_lock {
inline constexpr uint32_t kDisableFlag = 1u << 31;
inline constexpr uint32_t kTypeFlag = 1u << 22;  // set: time-based
inline constexpr uint32_t kMask = 0x0000ffff;
inline constexpr int kGranularity = 9;  // time units of 2^9 = 512 seconds
}  // namespace sequence_lock

// The last height and median time at which the transaction is still locked
// (-1: no constraint). A block may include it when its height is above
// min_height and its parent's median time past is above min_time.
struct SequenceLock {
  int32_t min_height = -1;
  int64_t min_time = -1;
};

// Median time past of the block at `height` on the chain the transaction is
// being judged against (height is always below the spending block's).
using MedianTimeAt = std::function<int64_t(int32_t height)>;

// coin_heights[i]: height of the block that created input i's coin (for a
// coin not yet in a block: the height of the block being considered).
SequenceLock calculate_sequence_lock(const core::Transaction& tx,
                                     std::span<const int32_t> coin_heights,
                                     const MedianTimeAt& mtp_at);

bool sequence_lock_satisfied(const SequenceLock& lock, int32_t block_height,
                             int64_t prev_median_time_past);

}  // namespace btr::node
