#pragma once
// A mining device as the work manager sees it: something that scans one work
// unit (a kernels::ScanJob) and reports hits. The CPU device runs h3's
// ParallelScanner over the self-tested CPU backend; a GPU device runs one
// kernels::ScanBackend (OpenCL, CUDA) through kernels::scan().
//
// DeviceRunner gives every device a thread that asks the WorkManager for
// units, scans them, feeds hits back and counts hashes into MiningStats.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "kernels/parallel_scanner.h"
#include "kernels/scan.h"
#include "tools/miner/miner_config.h"
#include "tools/miner/mining_stats.h"
#include "tools/miner/work_manager.h"

namespace btr::tools::miner {

class MiningDevice {
 public:
  virtual ~MiningDevice() = default;
  MiningDevice() = default;
  MiningDevice(const MiningDevice&) = delete;
  MiningDevice& operator=(const MiningDevice&) = delete;

  virtual std::string name() const = 0;
  // Nonces per work unit at ordinary difficulty (about a second of work); the
  // work manager may cut it for easy targets.
  virtual uint64_t unit_nonces() const = 0;
  // Scans `job` on the calling thread; every verified hit goes to
  // options.on_hit; stops early when options.cancel fires. Returns hashes done.
  virtual uint64_t scan(const kernels::ScanJob& job, const kernels::ScanOptions& options) = 0;
  // Called from another thread when the running unit became worthless.
  virtual void cancel() {}
};

// One ScanBackend driven by kernels::scan() (GPUs; also a single CPU thread).
class BackendDevice final : public MiningDevice {
 public:
  BackendDevice(std::string name, std::unique_ptr<kernels::ScanBackend> backend,
                uint64_t unit_nonces);
  std::string name() const override { return name_; }
  uint64_t unit_nonces() const override { return unit_nonces_; }
  uint64_t scan(const kernels::ScanJob& job, const kernels::ScanOptions& options) override;

 private:
  std::string name_;
  std::unique_ptr<kernels::ScanBackend> backend_;
  uint64_t unit_nonces_;
};

// The CPU: ParallelScanner over `threads` copies of the selected backend.
class CpuDevice final : public MiningDevice {
 public:
  CpuDevice(std::string backend_name, const kernels::BackendFactory& factory, unsigned threads,
            double mhs_per_thread);
  std::string name() const override {
    return "cpu(" + backend_ + "x" + std::to_string(threads_) + ")";
  }
  uint64_t unit_nonces() const override { return unit_nonces_; }
  uint64_t scan(const kernels::ScanJob& job, const kernels::ScanOptions& options) override;
  void cancel() override { scanner_.cancel(); }

 private:
  std::string backend_;
  unsigned threads_;
  kernels::ParallelScanner scanner_;
  uint64_t unit_nonces_;
  uint64_t counted_hashes_ = 0;  // scanner total already reported
};

struct DeviceSetup {
  std::vector<std::unique_ptr<MiningDevice>> devices;
  std::vector<std::string> log;  // one line per device tried, with its self-test result
};

// The devices the config asks for (all usable ones when it names none).
// Fails when a named device is missing or fails its self-test.
core::Result<DeviceSetup> open_devices(const MinerConfig& config);
// Human-readable list for --list-devices.
std::vector<std::string> describe_devices(const MinerConfig& config);

class DeviceRunner {
 public:
  DeviceRunner(std::vector<std::unique_ptr<MiningDevice>> devices, WorkManager& work,
               MiningStats& stats);
  ~DeviceRunner();
  DeviceRunner(const DeviceRunner&) = delete;
  DeviceRunner& operator=(const DeviceRunner&) = delete;

  void start();
  // work.stop() must be called first (it wakes the waiting threads).
  void join();
  // Cancels every device's running unit (the work manager's generation moved).
  void cancel_all();
  size_t size() const { return devices_.size(); }

 private:
  void run(size_t index);

  std::vector<std::unique_ptr<MiningDevice>> devices_;
  WorkManager& work_;
  MiningStats& stats_;
  std::vector<std::thread> threads_;
};

}  // namespace btr::tools::miner
