#pragma once
// What btr-bench can measure: a list of device providers ("cpu" now; "opencl" and "cuda" from
// the GPU backends), each turning a device id and an optional backend name into bench targets.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "kernels/devices.h"
#include "kernels/parallel_scanner.h"

namespace btr::tools::bench {

// One (device, backend) pair and the thread counts to run it with.
struct BenchTarget {
  std::string device;               // "cpu", "opencl:0", "cuda:0"
  std::string backend;              // "avx512", ...
  kernels::BackendFactory factory;  // CPU: one backend per thread of a ParallelScanner
  std::vector<unsigned> thread_counts;
  // GPU: the one opened, self-tested backend, driven by kernels::scan() on one thread (factory
  // is then empty and thread_counts is {1}).
  std::shared_ptr<kernels::ScanBackend> gpu;
};

struct DeviceInfo {
  std::string id;           // what --device accepts
  std::string description;  // one line for --list-devices
};

struct DeviceProvider {
  std::string prefix;  // "cpu", "opencl", "cuda": --device selects by "prefix" or "prefix:N"
  std::function<std::vector<DeviceInfo>()> list;
  // Targets for `device` (an id of this provider). `backend` empty: every usable backend.
  // `threads` 0: the provider's default thread counts.
  std::function<core::Result<std::vector<BenchTarget>>(
      const std::string& device, const std::string& backend, unsigned threads)>
      targets;
  // The backend the provider would pick by itself (dispatch), for the "selected" field.
  std::function<std::string()> selected;
};

// `options` reach the GPU providers (program cache; open_devices to show tuned work sizes).
std::vector<DeviceProvider> device_providers(const kernels::DeviceOptions& options);

}  // namespace btr::tools::bench
