#pragma once
// Base58 (Bitcoin's alphabet) and Base58Check (payload + first 4 bytes of
// SHA256d(payload)). Decoding is strict: no whitespace, no characters outside
// the alphabet, and inputs longer than max_len allows are refused before any
// work is done.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace btr::core {

std::string encode_base58(std::span<const uint8_t> data);
// Fails with "base58-bad-char" or "base58-too-long" (decoded size > max_len).
Result<std::vector<uint8_t>> decode_base58(std::string_view text, size_t max_len);

std::string encode_base58check(std::span<const uint8_t> payload);
// Also "base58-bad-checksum" (including inputs shorter than the checksum).
Result<std::vector<uint8_t>> decode_base58check(std::string_view text, size_t max_payload_len);

}  // namespace btr::core
