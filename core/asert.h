#pragma once
// ASERT difficulty adjustment (aserti3-2d): the target grows or shrinks by a
// factor of two for every half-life the chain is behind or ahead of its
// absolute schedule, counted from an anchor block. Integer only: a 16.16
// fixed-point exponent, the specification's cubic approximation of 2^x on
// [0, 1), shifts, and a clamp to [1, pow_limit]. Every parameter is an
// argument so that the published aserti3-2d vectors (BCH's parameters) can
// check the same code that BitSilver runs with its own.

#include <cstdint>

#include "core/uint256.h"

namespace btr::core {

struct AsertParams {
  int64_t spacing;    // T: target seconds between blocks
  int64_t half_life;  // H: seconds ahead of schedule that double the target
  Uint256 pow_limit;  // easiest target allowed; below 2^239 (asserted)
};

// Target * 2^(exponent / 65536) per the specification, clamped to
// [1, pow_limit]. `exponent` is the 16.16 fixed-point exponent.
Uint256 asert_scale_target(const Uint256& ref_target, int64_t exponent, const Uint256& pow_limit);

// Bitcoin Cash Node's CalculateASERT: `time_diff` is the evaluated block's time
// minus the anchor's parent's time and `height_diff` (>= 0) its height minus
// the anchor's height; exponent = (time_diff - spacing * (height_diff + 1))
// * 65536 / half_life, with C++'s division (truncated toward zero).
Uint256 calculate_asert(const Uint256& ref_target, int64_t spacing, int64_t time_diff,
                        int64_t height_diff, const Uint256& pow_limit, int64_t half_life);

struct AsertAnchor {
  int64_t height;
  int64_t time;   // the anchor block's own timestamp (chain.md), not its parent's
  uint32_t bits;  // valid compact target not above the pow limit (asserted)
};

struct AsertParent {
  int64_t height;  // >= anchor height (asserted)
  int64_t time;
};

// BitSilver's rule (chain.md): the bits of the block whose parent is P,
// exponent = (P.time - anchor.time - T * (P.height - anchor.height)) / H.
// With P == anchor the exponent is 0, so block anchor+1 repeats anchor bits.
uint32_t next_bits_asert(const AsertAnchor& anchor, const AsertParent& parent,
                         const AsertParams& params);

}  // namespace btr::core
