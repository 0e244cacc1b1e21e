#include "test/tools/miner_net/real_stack.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

namespace btr::test {
namespace {

bool port_accepts(uint16_t port) {
  const int fd = connect_loopback(port);
  if (fd >= 0) ::close(fd);
  return fd >= 0;
}

// One request on a fresh connection; the server closes after its answer.
std::string http_exchange(uint16_t port, const std::string& request) {
  const int fd = connect_loopback(port);
  std::string reply;
  if (fd < 0) return reply;
  if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
      static_cast<ssize_t>(request.size())) {
    const int64_t deadline = steady_ms() + 5000;
    char chunk[4096];
    while (steady_ms() < deadline) {
      pollfd p{fd, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) break;
      reply.append(chunk, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  return reply;
}

std::vector<nlohmann::json> read_json_lines(const std::filesystem::path& path) {
  std::vector<nlohmann::json> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_object()) out.push_back(std::move(j));
  }
  return out;
}

}  // namespace

int64_t steady_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

void sleep_ms(int ms) {
  std::this_thread::sleep_for(std::chrono::milliseconds(ms));
}

std::string real_stack_missing() {
#if defined(BTR_NODE_BINARY) && defined(BTR_POOL_BINARY) && defined(BTR_MINER_BINARY)
  for (const char* path : {BTR_NODE_BINARY, BTR_POOL_BINARY, BTR_MINER_BINARY}) {
    if (!std::filesystem::exists(path)) return std::string(path) + " has not been built";
  }
  return "";
#else
  return "btr-node, btr-pool or btr-miner is not part of this build";
#endif
}

std::string node_binary() {
#ifdef BTR_NODE_BINARY
  return BTR_NODE_BINARY;
#else
  return "";
#endif
}

ScratchDir::ScratchDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "btr-miner-net-XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

PoolProcess::PoolProcess(const RegtestNode& node, std::filesystem::path dir,
                         std::string admin_token, bool shutdown_reconnect)
    : node_(node),
      dir_(std::move(dir)),
      token_(std::move(admin_token)),
      shutdown_reconnect_(shutdown_reconnect),
      stratum_port_(free_loopback_port()),
      api_port_(free_loopback_port()) {}

core::Status PoolProcess::start() {
#ifdef BTR_POOL_BINARY
  std::filesystem::create_directories(dir_);
  const auto config = dir_ / "pool.json";
  {
    std::ofstream out(config);
    // Quick vardiff (a share every 5 s, retarget every 3 s) so a test sees a
    // difficulty change between jobs within seconds.
    nlohmann::json cfg = {
        {"admin_token", token_},
        {"shutdown_reconnect", shutdown_reconnect_},
        {"shutdown_reconnect_wait_s", 2},
        {"ports",
         nlohmann::json::array({{{"target_share_interval_s", 5}, {"retarget_interval_s", 3}}})}};
    out << cfg.dump();
  }
  const std::vector<std::string> argv = {BTR_POOL_BINARY,
                                         "--network",
                                         "regtest",
                                         "--datadir",
                                         dir_.string(),
                                         "--node-url",
                                         node_.url(),
                                         "--node-cookie",
                                         node_.cookie_file().string(),
                                         "--bind",
                                         "127.0.0.1",
                                         "--stratum-port",
                                         std::to_string(stratum_port_),
                                         "--api-port",
                                         std::to_string(api_port_),
                                         "--config",
                                         config.string()};
  if (!process_.start(argv, log_file())) return core::fail("cannot start btr-pool");
  for (int i = 0; i < 200; ++i) {
    if (!process_.running()) return core::fail("btr-pool exited at start (see pool.log)");
    if (port_accepts(stratum_port_) && port_accepts(api_port_)) return core::Status::success();
    sleep_ms(50);
  }
  return core::fail("btr-pool did not listen within 10 s");
#else
  return core::fail("btr-pool is not part of this build");
#endif
}

int PoolProcess::admin_post(const std::string& path, const std::string& json_body,
                            std::string* body) {
  const std::string request =
      "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token_ +
      "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(json_body.size()) +
      "\r\n\r\n" + json_body;
  const std::string reply = http_exchange(api_port_, request);
  if (reply.size() < 12 || reply.rfind("HTTP/1.", 0) != 0) return 0;
  if (body != nullptr) {
    const size_t head = reply.find("\r\n\r\n");
    *body = head == std::string::npos ? std::string() : reply.substr(head + 4);
  }
  return std::atoi(reply.c_str() + 9);
}

bool MinerProcess::start(const std::vector<std::string>& args) {
#ifdef BTR_MINER_BINARY
  std::vector<std::string> argv = {BTR_MINER_BINARY, "--json-log", "--status-interval", "1"};
  argv.insert(argv.end(), args.begin(), args.end());
  return process_.start(argv, log_file());
#else
  (void)args;
  return false;
#endif
}

nlohmann::json MinerProcess::status() const {
  nlohmann::json last;
  for (nlohmann::json& j : read_json_lines(log_file())) {
    if (j.value("event", "") == "status") last = std::move(j);
  }
  return last;
}

std::vector<std::string> MinerProcess::messages() const {
  std::vector<std::string> out;
  for (const nlohmann::json& j : read_json_lines(log_file())) {
    if (j.contains("message") && j["message"].is_string()) out.push_back(j["message"]);
  }
  return out;
}

bool MinerProcess::wait_message(const std::string& text, int timeout_ms, size_t skip) const {
  const int64_t deadline = steady_ms() + timeout_ms;
  while (steady_ms() < deadline) {
    const auto all = messages();
    for (size_t i = skip; i < all.size(); ++i) {
      if (all[i].find(text) != std::string::npos) return true;
    }
    sleep_ms(100);
  }
  return false;
}

}  // namespace btr::test
