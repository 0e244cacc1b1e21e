#pragma once
// A bounded set of signatures already found valid, so that a transaction
// verified when it entered the mempool costs no ECDSA work again when its
// block connects. Keys are salted hashes of (sighash, pubkey, signature):
// the salt (caller-supplied entropy; core has no randomness) keeps an
// attacker from predicting collisions in the table. When full, the oldest
// entry goes first. Thread-safe.

#include <array>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <span>
#include <unordered_set>
#include <vector>

#include "core/uint256.h"

namespace btr::core::script {

class SignatureCache {
 public:
  // About 100 bytes per entry in total with the table overhead.
  static constexpr size_t kDefaultCapacity = 200'000;

  explicit SignatureCache(size_t capacity = kDefaultCapacity, std::span<const uint8_t> salt = {});

  bool contains(const core::Hash256& sighash, std::span<const uint8_t> pubkey,
                std::span<const uint8_t> sig) const;
  void insert(const core::Hash256& sighash, std::span<const uint8_t> pubkey,
              std::span<const uint8_t> sig);

  size_t size() const;
  size_t capacity() const { return capacity_; }
  uint64_t hits() const;
  uint64_t misses() const;

 private:
  using Key = core::Hash256;
  struct KeyHash {
    size_t operator()(const Key& k) const;
  };
  Key make_key(const core::Hash256& sighash, std::span<const uint8_t> pubkey,
               std::span<const uint8_t> sig) const;

  const size_t capacity_;
  std::vector<uint8_t> salt_;
  mutable std::mutex mu_;
  std::unordered_set<Key, KeyHash> set_;
  std::vector<Key> ring_;  // insertion order, for oldest-first eviction
  size_t ring_next_ = 0;
  mutable uint64_t hits_ = 0;
  mutable uint64_t misses_ = 0;
};

}  // namespace btr::core::script
