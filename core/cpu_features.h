#pragma once
// What the running CPU can execute, read once with cpuid and xgetbv (the OS
// must have enabled the register state, not only the CPU support it).

#include <string>

namespace btr::core {

struct CpuFeatures {
  bool sse41 = false;
  bool avx = false;
  bool avx2 = false;
  bool avx512f = false;
  bool avx512vl = false;
  bool sha_ni = false;
  std::string brand;  // processor brand string, trimmed
};

// Detected on first call; constant afterwards.
const CpuFeatures& cpu_features();

}  // namespace btr::core
