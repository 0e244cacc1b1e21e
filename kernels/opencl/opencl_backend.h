#pragma once
// The OpenCL scan backend: one device, one context and in-order queue, the sha256d_scan kernel
// (kernels/opencl/sha256d_scan.cl) and two launch slots driven by GpuPipelineBackend.
//
// Work sizes: nonces per launch ("chunk", sized so one launch takes about kTargetLaunchMs) and the
// work-group size are measured at the device's first use and remembered in the cache directory
// next to the program binaries (opencl-tune-<program key>.txt), so later runs start at once.
// Without a cache directory they are measured once per process.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "kernels/gpu_pipeline.h"
#include "kernels/opencl/cl_devices.h"
#include "kernels/opencl/cl_handles.h"

namespace btr::kernels::opencl {

struct OpenClOptions {
  std::filesystem::path cache_dir;  // binaries and tuning results; empty: none
  std::string build_options;        // appended to "-cl-std=CL1.2"
  bool tune = true;                 // measure work sizes when none are remembered
  // Nonces per work-item, 16 or 1 (see sha256d_scan.cl); anything else: 16 on CPU devices, 1 on
  // GPUs and accelerators.
  uint32_t lanes = 0;
  // Work-group size to launch with instead of the tuned one (btr-miner's --work-size); 0: tune.
  // The nonces per launch are still measured for it. Must not exceed the kernel's limit.
  uint32_t work_group_size = 0;
};

// The lane count `options` selects for `device`.
uint32_t lanes_for(const OpenClOptions& options, const ClDevice& device);

struct WorkSize {
  uint32_t chunk = 0;  // nonces per launch
  uint32_t local = 0;  // work-group size; 0 lets the driver choose
};

// The work size an earlier run measured and stored in options.cache_dir for this device, kernel
// source and build options; zero chunk when none is remembered.
WorkSize remembered_work_size(const ClDevice& device, const OpenClOptions& options);

class OpenClBackend final : public GpuPipelineBackend {
 public:
  static constexpr double kTargetLaunchMs = 4.0;
  static constexpr uint32_t kCapacity = 1024;  // candidates per launch slot

  // Opens device `index` of enumerate_devices(): builds (or loads) the program and sizes the work.
  static core::Result<std::unique_ptr<OpenClBackend>> open(unsigned index,
                                                           const OpenClOptions& options);
  ~OpenClBackend() override;

  std::string name() const override { return "opencl:" + std::to_string(index_); }
  const ClDevice& device() const { return device_; }
  WorkSize work_size() const { return work_; }
  uint32_t lanes() const { return lanes_; }
  bool program_from_cache() const { return from_cache_; }

 protected:
  core::Status launch(int slot, const ScanConstants& constants, uint32_t first,
                      uint32_t count) override;
  core::Status collect(int slot, uint32_t& found, const uint32_t*& nonces) override;
  uint32_t capacity() const override { return kCapacity; }

 private:
  struct Slot {
    ClMem job;
    ClMem results;
    ScanConstants job_host{};  // must outlive the asynchronous write
    uint32_t results_host[1 + kCapacity]{};
    ClEvent done;
  };

  OpenClBackend() = default;
  core::Status init(unsigned index, const OpenClOptions& options);
  core::Status apply_work_size(const OpenClOptions& options, const std::string& program_key);
  core::Result<double> time_launch(uint32_t chunk, uint32_t local);
  // Best of the given work-group sizes (the device's usual candidates when empty).
  core::Result<WorkSize> measure_work_size(std::vector<uint32_t> locals = {});

  unsigned index_ = 0;
  ClDevice device_;
  ClContext context_;
  ClQueue queue_;
  ClProgram program_;
  ClKernel kernel_;
  Slot slots_[kSlots];
  WorkSize work_;
  uint32_t lanes_ = 16;
  bool from_cache_ = false;
  const uint32_t zero_ = 0;
};

}  // namespace btr::kernels::opencl
