#include "tools/p2p_bench/node_runner.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "tools/cli/rpc_client.h"

namespace btr::tools {
namespace {

std::string first_line(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

NodeRunner::NodeRunner(std::string binary, std::filesystem::path base,
                       std::vector<std::string> args)
    : binary_(std::move(binary)), base_(std::move(base)), args_(std::move(args)) {}

NodeRunner::~NodeRunner() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

bool NodeRunner::start() {
  std::filesystem::create_directories(base_);
  std::error_code ec;
  std::filesystem::remove(datadir() / "rpcport", ec);
  std::vector<std::string> all = {
      binary_,       "--regtest",          "--datadir=" + base_.string(),
      "--rpcport=0", "--printtoconsole=0", "--bind=127.0.0.1",
      "--port=0"};
  all.insert(all.end(), args_.begin(), args_.end());
  pid_ = fork();
  if (pid_ == 0) {
    const int null_fd = open("/dev/null", O_WRONLY);
    dup2(null_fd, 1);
    dup2(null_fd, 2);
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(binary_.c_str(), argv.data());
    _exit(127);
  }
  for (int waited = 0; waited < 30000; waited += 20) {
    const std::string port = first_line(datadir() / "rpcport");
    if (!port.empty()) {
      rpc_port_ = static_cast<uint16_t>(std::stoi(port));
      cookie_ = first_line(datadir() / ".cookie");
      return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

void NodeRunner::stop() {
  if (pid_ <= 0) return;
  (void)call("stop");
  for (int waited = 0; waited < 60000; waited += 20) {
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

nlohmann::json NodeRunner::call(const std::string& method, nlohmann::json params) {
  const nlohmann::json req = {
      {"jsonrpc", "1.0"}, {"id", 1}, {"method", method}, {"params", params}};
  auto answer = http_post("127.0.0.1", rpc_port_, cookie_, req.dump(), 600);
  if (!answer) return nlohmann::json{{"error", answer.error()}};
  const auto reply = nlohmann::json::parse(answer->body, nullptr, false);
  return reply.is_discarded() ? nlohmann::json{{"error", "bad reply"}} : reply;
}

uint16_t NodeRunner::p2p_port() {
  const auto local = call("getnetworkinfo")["result"]["localaddresses"];
  return local.is_array() && !local.empty() ? local[0]["port"].get<uint16_t>() : 0;
}

}  // namespace btr::tools
