#pragma once
// One transaction in the memory pool with what policy and block assembly
// need without recomputing: its fee, size, sigops, entry time, the lock
// points its BIP68 check used, its in-pool parents and children, and the
// cached sums over its in-pool ancestors and descendants (each including
// itself), kept current by the pool on every add and remove.

#include <compare>
#include <cstdint>
#include <memory>
#include <set>

#include "core/amount.h"
#include "core/transaction.h"
#include "core/uint256.h"

namespace btr::node {

__extension__ typedef __int128 FeeProduct;  // fee (< 2^57) times size (< 2^32)

// A fee rate as a fraction fee/size, ordered exactly (cross-multiplied in
// 128 bits, no rounding), so equal rates compare equal.
struct FeeRateKey {
  core::Amount fee = 0;
  uint64_t size = 1;

  // Units per 1000 bytes, rounded down (Core's CFeeRate).
  core::Amount per_kb() const { return fee * 1000 / static_cast<core::Amount>(size); }
  std::strong_ordering operator<=>(const FeeRateKey& o) const {
    const FeeProduct l = static_cast<FeeProduct>(fee) * o.size;
    const FeeProduct r = static_cast<FeeProduct>(o.fee) * size;
    return l <=> r;
  }
  bool operator==(const FeeRateKey& o) const { return (*this <=> o) == 0; }
};

// Totals over a set of pool transactions (an entry and its ancestors, or an
// entry and its descendants).
struct PackageStats {
  uint64_t count = 0;
  uint64_t size = 0;
  core::Amount fees = 0;
  uint64_t sigops = 0;
};

struct MempoolEntry {
  std::shared_ptr<const core::Transaction> tx;
  core::Hash256 txid;
  core::Amount fee = 0;
  uint64_t size = 0;    // serialized bytes
  uint64_t usage = 0;   // estimated heap bytes
  unsigned sigops = 0;  // legacy count, as the block limit counts
  int64_t time = 0;     // when it entered (seconds)
  int32_t entry_height = 0;
  uint64_t order = 0;  // entry sequence: parents always have a lower one
  bool spends_coinbase = false;
  // BIP68 lock points: the highest height and median time the sequence
  // locks require (the block must be above both).
  int32_t lock_height = 0;
  int64_t lock_time = 0;
  std::set<core::Hash256> parents;   // in-pool transactions it spends
  std::set<core::Hash256> children;  // in-pool transactions spending it
  PackageStats ancestors;            // including itself
  PackageStats descendants;          // including itself

  FeeRateKey fee_rate() const { return {fee, size}; }
  FeeRateKey ancestor_rate() const { return {ancestors.fees, ancestors.size}; }
  FeeRateKey descendant_rate() const { return {descendants.fees, descendants.size}; }
  // Core's eviction score: the better of its own and its package's rate, so
  // a high-fee child keeps a low-fee parent, and a low-fee child doesn't
  // drag down a high-fee parent.
  FeeRateKey descendant_score() const { return std::max(fee_rate(), descendant_rate()); }
};

}  // namespace btr::node
