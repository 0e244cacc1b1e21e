#pragma once
// Internal to core: the accelerated SHA-256 transforms that exist in this
// build, each defined in its own file compiled with its own flags. The
// portable transform is always available and is not listed here.

#include <span>

#include "core/crypto/sha256.h"

namespace btr::core {

struct Sha256Backend {
  const char* name;
  Sha256TransformFn fn;
  bool (*cpu_supported)();  // run-time cpuid/xgetbv check
};

// Fastest first. Empty when the build has no accelerated file.
std::span<const Sha256Backend> sha256_accelerated_backends();

}  // namespace btr::core
