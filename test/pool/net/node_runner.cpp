#include "test/pool/net/node_runner.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

extern char** environ;

namespace btr::test {

uint16_t free_loopback_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
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

int connect_loopback(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) return fd;
  ::close(fd);
  return -1;
}

bool ChildProcess::start(const std::vector<std::string>& argv, const std::filesystem::path& log) {
  if (pid_ > 0) return false;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  if (posix_spawn(&pid_, args[0], &fa, nullptr, args.data(), environ) != 0) pid_ = -1;
  posix_spawn_file_actions_destroy(&fa);
  return pid_ > 0;
}

int ChildProcess::stop(int timeout_ms) {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  for (int waited = 0; waited < timeout_ms; waited += 20) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  kill9();
  return -1;
}

void ChildProcess::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

bool ChildProcess::running() {
  if (pid_ <= 0) return false;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return false;
  }
  return true;
}

RegtestNode::RegtestNode(std::string binary, std::filesystem::path dir,
                         std::vector<std::string> extra_args)
    : binary_(std::move(binary)),
      dir_(std::move(dir)),
      extra_(std::move(extra_args)),
      rpc_port_(free_loopback_port()) {}

core::Status RegtestNode::start() {
  std::error_code ec;
  std::filesystem::create_directories(dir_, ec);
  // The node writes a fresh cookie at each start: wait for that one.
  std::filesystem::remove(cookie_file(), ec);
  std::vector<std::string> argv = {binary_,
                                   "--regtest",
                                   "--datadir=" + dir_.string(),
                                   "--rpcport=" + std::to_string(rpc_port_),
                                   "--port=0",
                                   "--listen=0"};
  argv.insert(argv.end(), extra_.begin(), extra_.end());
  if (!process_.start(argv, log_file())) return core::fail("cannot start " + binary_);
  for (int i = 0; i < 400; ++i) {
    if (!process_.running()) return core::fail("btr-node exited at start (see node.log)");
    if (std::filesystem::exists(cookie_file())) {
      auto count = call("getblockcount");
      if (count.ok()) return core::Status::success();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return core::fail("btr-node did not answer within 20 s");
}

core::Result<nlohmann::json> RegtestNode::call(const std::string& method, nlohmann::json params) {
  auto url = pool::parse_http_url(this->url());
  if (!url.ok()) return core::fail(url.error());
  pool::RpcClient rpc(*url, pool::RpcCredentials{cookie_file().string(), "", ""});
  auto reply = rpc.call(method, params, 30000);
  if (!reply.ok()) return core::fail(reply.error());
  if (reply->is_error) return core::fail(method + ": " + reply->error_message);
  return reply->result;
}

}  // namespace btr::test
