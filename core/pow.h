#pragma once
// Proof of work: compact "bits" <-> 256-bit targets with Bitcoin's sign and
// overflow semantics, the proof check, difficulty relative to difficulty 1
// (target 0x00000000ffff0000...), and the work a block represents.

#include <cstdint>

#include "core/result.h"
#include "core/uint256.h"

namespace btr::core {

struct CompactTarget {
  Uint256 target;
  bool negative = false;  // sign bit set with a non-zero mantissa
  bool overflow = false;  // value does not fit in 256 bits
};

CompactTarget decode_compact(uint32_t bits);
uint32_t encode_compact(const Uint256& target);

// The target a header's bits stand for, refused when negative, zero,
// overflowing or easier than pow_limit ("bad-diffbits").
Result<Uint256> target_from_bits(uint32_t bits, const Uint256& pow_limit);
// hash (as little-endian integer) <= target of bits, and bits valid.
bool check_proof_of_work(const Hash256& hash, uint32_t bits, const Uint256& pow_limit);
bool hash_meets_target(const Hash256& hash, const Uint256& target);

Uint256 diff1_target();
double difficulty_from_target(const Uint256& target);  // diff1 / target
double difficulty_from_bits(uint32_t bits);
// Share difficulty of a hash: diff1 / H (as miners and pools compute it).
double share_difficulty(const Hash256& hash);
// Target for a (possibly fractional) difficulty: diff1 / d, clamped to 2^256-1.
Uint256 target_from_difficulty(double difficulty);
// Expected hashes for a block at this target: 2^256 / (target + 1).
Uint256 block_work(const Uint256& target);

}  // namespace btr::core
