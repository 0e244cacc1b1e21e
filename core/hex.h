#pragma once
// Hexadecimal text <-> bytes. Decoding is strict: even length, [0-9a-fA-F] only.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace btr::core {

std::string to_hex(std::span<const uint8_t> bytes);
Result<std::vector<uint8_t>> from_hex(std::string_view text);
// Decodes exactly out.size() bytes; fails on any other length.
Status from_hex_into(std::string_view text, std::span<uint8_t> out);
bool is_hex(std::string_view text);

}  // namespace btr::core
