#include "tools/miner/mining_device.h"

#include <algorithm>
#include <cmath>
#include <set>

#include "kernels/cpu/cpu_dispatch.h"
#ifdef BTR_HAVE_OPENCL
#include "kernels/opencl/opencl_backend.h"
#endif
#ifdef BTR_HAVE_CUDA
#include "kernels/cuda/cuda_backend.h"
#endif

namespace btr::tools::miner {
namespace {

// About `seconds` of work at `hashes_per_s`, within [2^16, 2^32].
uint64_t nonces_for_seconds(double hashes_per_s, double seconds) {
  const double n = std::clamp(hashes_per_s * seconds, 65536.0, 4294967296.0);
  return static_cast<uint64_t>(n);
}

}  // namespace

BackendDevice::BackendDevice(std::string name, std::unique_ptr<kernels::ScanBackend> backend,
                             uint64_t unit_nonces)
    : name_(std::move(name)), backend_(std::move(backend)), unit_nonces_(unit_nonces) {}

uint64_t BackendDevice::scan(const kernels::ScanJob& job, const kernels::ScanOptions& options) {
  return kernels::scan(*backend_, job, options).hashes;
}

CpuDevice::CpuDevice(std::string backend_name, const kernels::BackendFactory& factory,
                     unsigned threads, double mhs_per_thread)
    : backend_(std::move(backend_name)),
      threads_(threads),
      scanner_(factory, threads),
      unit_nonces_(nonces_for_seconds(mhs_per_thread * 1e6 * scanner_.threads(), 1.0)) {
  threads_ = scanner_.threads();
}

uint64_t CpuDevice::scan(const kernels::ScanJob& job, const kernels::ScanOptions& options) {
  scanner_.submit(job, options);
  // The scanner has its own cancel counter: a job published between our
  // next_unit() and submit() is caught here, later ones through cancel().
  if (options.cancel.cancelled()) scanner_.cancel();
  (void)scanner_.wait();
  // Count from the scanner's running total: cancelled slices still did work.
  const uint64_t total = scanner_.total_hashes();
  const uint64_t done = total - counted_hashes_;
  counted_hashes_ = total;
  return done;
}

// Cross-checks a GPU backend against the portable CPU kernel on a fixed header
// at an easy target: both must report exactly the same hits.
core::Status gpu_self_test(kernels::ScanBackend& backend) {
  const kernels::cpu::CpuBackendInfo* portable = kernels::cpu::find_backend("portable");
  if (portable == nullptr) return core::fail("no portable CPU kernel to compare with");
  kernels::ScanJob job;
  for (size_t i = 0; i < job.header.size(); ++i) job.header[i] = static_cast<uint8_t>(i * 7 + 1);
  job.target = core::Uint256(1) << 244u;  // about one hash in 4096
  job.nonce_first = 0xfff00000u;
  job.nonce_end = job.nonce_first + (uint64_t{1} << 17);
  auto reference_backend = kernels::cpu::make_backend(*portable);
  const auto expected = kernels::scan(*reference_backend, job);
  const auto got = kernels::scan(backend, job);
  std::set<uint32_t> a;
  std::set<uint32_t> b;
  for (const auto& hit : expected.hits) a.insert(hit.nonce);
  for (const auto& hit : got.hits) b.insert(hit.nonce);
  if (a != b || got.false_hits != 0) {
    return core::fail("self-test failed: " + std::to_string(b.size()) + " hits, expected " +
                      std::to_string(a.size()));
  }
  return core::Status::success();
}

uint64_t gpu_unit_nonces(const kernels::ScanBackend& backend, const MinerConfig& config,
                         size_t gpu_ordinal) {
  if (gpu_ordinal < config.gpu_intensity.size())
    return uint64_t{1} << config.gpu_intensity[gpu_ordinal];
  // About 64 driver batches (each a few launches of ~4 ms): roughly a second.
  return std::clamp<uint64_t>(backend.batch_size() * 64, 1 << 20, kernels::kNonceSpace);
}

#ifdef BTR_HAVE_OPENCL
kernels::opencl::OpenClOptions opencl_options(const MinerConfig& config, size_t gpu_ordinal) {
  kernels::opencl::OpenClOptions options;
  if (gpu_ordinal < config.gpu_work_size.size()) {
    options.work_group_size = config.gpu_work_size[gpu_ordinal];
  }
  return options;
}
#endif

// Opens one GPU; nullptr result with a reason when it is missing or broken.
// `log` (may be null) gets a line with the launch sizes the device uses.
core::Result<std::unique_ptr<MiningDevice>> open_gpu(const DeviceSpec& spec,
                                                     const MinerConfig& config, size_t gpu_ordinal,
                                                     std::vector<std::string>* log) {
  std::unique_ptr<kernels::ScanBackend> backend;
  if (spec.kind == DeviceKind::kOpenCl) {
#ifdef BTR_HAVE_OPENCL
    kernels::opencl::OpenClOptions options = opencl_options(config, gpu_ordinal);
    auto opened = kernels::opencl::OpenClBackend::open(static_cast<unsigned>(spec.index), options);
    if (!opened) return core::fail(spec.to_string() + ": " + opened.error());
    const kernels::opencl::WorkSize ws = (*opened)->work_size();
    if (log != nullptr) {
      log->push_back(
          spec.to_string() + ": work-group size " +
          (ws.local == 0 ? std::string("chosen by the driver") : std::to_string(ws.local)) + ", " +
          std::to_string(ws.chunk) + " nonces per launch" +
          (options.work_group_size != 0 ? " (--work-size)" : ""));
    }
    backend = std::move(*opened);
#else
    return core::fail(spec.to_string() + ": OpenCL is not built into this btr-miner");
#endif
  } else {
#ifdef BTR_HAVE_CUDA
    auto opened = kernels::cuda::open_backend(spec.index, {});
    if (!opened) return core::fail(spec.to_string() + ": " + opened.error());
    backend = std::move(*opened);
#else
    return core::fail(spec.to_string() + ": CUDA is not built into this btr-miner");
#endif
  }
  if (const core::Status ok = gpu_self_test(*backend); !ok) {
    return core::fail(spec.to_string() + ": " + ok.error());
  }
  const uint64_t unit = gpu_unit_nonces(*backend, config, gpu_ordinal);
  if (spec.kind == DeviceKind::kCuda && gpu_ordinal < config.gpu_work_size.size() && log) {
    log->push_back(spec.to_string() +
                   ": --work-size applies to OpenCL devices only (CUDA sizes its launches itself)");
  }
  std::unique_ptr<MiningDevice> device =
      std::make_unique<BackendDevice>(spec.to_string(), std::move(backend), unit);
  return device;
}

// Every GPU the machine shows. OpenCL CPU devices are left out (the CPU device
// already hashes there), and so is OpenCL on NVIDIA when CUDA sees GPUs.
std::vector<DeviceSpec> all_gpus() {
  std::vector<DeviceSpec> gpus;
  bool have_cuda = false;
#ifdef BTR_HAVE_CUDA
  for (const auto& gpu : kernels::cuda::enumerate_devices()) {
    gpus.push_back({DeviceKind::kCuda, gpu.index});
    have_cuda = true;
  }
#endif
#ifdef BTR_HAVE_OPENCL
  const auto cl = kernels::opencl::enumerate_devices();
  for (size_t i = 0; i < cl.size(); ++i) {
    if (cl[i].is_cpu || !cl[i].available) continue;
    if (have_cuda && cl[i].platform_name.find("NVIDIA") != std::string::npos) continue;
    gpus.push_back({DeviceKind::kOpenCl, static_cast<int>(i)});
  }
#endif
  (void)have_cuda;
  return gpus;
}

core::Result<std::unique_ptr<MiningDevice>> open_cpu(const MinerConfig& config,
                                                     DeviceSetup& setup) {
  kernels::cpu::SelectOptions select;
  select.override_name = config.cpu_backend;
  auto selection = kernels::cpu::select_backend(select);
  if (!selection) return core::fail("cpu: " + selection.error());
  double mhs = 1;
  for (const auto& report : selection->reports) {
    std::string line = "cpu backend " + report.name + ": ";
    if (!report.reason.empty()) {
      line += report.reason;
    } else {
      line += "self-test passed";
      if (report.mhs > 0) line += ", " + format_rate(report.mhs * 1e6) + " per thread";
    }
    if (report.name == selection->selected->name && report.mhs > 0) mhs = report.mhs;
    setup.log.push_back(line);
  }
  const kernels::cpu::CpuBackendInfo* info = selection->selected;
  std::unique_ptr<MiningDevice> device = std::make_unique<CpuDevice>(
      info->name, [info] { return kernels::cpu::make_backend(*info); }, config.threads, mhs);
  return device;
}

core::Result<DeviceSetup> open_devices(const MinerConfig& config) {
  DeviceSetup setup;
  const bool all = config.devices.empty();
  std::vector<DeviceSpec> wanted = config.devices;
  if (all) {
    wanted.assign(1, DeviceSpec{DeviceKind::kCpu, 0});
    for (const DeviceSpec& gpu : all_gpus()) wanted.push_back(gpu);
  }
  size_t gpu_ordinal = 0;
  for (const DeviceSpec& spec : wanted) {
    auto device = spec.kind == DeviceKind::kCpu ? open_cpu(config, setup)
                                                : open_gpu(spec, config, gpu_ordinal++, &setup.log);
    if (!device) {
      // Named devices must work; in the default set a broken one is skipped.
      if (!all) return core::fail(device.error());
      setup.log.push_back(device.error() + " (skipped)");
      continue;
    }
    setup.devices.push_back(std::move(*device));
  }
  if (setup.devices.empty()) return core::fail("no usable device");
  return setup;
}

std::vector<std::string> describe_devices(const MinerConfig& config) {
  std::vector<std::string> lines;
  kernels::cpu::SelectOptions select;
  select.override_name = config.cpu_backend;
  auto selection = kernels::cpu::select_backend(select);
  if (!selection) {
    lines.push_back("cpu: " + selection.error());
  } else {
    for (const auto& report : selection->reports) {
      std::string line = "cpu      backend " + report.name + ": ";
      line += !report.cpu_supported   ? "not supported by this CPU"
              : report.reason.empty() ? "usable"
                                      : report.reason;
      if (report.mhs > 0) line += ", " + format_rate(report.mhs * 1e6) + " per thread";
      if (report.name == selection->selected->name) line += "  (selected)";
      lines.push_back(line);
    }
  }
#ifdef BTR_HAVE_CUDA
  for (const auto& gpu : kernels::cuda::enumerate_devices()) {
    lines.push_back("cuda:" + std::to_string(gpu.index) + "   " + gpu.name + ", " +
                    std::to_string(gpu.multiprocessors) + " SMs, compute " +
                    std::to_string(gpu.compute_major) + "." + std::to_string(gpu.compute_minor));
  }
#else
  lines.push_back("cuda: not built into this btr-miner");
#endif
#ifdef BTR_HAVE_OPENCL
  const auto cl = kernels::opencl::enumerate_devices();
  for (size_t i = 0; i < cl.size(); ++i) {
    lines.push_back("opencl:" + std::to_string(i) + " " + cl[i].device_name + " (" +
                    cl[i].platform_name + (cl[i].is_cpu ? ", CPU device" : "") +
                    (cl[i].available ? "" : ", unavailable") + ")");
  }
#else
  lines.push_back("opencl: not built into this btr-miner");
#endif
  MinerConfig probe = config;
  probe.devices.clear();
  for (const DeviceSpec& gpu : all_gpus()) {
    auto device = open_gpu(gpu, probe, 0, nullptr);
    lines.push_back(gpu.to_string() + ": " + (device ? "self-test passed" : device.error()));
  }
  return lines;
}

DeviceRunner::DeviceRunner(std::vector<std::unique_ptr<MiningDevice>> devices, WorkManager& work,
                           MiningStats& stats)
    : devices_(std::move(devices)), work_(work), stats_(stats) {
  work_.set_cancel_hook([this] { cancel_all(); });
}

DeviceRunner::~DeviceRunner() {
  work_.set_cancel_hook({});
  join();
}

void DeviceRunner::start() {
  for (size_t i = 0; i < devices_.size(); ++i) threads_.emplace_back([this, i] { run(i); });
}

void DeviceRunner::join() {
  for (std::thread& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
}

void DeviceRunner::cancel_all() {
  for (auto& device : devices_) device->cancel();
}

void DeviceRunner::run(size_t index) {
  MiningDevice& device = *devices_[index];
  WorkManager* work = &work_;
  MiningStats* stats = &stats_;
  while (true) {
    std::optional<WorkUnit> next = work->next_unit(index, device.unit_nonces());
    if (!next) return;
    // Shared: a cancelled CPU slice may still report a hit after scan() returned.
    auto unit = std::make_shared<const WorkUnit>(std::move(*next));
    kernels::ScanOptions options;
    options.cancel = kernels::CancelToken{&work->generation(), unit->generation};
    options.on_hit = [work, stats, unit](const kernels::ScanHit& hit) {
      switch (work->on_hit(*unit, hit)) {
        case HitVerdict::kStale:
          stats->hit_discarded();  // the job was replaced while the unit ran
          break;
        case HitVerdict::kHardwareError:
          stats->hardware_error();
          break;
        case HitVerdict::kShare:
        case HitVerdict::kBelowTarget:
          break;
      }
    };
    stats->meter(index).add(device.scan(unit->scan, options));
  }
}

}  // namespace btr::tools::miner
