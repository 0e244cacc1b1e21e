#pragma once
// Hex encodings of the Stratum v1 fields and their byte-order traps
// (mining-interop.md "Byte-order conventions"):
//  - version, nbits, ntime (notify) and ntime, nonce, version bits (submit)
//    are the big-endian hex of the uint32 value ("20000004" = 0x20000004);
//    the header stores them little-endian. That conversion is the job of
//    core::BlockHeader::serialize(); here they are plain uint32 values.
//  - notify prevhash: the header's 32 bytes with the bytes of each 4-byte
//    word reversed (equivalently: the display hex with its eight 8-char
//    groups in reverse order).
//  - extranonce1/extranonce2 and Merkle branches are raw bytes, as given.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"
#include "core/uint256.h"

namespace btr::stratum {

// Always 8 lower-case digits, zero padded ("%08x").
std::string u32_to_hex8(uint32_t value);
// Exactly 8 hex digits (cpuminer's rule, and what every known miner sends).
core::Result<uint32_t> parse_hex8(std::string_view text);
// 1..8 hex digits: public-pool writes version/nbits/ntime without zero
// padding (toString(16)); ESP-Miner reads them with strtoul. Used only for
// those three notify fields on the miner side.
core::Result<uint32_t> parse_hex_u32_lenient(std::string_view text);

// Header-order previous-block hash <-> the notify prevhash field.
std::string prevhash_to_stratum_hex(const core::Hash256& prev_block);
core::Result<core::Hash256> prevhash_from_stratum_hex(std::string_view text);

}  // namespace btr::stratum
