#pragma once
// The text of kernels/opencl/sha256d_scan.cl, embedded at build time (embed_source.cmake writes
// the definition into the build tree), so the .cl file stays the kernel's single source.

#include <string_view>

namespace btr::kernels::opencl {

std::string_view sha256d_scan_source();

}  // namespace btr::kernels::opencl
