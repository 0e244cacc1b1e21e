#include "core/asert.h"

#include <cassert>
#include <cstdlib>

#include "core/pow.h"

namespace btr::core {
namespace {

// Keeps the exponent's 16.16 product inside int64 (as the specification asserts).
constexpr int64_t kMaxExponentNumerator = int64_t{1} << (63 - 16);

// 65536 * 2^(frac / 65536) for frac in [0, 65536), with the specification's
// cubic 2^x ~= 1 + 0.695502049x + 0.2262698x^2 + 0.0782318x^3 in 2^-48 units,
// rounded to nearest. The cube stays below 2^48 * 5127 < 2^64.
uint32_t fractional_factor(uint64_t frac) {
  const uint64_t poly = 195766423245049ull * frac + 971821376ull * frac * frac +
                        5127ull * frac * frac * frac + (1ull << 47);
  return static_cast<uint32_t>(65536 + (poly >> 48));
}

int64_t fixed_point_exponent(int64_t seconds_off_schedule, int64_t half_life) {
  assert(half_life > 0);
  assert(std::llabs(seconds_off_schedule) < kMaxExponentNumerator);
  return seconds_off_schedule * 65536 / half_life;  // truncates toward zero, as BCHN
}

}  // namespace

Uint256 asert_scale_target(const Uint256& ref_target, int64_t exponent, const Uint256& pow_limit) {
  assert(!ref_target.is_zero() && ref_target <= pow_limit);
  // ref_target * factor (< 2^17) must fit in 256 bits.
  assert(pow_limit.bits() <= 239);
  // Arithmetic shift: floor division, so the fraction is always in [0, 1).
  static_assert((int64_t{-1} >> 1) == int64_t{-1});
  int64_t shifts = exponent >> 16;
  const uint64_t frac = static_cast<uint64_t>(exponent) & 0xffff;
  Uint256 next = ref_target * uint64_t{fractional_factor(frac)};
  shifts -= 16;  // the factor carried 2^16
  if (shifts <= 0) {
    next = -shifts >= 256 ? Uint256() : next >> static_cast<unsigned>(-shifts);
  } else if (shifts >= 256 ||
             (next << static_cast<unsigned>(shifts)) >> static_cast<unsigned>(shifts) != next) {
    next = pow_limit;  // high bits would be lost: far above the limit anyway
  } else {
    next <<= static_cast<unsigned>(shifts);
  }
  if (next.is_zero()) return Uint256(1);
  if (next > pow_limit) return pow_limit;
  return next;
}

Uint256 calculate_asert(const Uint256& ref_target, int64_t spacing, int64_t time_diff,
                        int64_t height_diff, const Uint256& pow_limit, int64_t half_life) {
  assert(height_diff >= 0);
  const int64_t off_schedule = time_diff - spacing * (height_diff + 1);
  return asert_scale_target(ref_target, fixed_point_exponent(off_schedule, half_life), pow_limit);
}

uint32_t next_bits_asert(const AsertAnchor& anchor, const AsertParent& parent,
                         const AsertParams& params) {
  assert(parent.height >= anchor.height);
  const Result<Uint256> anchor_target = target_from_bits(anchor.bits, params.pow_limit);
  assert(anchor_target.ok());
  const int64_t off_schedule =
      parent.time - anchor.time - params.spacing * (parent.height - anchor.height);
  const int64_t exponent = fixed_point_exponent(off_schedule, params.half_life);
  return encode_compact(asert_scale_target(*anchor_target, exponent, params.pow_limit));
}

}  // namespace btr::core
