#include "stratum/version_rolling.h"

#include <bit>

namespace btr::stratum {

ConfigureResult negotiate_configure(const Configure& request, uint32_t pool_mask) {
  ConfigureResult out;
  for (const auto& name : request.extensions) {
    if (name != "version-rolling") {
      out.unsupported.push_back(name);
      continue;
    }
    // BIP310: a miner that sends no mask accepts any bit.
    const uint32_t mask = pool_mask & request.version_rolling_mask.value_or(0xffffffffu);
    const uint32_t needed = request.version_rolling_min_bit_count.value_or(1);
    const bool granted = mask != 0 && static_cast<uint32_t>(std::popcount(mask)) >= needed;
    out.version_rolling = granted;
    out.version_rolling_mask = granted ? mask : 0;
  }
  return out;
}

}  // namespace btr::stratum
