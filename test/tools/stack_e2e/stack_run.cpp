#include "test/tools/stack_e2e/stack_run.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include <doctest/doctest.h>

#include "test/common/test_util.h"

namespace btr::test {
namespace {

using Clock = std::chrono::steady_clock;

void sleep_ms(int ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

nlohmann::json read_json_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return nullptr;
  auto j = nlohmann::json::parse(in, nullptr, false);
  return j.is_discarded() ? nlohmann::json() : j;
}

}  // namespace

int Spawned::wait_exit(double timeout_s) {
  if (pid() <= 0) return -1;
  const auto deadline =
      Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(timeout_s * 1000));
  do {
    // WNOWAIT: look without reaping, so ChildProcess::stop reaps it and
    // returns the exit code (its SIGTERM to an exited process is harmless).
    siginfo_t info{};
    if (::waitid(P_PID, static_cast<id_t>(pid()), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
        info.si_pid == pid()) {
      return process_.stop(1000);
    }
    sleep_ms(50);
  } while (Clock::now() < deadline);
  return -1;
}

StackRun::StackRun() {
  std::mt19937_64 rng(seed() ^ static_cast<uint64_t>(::getpid()));
  dir_ = std::filesystem::temp_directory_path() / ("btr-e2e-" + std::to_string(rng()));
  std::filesystem::create_directories(dir_);
}

StackRun::~StackRun() {
  process_.terminate(60);
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

bool StackRun::start(const std::vector<std::string>& args) {
  ++runs_;
  std::error_code ec;
  std::filesystem::remove(dir_ / "summary.json", ec);
  std::vector<std::string> argv = {BTR_STACK_BIN,
                                   "--datadir",
                                   datadir().string(),
                                   "--summary-json",
                                   (dir_ / "summary.json").string(),
                                   "--cpu-only",
                                   "--threads",
                                   "1",
                                   "--share-interval",
                                   "1"};
  argv.insert(argv.end(), args.begin(), args.end());
  return process_.start(argv, dir_ / "stack.out");
}

nlohmann::json StackRun::stack_file(double timeout_s) const {
  const auto deadline =
      Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(timeout_s * 1000));
  do {
    auto j = read_json_file(datadir() / "stack.json");
    if (j.is_object()) return j;
    sleep_ms(100);
  } while (Clock::now() < deadline);
  return nullptr;
}

nlohmann::json StackRun::summary() const {
  return read_json_file(dir_ / "summary.json");
}

std::string StackRun::output() const {
  return read_file(dir_ / "stack.out");
}

std::string StackRun::log(const std::string& child) const {
  return read_file(datadir() / "logs" / (child + ".log"));
}

std::unique_ptr<tools::stack::NodeRpc> StackRun::node_rpc() const {
  const auto j = stack_file();
  if (!j.is_object()) return nullptr;
  const std::string url = j.at("node_rpc");
  const auto port = static_cast<uint16_t>(std::stoi(url.substr(url.rfind(':') + 1)));
  return std::make_unique<tools::stack::NodeRpc>("127.0.0.1", port, j.at("node_cookie"));
}

bool StackRun::wait_height(int64_t height, double timeout_s) const {
  auto rpc = node_rpc();
  if (!rpc) return false;
  const auto deadline =
      Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(timeout_s * 1000));
  do {
    auto count = rpc->call("getblockcount", nlohmann::json::array(), 2);
    if (count && count->get<int64_t>() >= height) return true;
    sleep_ms(250);
  } while (Clock::now() < deadline);
  return false;
}

size_t count_of(const std::string& text, const std::string& needle) {
  size_t n = 0;
  for (size_t pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1))
    ++n;
  return n;
}

namespace {

constexpr uint64_t kSharesInFlightAtStop = 2;

uint64_t ledger_shares_of(const nlohmann::json& summary, const std::string& worker_name) {
  uint64_t n = 0;
  if (!summary.is_object()) return 0;
  for (const auto& [worker, count] : summary["ledger"]["accepted_shares"].items()) {
    if (worker.ends_with("." + worker_name)) n += count.get<uint64_t>();
  }
  return n;
}

}  // namespace

void check_run_consistency(const nlohmann::json& s, const nlohmann::json& previous) {
  REQUIRE(s.is_object());
  REQUIRE(s.contains("audit"));
  INFO("mismatches: " << s["audit"]["mismatches"].dump());
  CHECK(s["audit"]["ok"].get<bool>());
  CHECK(s["unclean_stops"].empty());
  CHECK(s["restarts"]["rig1"] == 0);  // a miner crash (or a sanitizer report) would restart it
  CHECK(s["restarts"]["rig2"] == 0);

  std::set<std::string> miner_blocks;
  uint64_t miner_rejected = 0;
  for (const auto& [name, m] : s["miners"].items()) {
    for (const auto& h : m["found_blocks"]) miner_blocks.insert(h.get<std::string>());
    miner_rejected += m["rejected"].get<uint64_t>();
    // The ledger's shares for this worker equal what the miner was told was accepted.
    const uint64_t ledger_accepted = ledger_shares_of(s, name) - ledger_shares_of(previous, name);
    INFO("worker " << name);
    // Nothing lost: every share the miner saw accepted is in the ledger. Not
    // doubled: at most the shares in flight when the miner was stopped (the
    // pool accepted them, the answer never reached the stopping miner).
    const uint64_t miner_accepted = m["accepted"].get<uint64_t>();
    CHECK(ledger_accepted >= miner_accepted);
    CHECK(ledger_accepted <= miner_accepted + kSharesInFlightAtStop);
  }
  std::set<std::string> ledger_blocks;
  uint64_t ledger_found = 0;
  const int64_t start_height = s["start_height"].get<int64_t>();
  for (const auto& b : s["ledger"]["blocks"]) {
    if (b["height"].get<int64_t>() <= start_height) continue;  // an earlier run's
    const std::string hash = b["hash"];
    INFO("ledger block " << hash);
    CHECK(miner_blocks.contains(hash));  // the pool's block table agrees with the miners' lines
    ledger_blocks.insert(hash);
    if (b["status"] != "rejected" && b["status"] != "orphaned") ++ledger_found;
  }
  // Every new block of the chain came through the pool and is in its table.
  CHECK(ledger_found == s["new_blocks"].get<uint64_t>());
  size_t missing = 0;
  for (const auto& h : miner_blocks) missing += ledger_blocks.contains(h) ? 0 : 1;
  CHECK(missing <= miner_rejected);  // a block share the pool refused (stale) has no ledger row
}

}  // namespace btr::test
