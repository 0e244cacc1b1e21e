#pragma once
// Block subsidy (chain.md "Supply cap binds before the first halving").
// Height 0 is the genesis block, whose coinbase is the pre-mine. From height
// 1 the subsidy is kInitialSubsidy >> floor(height / kHalvingInterval),
// clipped so that the pre-mine plus all subsidies never exceed kMaxMoney:
// 1 BTR for heights 1..970,000,000, then 0. Both functions are closed form
// (a loop over at most a few dozen halving eras, never over heights).

#include <cstdint>

#include "core/amount.h"

namespace btr::core {

// The subsidy of the block at `height` (0 for a negative height).
Amount block_subsidy(int64_t height);
// Pre-mine plus every subsidy of heights 0..height (0 for a negative height).
Amount total_issued_through(int64_t height);
// Everything that will ever be issued: the limit of total_issued_through.
Amount total_issuance();

}  // namespace btr::core
