#include "tools/miner/mining_device.h"

#include <algorithm>
#include <cmath>

#include "kernels/cpu/cpu_dispatch.h"

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

core::Result<DeviceSetup> open_devices(const MinerConfig& config) {
  DeviceSetup setup;
  std::vector<DeviceSpec> wanted = config.devices;
  const bool all = wanted.empty();
  if (all) wanted.push_back(DeviceSpec{DeviceKind::kCpu, 0});
  for (const DeviceSpec& spec : wanted) {
    if (spec.kind != DeviceKind::kCpu) {
      return core::fail(spec.to_string() + ": GPU backends are not built into this btr-miner");
    }
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
    setup.devices.push_back(std::make_unique<CpuDevice>(
        info->name, [info] { return kernels::cpu::make_backend(*info); }, config.threads, mhs));
  }
  return setup;
}

std::vector<std::string> describe_devices(const MinerConfig& config) {
  std::vector<std::string> lines;
  kernels::cpu::SelectOptions select;
  select.override_name = config.cpu_backend;
  auto selection = kernels::cpu::select_backend(select);
  if (!selection) {
    lines.push_back("cpu: " + selection.error());
    return lines;
  }
  for (const auto& report : selection->reports) {
    std::string line = "cpu  backend " + report.name + ": ";
    line += !report.cpu_supported   ? "not supported by this CPU"
            : report.reason.empty() ? "usable"
                                    : report.reason;
    if (report.mhs > 0) line += ", " + format_rate(report.mhs * 1e6) + " per thread";
    if (report.name == selection->selected->name) line += "  (selected)";
    lines.push_back(line);
  }
  lines.push_back("opencl, cuda: not built into this btr-miner");
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
          stats->share_stale_local();
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
