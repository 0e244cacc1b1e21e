#pragma once
// mining.configure negotiation (BIP310). The answered mask is pool_mask &
// miner_mask; "version-rolling" is answered false when that leaves no bit or
// fewer bits than the miner's min-bit-count. Every other extension is
// answered false (not supported).

#include <cstdint>

#include "stratum/messages.h"

namespace btr::stratum {

// BIP320 general-purpose bits 13..28.
inline constexpr uint32_t kDefaultVersionMask = 0x1fffe000;

ConfigureResult negotiate_configure(const Configure& request, uint32_t pool_mask);

}  // namespace btr::stratum
