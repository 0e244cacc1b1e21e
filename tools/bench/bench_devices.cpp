#include "tools/bench/bench_devices.h"

#include <thread>

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
      out.push_back(
          {"cpu", report.name, [info] { return kernels::cpu::make_backend(*info); }, counts});
    }
    return out;
  };
  p.selected = [] {
    auto sel = kernels::cpu::select_backend({"", 0.05});
    return sel ? std::string(sel->selected->name) : std::string("none");
  };
  return p;
}

}  // namespace

std::vector<DeviceProvider> device_providers() {
  std::vector<DeviceProvider> providers;
  providers.push_back(cpu_provider());
  // ---- GPU providers (OpenCL / CUDA issue): push_back(opencl_provider()) etc. here ----
  // ---- end of GPU providers ----
  return providers;
}

}  // namespace btr::tools::bench
