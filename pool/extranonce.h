#pragma once
// Unique 4-byte extranonce1 per connection: never handed out twice while in
// use, so no two miners ever search the same coinbase.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_set>

namespace btr::pool {

using Extranonce1 = std::array<uint8_t, 4>;

class Extranonce1Allocator {
 public:
  // `start` lets a restarted pool begin elsewhere (e.g. from a random value).
  explicit Extranonce1Allocator(uint32_t start = 0) : next_(start) {}

  // nullopt only when all 2^32 values are in use.
  std::optional<Extranonce1> allocate();
  // Returns a value to the pool; releasing a value not in use is a no-op.
  void release(const Extranonce1& value);
  size_t in_use() const { return in_use_.size(); }

  static uint32_t to_u32(const Extranonce1& value);  // big-endian
  static Extranonce1 from_u32(uint32_t value);

 private:
  uint32_t next_;
  std::unordered_set<uint32_t> in_use_;
};

}  // namespace btr::pool
