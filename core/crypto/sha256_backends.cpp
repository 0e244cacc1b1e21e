#include "core/crypto/sha256_backends.h"

#include "core/cpu_features.h"

namespace btr::core {

#if defined(BTR_HAVE_SHANI)
void sha256_transform_shani(uint32_t* state, const uint8_t* blocks, size_t nblocks);
#endif

std::span<const Sha256Backend> sha256_accelerated_backends() {
  static const Sha256Backend kBackends[] = {
#if defined(BTR_HAVE_SHANI)
      {"shani", sha256_transform_shani, [] { return cpu_features().sha_ni; }},
#endif
      {"portable", sha256_transform_portable, [] { return true; }},
  };
  // The trailing portable entry keeps the array non-empty; it is not "accelerated".
  return std::span(kBackends, std::size(kBackends) - 1);
}

}  // namespace btr::core
