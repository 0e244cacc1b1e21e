#pragma once
// The CUDA scan backend: one GPU, two launch slots (each with its own stream, device result
// buffer, pinned host buffer and completion event) driven by GpuPipelineBackend.
//
// Plain C++: no CUDA type appears here, so code compiled by g++ can open CUDA devices. Only built
// when CMake found nvcc (BTR_HAVE_CUDA); kernels/devices.h is the entry point that works either
// way.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "kernels/scan.h"

namespace btr::kernels::cuda {

struct CudaDevice {
  int index = 0;
  std::string name;
  uint32_t multiprocessors = 0;
  int compute_major = 0;
  int compute_minor = 0;
};

// Every CUDA device; empty when there is no driver or no device (not an error).
std::vector<CudaDevice> enumerate_devices();

struct CudaOptions {
  bool tune = true;  // measure the launch size at open (else a default from the SM count)
};

struct CudaBackendInfo {
  uint32_t chunk = 0;   // nonces per launch
  uint32_t blocks = 0;  // blocks per launch (kThreadsPerBlock threads each)
};

// Opens device `index` and self-checks it on a few nonces against the host arithmetic.
core::Result<std::unique_ptr<ScanBackend>> open_backend(int index, const CudaOptions& options,
                                                        CudaBackendInfo* info = nullptr);

}  // namespace btr::kernels::cuda
