#include "kernels/devices.h"

#include <cstdlib>
#include <thread>

#include "core/cpu_features.h"
#include "kernels/cpu/cpu_dispatch.h"
#if defined(BTR_HAVE_OPENCL)
#include "kernels/opencl/opencl_backend.h"
#endif
#if defined(BTR_HAVE_CUDA)
#include "kernels/cuda/cuda_backend.h"
#endif

namespace btr::kernels {
namespace {

// "opencl:3" -> 3 when `id` starts with `prefix` and the rest is a small decimal number.
bool parse_index(std::string_view id, std::string_view prefix, unsigned& index) {
  if (id.substr(0, prefix.size()) != prefix || id.size() == prefix.size() ||
      id.size() > prefix.size() + 4) {
    return false;
  }
  index = 0;
  for (const char ch : id.substr(prefix.size())) {
    if (ch < '0' || ch > '9') return false;
    index = index * 10 + static_cast<unsigned>(ch - '0');
  }
  return true;
}

DeviceInfo cpu_device() {
  DeviceInfo d;
  d.id = "cpu";
  d.name = core::cpu_features().brand;
  d.compute_units = std::thread::hardware_concurrency();
  // The same choice btr-bench and btr-miner make: the fastest backend that passes its self-test.
  auto selection = cpu::select_backend();
  if (selection && selection->selected != nullptr) {
    d.work_size = selection->selected->batch_size;
    d.detail = std::string("backend ") + selection->selected->name;
  } else {
    d.usable = false;
    d.detail = selection ? "no usable CPU backend" : selection.error();
  }
  return d;
}

#if defined(BTR_HAVE_OPENCL)
opencl::OpenClOptions opencl_options(const DeviceOptions& options) {
  opencl::OpenClOptions o;
  o.cache_dir = options.cache_dir;
  return o;
}

void add_opencl_devices(const DeviceOptions& options, std::vector<DeviceInfo>& out) {
  const auto devices = opencl::enumerate_devices();
  for (unsigned i = 0; i < devices.size(); ++i) {
    const opencl::ClDevice& cl = devices[i];
    DeviceInfo d;
    d.id = "opencl:" + std::to_string(i);
    d.name = cl.device_name;
    d.compute_units = cl.compute_units;
    d.detail = cl.platform_name + ", " + cl.device_version;
    d.usable = cl.available;
    if (d.usable && options.open_devices) {
      auto backend = opencl::OpenClBackend::open(i, opencl_options(options));
      if (backend) {
        d.work_size = (*backend)->work_size().chunk;
      } else {
        d.usable = false;
        d.detail += "; " + backend.error();
      }
    } else {
      d.work_size = opencl::remembered_work_size(cl, opencl_options(options)).chunk;
    }
    out.push_back(std::move(d));
  }
}
#endif

#if defined(BTR_HAVE_CUDA)
void add_cuda_devices(const DeviceOptions& options, std::vector<DeviceInfo>& out) {
  for (const cuda::CudaDevice& gpu : cuda::enumerate_devices()) {
    DeviceInfo d;
    d.id = "cuda:" + std::to_string(gpu.index);
    d.name = gpu.name;
    d.compute_units = gpu.multiprocessors;
    d.detail = "compute capability " + std::to_string(gpu.compute_major) + "." +
               std::to_string(gpu.compute_minor);
    if (options.open_devices) {
      cuda::CudaBackendInfo info;
      auto backend = cuda::open_backend(gpu.index, {}, &info);
      if (backend) {
        d.work_size = info.chunk;
      } else {
        d.usable = false;
        d.detail += "; " + backend.error();
      }
    }
    out.push_back(std::move(d));
  }
}
#endif

}  // namespace

std::vector<DeviceInfo> list_devices(const DeviceOptions& options) {
  std::vector<DeviceInfo> out;
  out.push_back(cpu_device());
#if defined(BTR_HAVE_OPENCL)
  add_opencl_devices(options, out);
#endif
#if defined(BTR_HAVE_CUDA)
  add_cuda_devices(options, out);
#endif
  (void)options;
  return out;
}

core::Result<std::unique_ptr<ScanBackend>> open_gpu_device(std::string_view id,
                                                           const DeviceOptions& options) {
  unsigned index = 0;
  if (parse_index(id, "opencl:", index)) {
#if defined(BTR_HAVE_OPENCL)
    auto backend = opencl::OpenClBackend::open(index, opencl_options(options));
    if (!backend) return core::fail(backend.error());
    return std::unique_ptr<ScanBackend>(std::move(*backend));
#else
    return core::fail(std::string(id) + ": this build has no OpenCL support");
#endif
  }
  if (parse_index(id, "cuda:", index)) {
#if defined(BTR_HAVE_CUDA)
    return cuda::open_backend(static_cast<int>(index), {});
#else
    return core::fail(std::string(id) + ": this build has no CUDA support");
#endif
  }
  (void)options;
  return core::fail("unknown device '" + std::string(id) + "' (expected opencl:N or cuda:N)");
}

std::filesystem::path default_cache_dir() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && *xdg == '/') {
    return std::filesystem::path(xdg) / "bitsilver";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home == '/') {
    return std::filesystem::path(home) / ".cache" / "bitsilver";
  }
  return {};
}

}  // namespace btr::kernels
