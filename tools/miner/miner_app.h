#pragma once
// btr-miner put together: devices, work manager, the pool or solo client (or
// a benchmark job), status output (text or --json-log), the --api-port
// endpoint, and a clean stop on Ctrl-C that submits nothing stale.

#include <chrono>
#include <memory>
#include <string>

#include <uv.h>
#include <nlohmann/json.hpp>

#include "tools/miner/api_server.h"
#include "tools/miner/miner_config.h"
#include "tools/miner/mining_device.h"
#include "tools/miner/mining_stats.h"
#include "tools/miner/pool_client.h"
#include "tools/miner/share_queue.h"
#include "tools/miner/solo_client.h"
#include "tools/miner/work_manager.h"

namespace btr::tools::miner {

class MinerApp {
 public:
  explicit MinerApp(MinerConfig config);
  ~MinerApp();
  MinerApp(const MinerApp&) = delete;
  MinerApp& operator=(const MinerApp&) = delete;

  // Runs until Ctrl-C (or the benchmark's end). Returns the exit code.
  int run();

 private:
  core::Status set_up();
  void start_mode();
  void deliver(FoundShare share);
  void on_tick();
  void shutdown(const std::string& why);
  void log(const std::string& text, const char* event = "log") const;
  void log_json(nlohmann::json object) const;
  nlohmann::json status_json() const;
  double uptime_s() const;

  MinerConfig config_;
  uv_loop_t loop_{};
  uv_timer_t tick_{};
  uv_signal_t sigint_{};
  uv_signal_t sigterm_{};
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  uint64_t ticks_ = 0;
  bool stopping_ = false;

  std::unique_ptr<MiningStats> stats_;
  std::unique_ptr<WorkManager> work_;
  std::unique_ptr<ShareQueue> queue_;
  std::unique_ptr<DeviceRunner> runner_;
  std::unique_ptr<PoolClient> pool_;
  std::unique_ptr<SoloClient> solo_;
  std::unique_ptr<ApiServer> api_;
};

}  // namespace btr::tools::miner
