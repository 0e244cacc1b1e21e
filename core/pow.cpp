#include "core/pow.h"

#include <cmath>
#include <limits>

namespace btr::core {
namespace {

// Difficulty 1 as a double: 0xffff * 2^208.
double diff1_as_double() {
  return std::ldexp(65535.0, 208);
}

}  // namespace

// Bitcoin's arith_uint256::SetCompact, including its quirks: for sizes <= 3
// the sign test uses the mantissa after it was shifted down, and shifts of
// 256 bits or more yield zero (flagged as overflow when the mantissa is set).
CompactTarget decode_compact(uint32_t bits) {
  CompactTarget out;
  const unsigned size = bits >> 24;
  uint32_t word = bits & 0x007fffff;
  if (size <= 3) {
    word >>= 8 * (3 - size);
    out.target = Uint256(word);
  } else {
    out.target = Uint256(word) << (8 * (size - 3));
  }
  out.negative = word != 0 && (bits & 0x00800000) != 0;
  out.overflow =
      word != 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32));
  return out;
}

// Bitcoin's arith_uint256::GetCompact (never negative here).
uint32_t encode_compact(const Uint256& target) {
  unsigned size = (target.bits() + 7) / 8;
  uint32_t compact = 0;
  if (size <= 3) {
    compact = static_cast<uint32_t>(target.low64() << (8 * (3 - size)));
  } else {
    compact = static_cast<uint32_t>((target >> (8 * (size - 3))).low64());
  }
  // A set 0x00800000 bit would read back as a sign: move one byte up.
  if ((compact & 0x00800000) != 0) {
    compact >>= 8;
    ++size;
  }
  return compact | size << 24;
}

Result<Uint256> target_from_bits(uint32_t bits, const Uint256& pow_limit) {
  const CompactTarget c = decode_compact(bits);
  if (c.negative || c.overflow || c.target.is_zero() || c.target > pow_limit) {
    return fail("bad-diffbits");
  }
  return c.target;
}

bool hash_meets_target(const Hash256& hash, const Uint256& target) {
  return Uint256::from_hash(hash) <= target;
}

bool check_proof_of_work(const Hash256& hash, uint32_t bits, const Uint256& pow_limit) {
  const Result<Uint256> target = target_from_bits(bits, pow_limit);
  return target.ok() && hash_meets_target(hash, *target);
}

Uint256 diff1_target() {
  return Uint256(0xffff) << 208;
}

double difficulty_from_target(const Uint256& target) {
  if (target.is_zero()) return std::numeric_limits<double>::infinity();
  return diff1_as_double() / target.to_double();
}

double difficulty_from_bits(uint32_t bits) {
  return difficulty_from_target(decode_compact(bits).target);
}

double share_difficulty(const Hash256& hash) {
  return difficulty_from_target(Uint256::from_hash(hash));
}

Uint256 target_from_difficulty(double difficulty) {
  if (!(difficulty > 0)) return Uint256::max();  // zero, negative or NaN: anything goes
  if (std::isinf(difficulty)) return Uint256();
  // difficulty = m * 2^e with m in [0.5, 1); as an integer M = m * 2^53,
  // target = diff1 / difficulty = 0xffff * 2^(208 + 53 - e) / M. Divide with
  // the numerator as wide as 256 bits allows, then shift the rest.
  int e = 0;
  const double m = std::frexp(difficulty, &e);
  const uint64_t mantissa = static_cast<uint64_t>(std::ldexp(m, 53));
  Uint256 q = (Uint256(0xffff) << 240) / Uint256(mantissa);
  const int shift = 208 + 53 - e - 240;
  if (shift <= 0) return q >> static_cast<unsigned>(-shift);
  if (q.bits() + static_cast<unsigned>(shift) > 256) return Uint256::max();
  return q << static_cast<unsigned>(shift);
}

Uint256 block_work(const Uint256& target) {
  // 2^256 / (target + 1) without a 257-bit numerator: 2^256 - (t + 1) is ~t,
  // and (2^256 - (t+1)) / (t+1) + 1 equals 2^256 / (t+1).
  if (target.is_zero()) return Uint256();  // no valid block has this target
  if (target == Uint256::max()) return Uint256(1);
  return ~target / (target + Uint256(1)) + Uint256(1);
}

}  // namespace btr::core
