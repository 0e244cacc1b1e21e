#include "tools/miner/miner_app.h"

#include <cstdio>
#include <ctime>
#include <iostream>
#include <mutex>

#include "core/crypto/sha256.h"
#include "core/hex.h"

namespace btr::tools::miner {
namespace {

std::mutex g_output_mutex;  // device-free: only the loop and solo threads print

std::string timestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

// A job that never matches any real chain: the benchmark hashes it forever.
std::shared_ptr<MinerJob> benchmark_job(size_t extranonce2_size) {
  auto job = std::make_shared<MinerJob>();
  job->notify.job_id = "benchmark";
  job->notify.prev_block = core::sha256d(std::vector<uint8_t>{'b', 't', 'r'});
  job->notify.coinb1 = core::from_hex(
                           "01000000010000000000000000000000000000000000000000000000000000"
                           "000000000000ffffffff0c03010000")
                           .value();
  job->notify.coinb2 = core::from_hex("ffffffff0100e1f5050000000001510000000000").value();
  job->notify.version = 0x20000000;
  job->notify.nbits = 0x1d00ffff;
  job->notify.ntime = static_cast<uint32_t>(std::time(nullptr));
  job->notify.clean_jobs = true;
  job->extranonce1 = {0, 0, 0, 0};
  job->extranonce2_size = extranonce2_size;
  job->version_mask = 0x1fffe000;
  job->share_difficulty = 1;
  job->share_target = target_for_difficulty(1);
  job->block_target = target_from_compact(0x1d00ffff);
  return job;
}

}  // namespace

MinerApp::MinerApp(MinerConfig config) : config_(std::move(config)) {
  uv_loop_init(&loop_);
}

MinerApp::~MinerApp() {
  // Members go in reverse order of dependence: clients, devices, then the rest.
  api_.reset();
  solo_.reset();
  pool_.reset();
  runner_.reset();
  queue_.reset();
  work_.reset();
  (void)uv_loop_close(&loop_);
}

double MinerApp::uptime_s() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

void MinerApp::log_json(nlohmann::json object) const {
  object["time"] = timestamp();
  std::lock_guard lock(g_output_mutex);
  std::cout << object.dump() << std::endl;
}

void MinerApp::log(const std::string& text, const char* event) const {
  if (config_.json_log) return log_json({{"event", event}, {"message", text}});
  std::lock_guard lock(g_output_mutex);
  std::cout << "[" << timestamp() << "] " << text << std::endl;
}

nlohmann::json MinerApp::status_json() const {
  nlohmann::json status = stats_->to_json(uptime_s());
  status["mode"] = config_.solo ? "solo" : config_.benchmark ? "benchmark" : "pool";
  status["version"] = BTR_MINER_VERSION;
  return status;
}

core::Status MinerApp::set_up() {
  auto setup = open_devices(config_);
  if (!setup) return core::fail(setup.error());
  for (const std::string& line : setup->log) log(line);
  std::vector<std::string> names;
  for (const auto& device : setup->devices) names.push_back(device->name());
  stats_ = std::make_unique<MiningStats>(names);
  queue_ = std::make_unique<ShareQueue>(&loop_, [this](FoundShare s) { deliver(std::move(s)); });
  work_ = std::make_unique<WorkManager>(names.size(),
                                        [this](FoundShare s) { queue_->push(std::move(s)); });
  runner_ = std::make_unique<DeviceRunner>(std::move(setup->devices), *work_, *stats_);
  for (const std::string& name : names) log("device " + name + " ready");
  if (config_.api_port != 0) {
    api_ = std::make_unique<ApiServer>(&loop_, [this] { return status_json().dump(); });
    auto port = api_->listen(config_.api_bind, config_.api_port);
    if (!port) return core::fail(port.error());
    log("status API on http://" + config_.api_bind + ":" + std::to_string(*port) + "/");
  }
  return core::Status::success();
}

void MinerApp::start_mode() {
  if (config_.benchmark) {
    stats_->set_pool("benchmark", true);
    stats_->set_difficulty(1);
    work_->set_job(benchmark_job(4));
    return;
  }
  if (config_.solo) {
    auto options = SoloOptions::from_config(config_);
    if (!options) {
      log("solo: " + options.error(), "error");
      return shutdown("bad solo settings");
    }
    stats_->set_pool(config_.rpc_url, false);
    SoloClient::Events events;
    events.on_log = [this](const std::string& text) { log(text); };
    events.on_template = [this](double difficulty, uint64_t height) {
      stats_->set_difficulty(difficulty);
      stats_->set_pool(config_.rpc_url + " height " + std::to_string(height), true);
    };
    events.on_block = [this](const FoundShare& share, bool accepted, const std::string& reason) {
      if (accepted) stats_->block_found();
      if (!accepted) stats_->share_rejected(reason, false, 0);
      log(std::string(accepted ? "block accepted by the node: "
                               : "block REJECTED (" + reason + "): ") +
              share.hash.to_display_hex() + " height " + std::to_string(share.job->solo_height),
          "block");
    };
    solo_ = std::make_unique<SoloClient>(std::move(*options), *work_, std::move(events));
    solo_->start();
    return;
  }
  PoolClient::Events events;
  events.on_job = [this](std::shared_ptr<const MinerJob> job) { work_->set_job(std::move(job)); };
  events.on_work_lost = [this] { work_->clear(); };
  events.on_share_result = [this](const FoundShare& share, const ShareOutcome& outcome) {
    if (outcome.accepted) {
      stats_->share_accepted(outcome.latency_ms);
    } else {
      stats_->share_rejected(outcome.reason, outcome.stale, outcome.latency_ms);
      log("share rejected (" + std::to_string(outcome.code) + " " + outcome.reason + ") job " +
          share.job->notify.job_id);
    }
  };
  events.on_log = [this](const std::string& text) { log(text); };
  events.on_pool_state = [this](const std::string& url, bool up) { stats_->set_pool(url, up); };
  events.on_difficulty = [this](double d) { stats_->set_difficulty(d); };
  pool_ = std::make_unique<PoolClient>(&loop_, PoolClientOptions::from_config(config_),
                                       std::move(events));
  pool_->start();
}

void MinerApp::deliver(FoundShare share) {
  if (stopping_) return;
  if (work_->is_stale(share.publication)) {
    stats_->share_stale_local();  // found on work replaced by a new block: never sent
    return;
  }
  if (share.is_block) {
    log("BLOCK found by " + std::to_string(share.device) + ": " + share.hash.to_display_hex() +
            " job " + share.job->notify.job_id,
        "block");
  }
  if (solo_) return solo_->submit(share);
  if (pool_) {
    if (share.is_block) stats_->block_found();
    if (!pool_->submit(share)) stats_->share_stale_local();
  }
}

void MinerApp::on_tick() {
  stats_->sample(uptime_s());
  ++ticks_;
  const auto every = static_cast<uint64_t>(std::max(1.0, config_.status_interval_s));
  if (ticks_ % every == 0) {
    if (config_.json_log) {
      nlohmann::json status = status_json();
      status["event"] = "status";
      log_json(status);
    } else {
      log(stats_->status_line());
    }
  }
  if (config_.benchmark && config_.benchmark_seconds > 0 &&
      uptime_s() >= config_.benchmark_seconds) {
    shutdown("benchmark finished");
  }
}

void MinerApp::shutdown(const std::string& why) {
  if (stopping_) return;
  stopping_ = true;
  log("stopping: " + why);
  // Order matters: stop the work first so nothing found from here on is sent.
  work_->stop();
  queue_->close();
  if (pool_) pool_->stop();
  if (solo_) solo_->stop();
  if (api_) api_->close();
  runner_->join();
  uv_timer_stop(&tick_);
  uv_close(reinterpret_cast<uv_handle_t*>(&tick_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&sigint_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&sigterm_), nullptr);
}

int MinerApp::run() {
  if (const core::Status ok = set_up(); !ok) {
    log(ok.error(), "error");
    if (queue_) queue_->close();
    if (api_) api_->close();
    uv_run(&loop_, UV_RUN_DEFAULT);
    return 1;
  }
  uv_timer_init(&loop_, &tick_);
  tick_.data = this;
  uv_timer_start(
      &tick_, [](uv_timer_t* t) { static_cast<MinerApp*>(t->data)->on_tick(); }, 1000, 1000);
  for (uv_signal_t* sig : {&sigint_, &sigterm_}) {
    uv_signal_init(&loop_, sig);
    sig->data = this;
    uv_signal_start(
        sig,
        [](uv_signal_t* s, int signum) {
          static_cast<MinerApp*>(s->data)->shutdown(signum == SIGINT ? "Ctrl-C" : "SIGTERM");
        },
        sig == &sigint_ ? SIGINT : SIGTERM);
  }
  stats_->sample(0);
  runner_->start();
  start_mode();
  uv_run(&loop_, UV_RUN_DEFAULT);
  const std::string summary = stats_->summary(uptime_s());
  if (config_.json_log) {
    nlohmann::json status = status_json();
    status["event"] = "summary";
    log_json(status);
  } else {
    log(summary);
  }
  return 0;
}

}  // namespace btr::tools::miner
