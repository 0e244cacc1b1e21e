#include "stratum/hex_fields.h"

#include <array>

#include "core/hex.h"

namespace btr::stratum {
namespace {

int nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

core::Result<uint32_t> parse_digits(std::string_view text) {
  uint32_t value = 0;
  for (char c : text) {
    const int n = nibble(c);
    if (n < 0) return core::fail("non-hex character");
    value = value << 4 | static_cast<uint32_t>(n);
  }
  return value;
}

// Reverses the bytes inside each 4-byte word; its own inverse.
std::array<uint8_t, 32> swap_words(const std::array<uint8_t, 32>& in) {
  std::array<uint8_t, 32> out{};
  for (size_t w = 0; w < 8; ++w)
    for (size_t b = 0; b < 4; ++b) out[4 * w + b] = in[4 * w + 3 - b];
  return out;
}

}  // namespace

std::string u32_to_hex8(uint32_t value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(8, '0');
  for (int i = 7; i >= 0; --i) {
    out[static_cast<size_t>(i)] = kDigits[value & 0xf];
    value >>= 4;
  }
  return out;
}

core::Result<uint32_t> parse_hex8(std::string_view text) {
  if (text.size() != 8) return core::fail("expected 8 hex digits");
  return parse_digits(text);
}

core::Result<uint32_t> parse_hex_u32_lenient(std::string_view text) {
  if (text.empty() || text.size() > 8) return core::fail("expected 1..8 hex digits");
  return parse_digits(text);
}

std::string prevhash_to_stratum_hex(const core::Hash256& prev_block) {
  const auto swapped = swap_words(prev_block.bytes);
  return core::to_hex(swapped);
}

core::Result<core::Hash256> prevhash_from_stratum_hex(std::string_view text) {
  if (text.size() != 64) return core::fail("prevhash must be 64 hex digits");
  std::array<uint8_t, 32> wire{};
  if (auto st = core::from_hex_into(text, wire); !st) return core::fail("prevhash: " + st.error());
  core::Hash256 h;
  h.bytes = swap_words(wire);
  return h;
}

}  // namespace btr::stratum
