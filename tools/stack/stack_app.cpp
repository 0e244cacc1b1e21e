#include "tools/stack/stack_app.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <thread>

#include <nlohmann/json.hpp>

namespace btr::tools::stack {
namespace {

constexpr double kTickS = 0.25;
constexpr double kStartupTimeoutS = 120;  // sanitizer builds start slowly
// A child that exits this often within kCrashLoopWindowS is not restarted again.
constexpr size_t kCrashLoopExits = 5;
constexpr double kCrashLoopWindowS = 60;
constexpr const char* kPoolTag = "/btr-stack/";

// A free TCP port on 127.0.0.1 (bound, read back, released). The port is
// then kept for the whole run, so a restarted child binds the same one.
uint16_t pick_free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return 0;
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  uint16_t port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) == 0) {
    port = ntohs(a.sin_port);
  }
  ::close(fd);
  return port;
}

bool contains(const std::string& s, const char* part) {
  return s.find(part) != std::string::npos;
}

}  // namespace

StackApp::StackApp(StackOptions options) : opt_(std::move(options)), workers_(stack_workers()) {
  uv_loop_init(&loop_);
  for (const char* name : {"node", "pool", "rig1", "rig2"}) {
    auto s = std::make_unique<Slot>();
    s->name = name;
    slots_.push_back(std::move(s));
  }
}

StackApp::~StackApp() {
  slots_.clear();
  retired_.clear();
  (void)uv_loop_close(&loop_);
}

double StackApp::elapsed_s() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
}

void StackApp::say(const std::string& text) const {
  std::printf("[%7.1f] %s\n", elapsed_s(), text.c_str());
  std::fflush(stdout);
}

std::string StackApp::label(const std::string& address) const {
  for (const StackWorker& w : workers_) {
    if (w.key.address == address) return w.name;
  }
  return address == stack_operator().address ? "operator" : "";
}

StackApp::Slot& StackApp::slot(const std::string& name) {
  for (auto& s : slots_) {
    if (s->name == name) return *s;
  }
  std::abort();  // names are fixed in the constructor
}

bool StackApp::all_finished(std::initializer_list<const char*> names) {
  return std::all_of(names.begin(), names.end(),
                     [this](const char* n) { return slot(n).process == nullptr; });
}

core::Status StackApp::prepare() {
  std::error_code ec;
  for (const char* sub : {"node", "pool", "logs"}) {
    std::filesystem::create_directories(opt_.datadir / sub, ec);
    if (ec)
      return core::fail("cannot create " + (opt_.datadir / sub).string() + ": " + ec.message());
  }
  opt_.datadir = std::filesystem::absolute(opt_.datadir);
  for (uint16_t* port : {&opt_.rpc_port, &opt_.p2p_port, &opt_.stratum_port, &opt_.api_port}) {
    if (*port == 0) *port = pick_free_port();
    if (*port == 0) return core::fail("no free loopback port");
  }
  if (opt_.threads == 0) opt_.threads = std::max(1u, std::thread::hardware_concurrency() / 2);
  for (const auto& [name, rel] : std::initializer_list<std::pair<const char*, const char*>>{
           {"node", "node/btr-node"},
           {"pool", "pool/btr-pool"},
           {"miner", "tools/miner/btr-miner"}}) {
    if (!std::filesystem::exists(opt_.bin_dir / rel)) {
      return core::fail(std::string("no ") + name + " binary at " + (opt_.bin_dir / rel).string() +
                        " (build it, or pass --bin-dir)");
    }
  }
  slot("node").spec = node_spec();
  slot("pool").spec = pool_spec();
  slot("rig1").spec = miner_spec(0);
  slot("rig2").spec = miner_spec(1);
  write_pool_config();
  node_ = std::make_unique<NodeRpc>("127.0.0.1", opt_.rpc_port,
                                    (opt_.datadir / "node" / "regtest" / ".cookie").string());
  return core::Status::success();
}

ChildSpec StackApp::node_spec() const {
  ChildSpec s;
  s.name = "node";
  s.executable = opt_.bin_dir / "node/btr-node";
  s.args = {"--regtest",
            "--datadir=" + (opt_.datadir / "node").string(),
            "--rpcport=" + std::to_string(opt_.rpc_port),
            "--rpcbind=127.0.0.1",
            "--port=" + std::to_string(opt_.p2p_port),
            "--bind=127.0.0.1"};
  s.log_file = opt_.datadir / "logs" / "node.log";
  return s;
}

ChildSpec StackApp::pool_spec() const {
  ChildSpec s;
  s.name = "pool";
  s.executable = opt_.bin_dir / "pool/btr-pool";
  s.args = {"--network",      "regtest",
            "--datadir",      (opt_.datadir / "pool").string(),
            "--config",       (opt_.datadir / "pool" / "pool.json").string(),
            "--node-url",     "http://127.0.0.1:" + std::to_string(opt_.rpc_port),
            "--node-cookie",  (opt_.datadir / "node" / "regtest" / ".cookie").string(),
            "--stratum-port", std::to_string(opt_.stratum_port),
            "--api-port",     std::to_string(opt_.api_port),
            "--bind",         "127.0.0.1"};
  s.log_file = opt_.datadir / "logs" / "pool.log";
  return s;
}

ChildSpec StackApp::miner_spec(size_t index) const {
  const StackWorker& w = workers_.at(index);
  ChildSpec s;
  s.name = w.name;
  s.executable = opt_.bin_dir / "tools/miner/btr-miner";
  s.args = {"-o",         "stratum+tcp://127.0.0.1:" + std::to_string(opt_.stratum_port),
            "-u",         w.username(),
            "--threads",  std::to_string(opt_.threads),
            "--json-log", "--status-interval",
            "5"};
  // The first miner also drives every GPU that passes its self-test.
  const std::string devices = opt_.cpu_only || index > 0 ? "cpu" : opt_.devices;
  if (!devices.empty()) s.args.insert(s.args.end(), {"--devices", devices});
  s.log_file = opt_.datadir / "logs" / (w.name + ".log");
  return s;
}

// Written at every start from the options, so the flags always win.
void StackApp::write_pool_config() const {
  const nlohmann::json cfg = {{"network", "regtest"},
                              {"pool_tag", kPoolTag},
                              {"ports",
                               {{{"port", opt_.stratum_port},
                                 {"difficulty", opt_.start_difficulty},
                                 {"min_difficulty", std::min(opt_.start_difficulty, 0.00001)},
                                 {"target_share_interval_s", opt_.share_interval_s},
                                 {"retarget_interval_s", std::max(2 * opt_.share_interval_s, 5.0)},
                                 {"allow_fractional", true}}}},
                              {"payout",
                               {{"scheme", opt_.scheme},
                                {"fee_percent", opt_.fee_percent},
                                {"fee_address", stack_operator().address}}}};
  std::ofstream(opt_.datadir / "pool" / "pool.json") << cfg.dump(2) << "\n";
}

// stack.json: where everything listens and which process is which, for
// scripts and the end-to-end tests. Rewritten whenever a child (re)starts.
void StackApp::write_stack_file() const {
  nlohmann::json pids = nlohmann::json::object();
  for (const auto& s : slots_) {
    if (s->process && s->process->running()) pids[s->name] = s->process->pid();
  }
  nlohmann::json workers = nlohmann::json::array();
  for (const StackWorker& w : workers_) {
    workers.push_back({{"name", w.name}, {"address", w.key.address}, {"user", w.username()}});
  }
  const nlohmann::json j = {
      {"pid", ::getpid()},
      {"node_rpc", node_->url()},
      {"node_cookie", (opt_.datadir / "node" / "regtest" / ".cookie").string()},
      {"node_datadir", (opt_.datadir / "node").string()},
      {"p2p_port", opt_.p2p_port},
      {"stratum", "stratum+tcp://127.0.0.1:" + std::to_string(opt_.stratum_port)},
      {"api_port", opt_.api_port},
      {"dashboard", "http://127.0.0.1:" + std::to_string(opt_.api_port) + "/"},
      {"pool_sqlite", (opt_.datadir / "pool" / "pool.sqlite").string()},
      {"pool_tag", kPoolTag},
      {"logs", (opt_.datadir / "logs").string()},
      {"workers", workers},
      {"pids", pids}};
  const auto tmp = opt_.datadir / "stack.json.tmp";
  std::ofstream(tmp) << j.dump(2) << "\n";
  std::error_code ec;
  std::filesystem::rename(tmp, opt_.datadir / "stack.json", ec);
}

bool StackApp::start_slot(Slot& s) {
  s.ready = false;
  s.restart_at = -1;
  s.process = std::make_unique<ChildProcess>(
      &loop_, s.spec, [this, &s](const std::string& line) { on_child_line(s, line); },
      [this, &s](int64_t status, int sig) { on_child_exit(s, status, sig); });
  if (auto st = s.process->start(); !st) {
    say(s.name + ": " + st.error());
    retired_.push_back(std::move(s.process));
    return false;
  }
  if (opt_.echo_children) say(s.name + ": started, pid " + std::to_string(s.process->pid()));
  write_stack_file();
  return true;
}

void StackApp::on_child_line(Slot& s, const std::string& line) {
  if (opt_.echo_children) say(s.name + "| " + line);
  if (s.name == "pool") {
    if (contains(line, "stratum listening on")) s.ready = true;
    // The pool's answer for each block it submitted; the candidate line before it is noise.
    const bool shown = (contains(line, "pool: block ") && !contains(line, "block candidate")) ||
                       contains(line, "node unreachable") || contains(line, "node reachable") ||
                       contains(line, "start failed") || contains(line, "flush failed");
    if (shown && !opt_.echo_children) say("pool: " + line.substr(line.find("pool: ") + 6));
    return;
  }
  if (s.name == "rig1" || s.name == "rig2") {
    const MinerLine m = read_miner_line(line, miners_[s.name]);
    // Found blocks show up as the pool's answer and the coinbase line; errors show here.
    const bool shown = m.kind == MinerLineKind::kError || m.kind == MinerLineKind::kPlain;
    if (shown && !opt_.echo_children) say(s.name + ": " + m.message);
  }
}

void StackApp::on_child_exit(Slot& s, int64_t status, int sig) {
  const bool expected = s.process->stop_requested() || phase_ == Phase::kStopping;
  retired_.push_back(std::move(s.process));
  s.ready = false;
  const std::string how =
      sig != 0 ? "signal " + std::to_string(sig) : "code " + std::to_string(status);
  if (expected) {
    if (status != 0 || sig != 0) unclean_stops_.push_back(s.name + " (" + how + ")");
    if (opt_.echo_children || status != 0 || sig != 0) say(s.name + ": stopped (" + how + ")");
    return;
  }
  say(s.name + ": exited on its own (" + how + "), see " + s.spec.log_file.string());
  if (phase_ == Phase::kStarting)
    return begin_stop(s.name + " exited during start-up", kStartFailed);
  const double now = elapsed_s();
  std::erase_if(s.exit_times, [now](double t) { return t < now - kCrashLoopWindowS; });
  s.exit_times.push_back(now);
  if (!opt_.restart_children) return begin_stop(s.name + " exited", kStartFailed);
  if (s.exit_times.size() >= kCrashLoopExits) {
    return begin_stop(s.name + " exited " + std::to_string(kCrashLoopExits) + " times in " +
                          std::to_string(static_cast<int>(kCrashLoopWindowS)) + " s",
                      kStartFailed);
  }
  ++s.restarts;
  // Back off: 1 s after the first exit, doubling while it keeps failing.
  s.restart_at = now + static_cast<double>(1u << (s.exit_times.size() - 1));
}

void StackApp::on_signal(int signum) {
  ++signals_seen_;
  if (signals_seen_ == 1) {
    return begin_stop(signum == SIGINT ? "Ctrl-C" : "SIGTERM", exit_code_);
  }
  say("second signal: killing every child now");
  for (auto& s : slots_) {
    if (s->process) s->process->signal(SIGKILL);
  }
}

void StackApp::begin_stop(const std::string& why, int exit_code) {
  if (phase_ == Phase::kStopping || phase_ == Phase::kDone) return;
  say("stopping (" + why + ")");
  stop_reason_ = why;
  exit_code_ = exit_code;
  phase_ = Phase::kStopping;
  stop_step_ = 0;
}

void StackApp::on_tick() {
  switch (phase_) {
    case Phase::kStarting:
      return tick_starting();
    case Phase::kRunning:
      return tick_running();
    case Phase::kStopping:
      return tick_stopping();
    case Phase::kDone:
      return;
  }
}

void StackApp::tick_starting() {
  if (elapsed_s() > kStartupTimeoutS) return begin_stop("start-up took too long", kStartFailed);
  Slot& node = slot("node");
  if (!node.process && !start_slot(node)) return begin_stop("node did not start", kStartFailed);
  if (!node.ready) {
    auto count = node_->call("getblockcount", nlohmann::json::array(), 1.0);
    if (!count) return;
    node.ready = true;
    start_height_ = reported_height_ = last_height_ = count->get<int64_t>();
    say("node: regtest chain at height " + std::to_string(start_height_) + ", RPC " + node_->url());
  }
  Slot& pool = slot("pool");
  if (!pool.process && !start_slot(pool)) return begin_stop("pool did not start", kStartFailed);
  if (!pool.ready) return;
  say("pool: " + opt_.scheme +
      " payouts, Stratum stratum+tcp://127.0.0.1:" + std::to_string(opt_.stratum_port) +
      ", ledger " + (opt_.datadir / "pool" / "pool.sqlite").string());
  say("dashboard: http://127.0.0.1:" + std::to_string(opt_.api_port) + "/");
  for (size_t i = 0; i < workers_.size(); ++i) {
    Slot& m = slot(workers_[i].name);
    if (!start_slot(m)) return begin_stop(m.name + " did not start", kStartFailed);
    say(m.name + ": mining to " + workers_[i].key.address + " (" + std::to_string(opt_.threads) +
        " CPU threads" + (i == 0 && !opt_.cpu_only ? ", plus every GPU that passes" : "") + ")");
  }
  say(opt_.blocks > 0 ? "running until " + std::to_string(opt_.blocks) + " new blocks"
                      : "running; Ctrl-C stops every process cleanly");
  phase_ = Phase::kRunning;
}

void StackApp::tick_running() {
  for (auto& s : slots_) {
    if (!s->process && s->restart_at >= 0 && elapsed_s() >= s->restart_at) {
      say(s->name + ": restarting (restart " + std::to_string(s->restarts) + ")");
      if (!start_slot(*s)) return begin_stop(s->name + " did not restart", kStartFailed);
      continue;
    }
  }
  Slot& node = slot("node");
  if (node.process && !node.ready) {
    if (node_->call("getblockcount", nlohmann::json::array(), 1.0).ok()) {
      node.ready = true;
      say("node: answering again");
    }
  }
  report_new_blocks();
  if (elapsed_s() >= next_status_at_) {
    next_status_at_ = elapsed_s() + 10;
    print_status();
  }
  if (opt_.timeout_s > 0 && elapsed_s() > opt_.timeout_s) {
    return begin_stop("timeout: --blocks not reached in " +
                          std::to_string(static_cast<int>(opt_.timeout_s)) + " s",
                      kTimedOut);
  }
}

void StackApp::report_new_blocks() {
  Slot& node = slot("node");
  if (!node.ready) return;
  auto count = node_->call("getblockcount", nlohmann::json::array(), 2.0);
  if (!count) return;
  last_height_ = count->get<int64_t>();
  for (int64_t h = reported_height_ + 1; h <= last_height_; ++h) {
    auto payout = fetch_coinbase_at(*node_, h, kPoolTag);
    if (!payout) break;  // try again at the next tick
    std::string paid;
    for (const auto& [address, units] : payout->by_address) {
      const std::string name = label(address);
      paid += (paid.empty() ? "" : ", ") + (name.empty() ? address : name) + " " +
              format_btr(units) + " BTR";
    }
    say("block " + std::to_string(h) + " " + payout->hash.substr(0, 16) + "... " +
        (payout->has_pool_tag ? "" : "(not from this pool) ") + "pays " + paid);
    reported_height_ = h;
  }
  if (opt_.blocks > 0 && start_height_ >= 0 &&
      last_height_ - start_height_ >= static_cast<int64_t>(opt_.blocks)) {
    begin_stop(std::to_string(opt_.blocks) + " new blocks", kOk);
  }
}

void StackApp::print_status() {
  std::string line = "status: height " + std::to_string(last_height_);
  for (const StackWorker& w : workers_) {
    const MinerReport& m = miners_[w.name];
    line += " | " + w.name + " " + format_hashrate(m.hashrate) +
            " A:" + std::to_string(m.accepted) + " R:" + std::to_string(m.rejected) +
            " blocks:" + std::to_string(m.found_blocks.size()) +
            (m.connected ? "" : " (not connected)");
  }
  say(line);
}

void StackApp::take_ledger_snapshot() {
  std::vector<std::string> addresses;
  for (const StackWorker& w : workers_) addresses.push_back(w.key.address);
  addresses.push_back(stack_operator().address);
  auto snap = read_ledger_api(opt_.api_port, addresses);
  if (snap) {
    ledger_ = std::move(*snap);
  } else {
    ledger_error_ = snap.error();
  }
}

// Miners first (nothing new reaches the pool), then the ledger is read
// through the pool's API and checked against the node, then the pool stops
// (flushing its ledger), and the node stops last.
void StackApp::tick_stopping() {
  switch (stop_step_) {
    case 0:
      for (const char* m : {"rig1", "rig2"}) {
        if (slot(m).process) slot(m).process->stop(10);
      }
      stop_step_ = 1;
      [[fallthrough]];
    case 1:
      if (!all_finished({"rig1", "rig2"})) return;
      stop_step_ = 2;
      stop_step_at_ = elapsed_s() + 1.0;  // the pool answers the last submitblock
      return;
    case 2:
      if (elapsed_s() < stop_step_at_) return;
      if (slot("pool").process && slot("pool").ready && slot("node").ready) {
        report_new_blocks();
        take_ledger_snapshot();
        if (ledger_) audit_ = audit_ledger(*ledger_, *node_, kPoolTag);
      }
      if (slot("pool").process) slot("pool").process->stop(15);
      stop_step_ = 3;
      [[fallthrough]];
    case 3:
      if (!all_finished({"pool"})) return;
      if (slot("node").process) slot("node").process->stop(30);
      stop_step_ = 4;
      [[fallthrough]];
    case 4:
      if (!all_finished({"node"})) return;
      finish();
      return;
    default:
      return;
  }
}

void StackApp::finish() {
  phase_ = Phase::kDone;
  uv_timer_stop(&tick_);
  uv_close(reinterpret_cast<uv_handle_t*>(&tick_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&sigint_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&sigterm_), nullptr);
}

int StackApp::run() {
  started_ = std::chrono::steady_clock::now();
  if (auto st = prepare(); !st) {
    std::fprintf(stderr, "btr-stack: %s\n", st.error().c_str());
    return kStartFailed;
  }
  say("btr-stack: data in " + opt_.datadir.string() + ", logs in " +
      (opt_.datadir / "logs").string());
  for (const StackWorker& w : workers_) {
    say("worker " + w.name + ": " + w.key.address + " (key = SHA-256 of \"" + w.key.secret_text +
        "\")");
  }
  const PublishedKey op = stack_operator();
  say("pool fee " + std::to_string(opt_.fee_percent).substr(0, 4) + "% to " + op.address +
      " (key = SHA-256 of \"" + op.secret_text + "\")");
  uv_timer_init(&loop_, &tick_);
  tick_.data = this;
  const auto period = static_cast<uint64_t>(kTickS * 1000);
  uv_timer_start(
      &tick_, [](uv_timer_t* t) { static_cast<StackApp*>(t->data)->on_tick(); }, 0, period);
  for (uv_signal_t* sig : {&sigint_, &sigterm_}) {
    uv_signal_init(&loop_, sig);
    sig->data = this;
    uv_signal_start(
        sig, [](uv_signal_t* s, int signum) { static_cast<StackApp*>(s->data)->on_signal(signum); },
        sig == &sigint_ ? SIGINT : SIGTERM);
  }
  uv_run(&loop_, UV_RUN_DEFAULT);
  print_summary();
  if (audit_ && !audit_->mismatches.empty()) return kMismatch;
  if (exit_code_ == kOk && !unclean_stops_.empty()) return kUncleanStop;
  return exit_code_;
}

}  // namespace btr::tools::stack
