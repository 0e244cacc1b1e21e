#include "test/node/net/node_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <random>
#include <thread>

#include "node/rpc_auth.h"
#include "test/common/test_util.h"

namespace btr::test {
namespace {

std::string read_line(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  return line;
}

pid_t spawn(const std::string& path, const std::vector<std::string>& args, int out_fd) {
  const pid_t pid = fork();
  if (pid != 0) return pid;
  const int null_fd = open("/dev/null", O_WRONLY);
  dup2(out_fd >= 0 ? out_fd : null_fd, 1);
  dup2(null_fd, 2);
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(path.c_str()));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  execv(path.c_str(), argv.data());
  _exit(127);
}

int wait_pid(pid_t pid, int timeout_ms) {
  for (int waited = 0; waited < timeout_ms; waited += 10) {
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return -1;
}

}  // namespace

RunResult run_program(const std::string& path, const std::vector<std::string>& args) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  const pid_t pid = spawn(path, args, fds[1]);
  close(fds[1]);
  RunResult r;
  char buf[4096];
  ssize_t n = 0;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) r.output.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  r.exit_code = wait_pid(pid, 60000);
  return r;
}

std::string basic_auth(const std::string& credentials) {
  return "Basic " + node::base64_encode(credentials);
}

NodeProcess::NodeProcess(std::vector<std::string> extra_args) : extra_(std::move(extra_args)) {
  std::mt19937_64 rng(seed() ^ static_cast<uint64_t>(getpid()) ^
                      static_cast<uint64_t>(reinterpret_cast<uintptr_t>(this)));
  base_ = std::filesystem::temp_directory_path() / ("btr_node_net_" + std::to_string(rng()));
  std::filesystem::create_directories(base_);
}

NodeProcess::~NodeProcess() {
  if (pid_ > 0) kill9();
  std::error_code ec;
  std::filesystem::remove_all(base_, ec);
}

std::vector<std::string> NodeProcess::node_args() const {
  std::vector<std::string> args = {"--regtest", "--datadir=" + base_.string(), "--rpcport=0",
                                   "--printtoconsole=0", "--bind=127.0.0.1", "--port=0"};
  args.insert(args.end(), extra_.begin(), extra_.end());
  return args;
}

bool NodeProcess::start() {
  std::error_code ec;
  std::filesystem::remove(datadir() / "rpcport", ec);
  pid_ = spawn(BTR_NODE_BIN, node_args(), -1);
  for (int waited = 0; waited < 20000; waited += 20) {
    const std::string p = read_line(datadir() / "rpcport");
    if (!p.empty()) {
      port_ = static_cast<uint16_t>(std::stoi(p));
      return true;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

void NodeProcess::kill9() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  wait_pid(pid_, 10000);
  pid_ = -1;
}

int NodeProcess::terminate() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGTERM);
  return wait_exit(20000);
}

int NodeProcess::wait_exit(int timeout_ms) {
  const int code = wait_pid(pid_, timeout_ms);
  if (code >= 0) pid_ = -1;
  return code;
}

std::string NodeProcess::cookie() const {
  return read_line(datadir() / ".cookie");
}

std::string NodeProcess::raw(const std::string& request_bytes) const {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port_);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval tv{30, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string out;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    (void)send(fd, request_bytes.data(), request_bytes.size(), MSG_NOSIGNAL);
    // Read one response: headers, then Content-Length bytes.
    char buf[65536];
    while (true) {
      const size_t head = out.find("\r\n\r\n");
      if (head != std::string::npos) {
        const size_t cl = out.find("Content-Length: ");
        const size_t len = cl == std::string::npos ? 0 : std::stoul(out.substr(cl + 16));
        if (out.size() >= head + 4 + len) break;
      }
      const ssize_t n = recv(fd, buf, sizeof buf, 0);
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
  }
  close(fd);
  return out;
}

nlohmann::json NodeProcess::call(const std::string& method, nlohmann::json params,
                                 const std::string& credentials) const {
  const nlohmann::json req = {
      {"jsonrpc", "1.0"}, {"id", 1}, {"method", method}, {"params", params}};
  const std::string body = req.dump();
  const std::string http = "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " +
                           basic_auth(credentials.empty() ? cookie() : credentials) +
                           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  const nlohmann::json reply = nlohmann::json::parse(http_body(raw(http)), nullptr, false);
  return reply.is_discarded() ? nlohmann::json() : reply;
}

int http_status(const std::string& response) {
  return response.size() > 12 ? std::atoi(response.c_str() + 9) : 0;
}

std::string http_body(const std::string& response) {
  const size_t head = response.find("\r\n\r\n");
  return head == std::string::npos ? std::string() : response.substr(head + 4);
}

}  // namespace btr::test
