#include "core/subsidy.h"

#include <algorithm>

#include "core/chain_params.h"

namespace btr::core {

namespace {

// Pre-mine plus the unclipped schedule over heights 0..height. The first era
// holds heights 1..kHalvingInterval-1 (height 0 is the pre-mine); later eras
// hold kHalvingInterval heights each. No overflow: every era adds at most
// 1e9 * 1e8 = 1e17 units and the reward halves, so the sum stays < 2.1e17.
Amount unclipped_total_through(int64_t height) {
  Amount total = kPremine;
  for (int era = 0; era < 63; ++era) {
    const Amount reward = kInitialSubsidy >> era;
    if (reward == 0) break;
    const int64_t first = std::max<int64_t>(1, era * kHalvingInterval);
    if (height < first) break;
    const int64_t last = std::min(height, (era + 1) * kHalvingInterval - 1);
    total += (last - first + 1) * reward;
  }
  return total;
}

}  // namespace

Amount total_issued_through(int64_t height) {
  if (height < 0) return 0;
  return std::min(unclipped_total_through(height), kMaxMoney);
}

Amount block_subsidy(int64_t height) {
  if (height < 0) return 0;
  if (height == 0) return kPremine;
  return total_issued_through(height) - total_issued_through(height - 1);
}

Amount total_issuance() {
  return total_issued_through(INT64_MAX);
}

}  // namespace btr::core
