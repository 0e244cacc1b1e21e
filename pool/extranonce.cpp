#include "pool/extranonce.h"

namespace btr::pool {

std::optional<Extranonce1> Extranonce1Allocator::allocate() {
  if (in_use_.size() > 0xffffffffull - 1) return std::nullopt;
  // At most in_use()+1 probes; in practice the next value is free.
  while (true) {
    const uint32_t candidate = next_++;
    if (in_use_.insert(candidate).second) return from_u32(candidate);
  }
}

void Extranonce1Allocator::release(const Extranonce1& value) {
  in_use_.erase(to_u32(value));
}

uint32_t Extranonce1Allocator::to_u32(const Extranonce1& value) {
  return uint32_t{value[0]} << 24 | uint32_t{value[1]} << 16 | uint32_t{value[2]} << 8 | value[3];
}

Extranonce1 Extranonce1Allocator::from_u32(uint32_t value) {
  return {static_cast<uint8_t>(value >> 24), static_cast<uint8_t>(value >> 16),
          static_cast<uint8_t>(value >> 8), static_cast<uint8_t>(value)};
}

}  // namespace btr::pool
