#pragma once
// Device enumeration for btr-bench --list-devices / --device and btr-miner: every device a scan
// can run on, named "cpu", "opencl:N" or "cuda:N".
//
// GPU backends exist only when the build found their toolkit (BTR_HAVE_OPENCL, BTR_HAVE_CUDA);
// without them, or without a driver or device at run time, the lists are simply shorter. The
// library never picks a cache directory by itself: callers pass one (default_cache_dir() is the
// conventional default for tools to offer, e.g. behind --cache-dir).

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "kernels/scan.h"

namespace btr::kernels {

struct DeviceInfo {
  std::string id;              // "cpu", "opencl:0", "cuda:0"
  std::string name;            // device or processor name
  uint32_t compute_units = 0;  // CPU threads, OpenCL compute units, CUDA multiprocessors
  uint64_t work_size = 0;      // nonces per batch / launch the backend chose; 0 = not measured
  std::string detail;          // platform, driver, selected CPU backend, or why it is unusable
  bool usable = true;          // false when it failed to open or its self-test
};

struct DeviceOptions {
  std::filesystem::path cache_dir;  // OpenCL binaries and tuning results; empty: none
  // Open every GPU to build its program, run its self-test and measure its work size (slow the
  // first time on PoCL). Without it, work_size is what an earlier run remembered, or 0.
  bool open_devices = false;
};

// "cpu" first (the CPU backend cpu::select_backend picks), then OpenCL devices, then CUDA.
std::vector<DeviceInfo> list_devices(const DeviceOptions& options = {});

// Opens one GPU device ("opencl:N", "cuda:N") as a self-tested ScanBackend. "cpu" is not a
// single backend (it is one per thread): use cpu::select_backend and ParallelScanner.
core::Result<std::unique_ptr<ScanBackend>> open_gpu_device(std::string_view id,
                                                           const DeviceOptions& options = {});

// $XDG_CACHE_HOME/bitsilver, else $HOME/.cache/bitsilver, else empty. For tools' defaults only.
std::filesystem::path default_cache_dir();

}  // namespace btr::kernels
