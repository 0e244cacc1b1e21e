#include "tools/bench/bench_devices.h"

#include <algorithm>
#include <optional>
#include <thread>
#include <utility>

#include "core/cpu_features.h"
#include "kernels/cpu/cpu_dispatch.h"

namespace btr::tools::bench {
namespace {

unsigned cpu_count() {
  return std::max(1u, std::thread::hardware_concurrency());
}

DeviceProvider cpu_provider() {
  DeviceProvider p;
  p.prefix = "cpu";
  p.list = [] {
    std::string backends;
    for (const auto& b : kernels::cpu::compiled_backends()) {
      if (!b.cpu_supported()) continue;
      backends += backends.empty() ? b.name : std::string(", ") + b.name;
    }
    return std::vector<DeviceInfo>{{"cpu", core::cpu_features().brand + ", " +
                                               std::to_string(cpu_count()) +
                                               " threads; backends: " + backends}};
  };
  p.targets = [](const std::string& device, const std::string& backend,
                 unsigned threads) -> core::Result<std::vector<BenchTarget>> {
    if (device != "cpu") return core::Error{"unknown CPU device '" + device + "'"};
    // Self-test every backend; a failing one is reported and never measured.
    auto sel = kernels::cpu::select_backend({backend, 0});
    if (!sel) return core::Error{sel.error()};
    std::vector<unsigned> counts;
    if (threads != 0) {
      counts = {threads};
    } else {
      for (unsigned t = 1; t <= cpu_count(); t *= 2) counts.push_back(t);
      if (counts.back() != cpu_count()) counts.push_back(cpu_count());
    }
    std::vector<BenchTarget> out;
    for (const auto& report : sel->reports) {
      if (!report.self_test_passed || (!backend.empty() && report.name != backend)) continue;
      const kernels::cpu::CpuBackendInfo* info = kernels::cpu::find_backend(report.name);
      out.push_back({"cpu", report.name, [info] { return kernels::cpu::make_backend(*info); },
                     counts, nullptr});
    }
    return out;
  };
  p.selected = [] {
    auto sel = kernels::cpu::select_backend({"", 0.05});
    return sel ? std::string(sel->selected->name) : std::string("none");
  };
  return p;
}

// kernels::list_devices() enumerates (and with open_devices, opens) every GPU at once; the
// OpenCL and CUDA providers share one lazily made list so that happens once per process.
class GpuList {
 public:
  explicit GpuList(kernels::DeviceOptions options) : options_(std::move(options)) {}
  const std::vector<kernels::DeviceInfo>& get() {
    if (!devices_) devices_ = kernels::list_devices(options_);
    return *devices_;
  }

 private:
  kernels::DeviceOptions options_;
  std::optional<std::vector<kernels::DeviceInfo>> devices_;
};

bool has_prefix(const std::string& id, const std::string& prefix) {
  return id.size() > prefix.size() && id.compare(0, prefix.size(), prefix) == 0 &&
         id[prefix.size()] == ':';
}

std::string describe_gpu(const kernels::DeviceInfo& d) {
  std::string s = d.name + ", " + std::to_string(d.compute_units) + " compute units, work size ";
  s += d.work_size == 0 ? std::string("not measured") : std::to_string(d.work_size);
  if (!d.detail.empty()) s += "; " + d.detail;
  if (!d.usable) s += " [unusable]";
  return s;
}

core::Result<std::vector<BenchTarget>> gpu_targets(const std::string& device,
                                                   const std::string& backend,
                                                   const kernels::DeviceOptions& options) {
  auto opened = kernels::open_gpu_device(device, options);  // builds and self-tests
  if (!opened) return core::Error{opened.error()};
  std::shared_ptr<kernels::ScanBackend> gpu = std::move(*opened);
  const std::string name = gpu->name();
  if (!backend.empty() && backend != name) return std::vector<BenchTarget>{};
  return std::vector<BenchTarget>{{device, name, {}, {1}, std::move(gpu)}};
}

DeviceProvider gpu_provider(const std::string& prefix, const kernels::DeviceOptions& options,
                            const std::shared_ptr<GpuList>& gpus) {
  DeviceProvider p;
  p.prefix = prefix;
  p.list = [prefix, gpus] {
    std::vector<DeviceInfo> out;
    for (const auto& d : gpus->get()) {
      if (has_prefix(d.id, prefix)) out.push_back({d.id, describe_gpu(d)});
    }
    return out;
  };
  p.targets = [prefix, options](const std::string& device, const std::string& backend,
                                unsigned /*threads: a GPU backend runs on one host thread*/)
      -> core::Result<std::vector<BenchTarget>> {
    if (!has_prefix(device, prefix)) return core::Error{"unknown device '" + device + "'"};
    return gpu_targets(device, backend, options);
  };
  p.selected = [] { return std::string(); };
  return p;
}

}  // namespace

std::vector<DeviceProvider> device_providers(const kernels::DeviceOptions& options) {
  std::vector<DeviceProvider> providers;
  providers.push_back(cpu_provider());
  // ---- GPU providers (OpenCL / CUDA issue): push_back(opencl_provider()) etc. here ----
  auto gpus = std::make_shared<GpuList>(options);
  providers.push_back(gpu_provider("opencl", options, gpus));
  providers.push_back(gpu_provider("cuda", options, gpus));
  // ---- end of GPU providers ----
  return providers;
}

}  // namespace btr::tools::bench
