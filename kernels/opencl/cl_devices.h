#pragma once
// OpenCL platform and device enumeration. Devices are numbered across all platforms in the ICD
// loader's order: "opencl:N" in btr-bench and btr-miner is the N-th entry of this list.

#include <cstdint>
#include <string>
#include <vector>

#include "kernels/opencl/cl_handles.h"

namespace btr::kernels::opencl {

struct ClDevice {
  cl_platform_id platform = nullptr;
  cl_device_id device = nullptr;
  std::string platform_name;
  std::string device_name;
  std::string driver_version;
  std::string device_version;  // "OpenCL 3.0 PoCL ..."
  uint32_t compute_units = 0;
  bool is_cpu = false;
  bool available = false;  // available and with a compiler (we build from source)
};

// Every device of every platform; empty when there is no ICD or no platform (not an error: the
// machine simply has no OpenCL).
std::vector<ClDevice> enumerate_devices();

// The identity a built binary and a tuning result belong to: platform, device, driver.
std::string device_identity(const ClDevice& device);

}  // namespace btr::kernels::opencl
