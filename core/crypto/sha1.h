#pragma once
// SHA-1 (FIPS 180-4). Used only by the script opcode OP_SHA1, which Bitcoin's
// legacy script language keeps; nothing in BitSilver relies on it for
// security.

#include <array>
#include <cstdint>
#include <span>

namespace btr::core {

std::array<uint8_t, 20> sha1(std::span<const uint8_t> data);

}  // namespace btr::core
