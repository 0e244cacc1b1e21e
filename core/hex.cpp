#include "core/hex.h"

namespace btr::core {
namespace {

constexpr char kDigits[] = "0123456789abcdef";

int nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string to_hex(std::span<const uint8_t> bytes) {
  std::string out(bytes.size() * 2, '0');
  for (size_t i = 0; i < bytes.size(); ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 0x0f];
  }
  return out;
}

bool is_hex(std::string_view text) {
  if (text.size() % 2 != 0) return false;
  for (char c : text)
    if (nibble(c) < 0) return false;
  return true;
}

Status from_hex_into(std::string_view text, std::span<uint8_t> out) {
  if (text.size() != out.size() * 2) return fail("hex-length");
  for (size_t i = 0; i < out.size(); ++i) {
    const int hi = nibble(text[2 * i]);
    const int lo = nibble(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return fail("hex-digit");
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return {};
}

Result<std::vector<uint8_t>> from_hex(std::string_view text) {
  if (text.size() % 2 != 0) return fail("hex-length");
  std::vector<uint8_t> out(text.size() / 2);
  if (Status s = from_hex_into(text, out); !s) return fail(s.error());
  return out;
}

}  // namespace btr::core
