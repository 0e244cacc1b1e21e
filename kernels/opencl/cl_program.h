#pragma once
// Builds an OpenCL program for one device, through a cache of built binaries.
//
// Compiling is slow on some platforms (PoCL runs LLVM at first use), so a successful build's
// binary is stored as <cache_dir>/opencl-<key>.bin, where key is the SHA-256 of the device
// identity (platform, device, driver), the build options and the source. A later build with the
// same key loads the binary instead; a binary the driver refuses is rebuilt from source and
// replaced. The cache directory is chosen by the caller ($XDG_CACHE_HOME/bitsilver, --cache-dir);
// an empty path means no cache. A cache that cannot be written only costs time, never a failure.

#include <filesystem>
#include <string>
#include <string_view>

#include "core/result.h"
#include "kernels/opencl/cl_devices.h"
#include "kernels/opencl/cl_handles.h"

namespace btr::kernels::opencl {

struct BuildRequest {
  const ClDevice* device = nullptr;
  cl_context context = nullptr;
  std::string_view source;
  std::string options;              // e.g. "-cl-std=CL1.2"
  std::filesystem::path cache_dir;  // empty: no binary cache
};

struct BuiltProgram {
  ClProgram program;
  bool from_cache = false;
};

// 64 hex digits naming a (device, options, source) combination.
std::string program_key(const ClDevice& device, std::string_view options, std::string_view source);

// The built program, or the reason (with the build log) it could not be built.
core::Result<BuiltProgram> build_program(const BuildRequest& request);

}  // namespace btr::kernels::opencl
