#include "tools/miner/http_rpc.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

namespace btr::tools::miner {
namespace {

using Clock = std::chrono::steady_clock;

class Socket {
 public:
  Socket() = default;
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd_ = -1;
};

// Waits for `events` on fd until the deadline or stop; true when ready.
bool wait_fd(int fd, short events, Clock::time_point deadline, const std::atomic<bool>* stop) {
  while (Clock::now() < deadline) {
    if (stop != nullptr && stop->load()) return false;
    pollfd p{fd, events, 0};
    const int rc = ::poll(&p, 1, 100);
    if (rc > 0) return true;
    if (rc < 0 && errno != EINTR) return false;
  }
  return false;
}

core::Status connect_to(Socket& sock, const RpcEndpoint& ep, Clock::time_point deadline,
                        const std::atomic<bool>* stop) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (::getaddrinfo(ep.host.c_str(), std::to_string(ep.port).c_str(), &hints, &res) != 0 ||
      res == nullptr) {
    return core::fail("cannot resolve " + ep.host);
  }
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> owned(res, &::freeaddrinfo);
  sock.fd_ = ::socket(res->ai_family, res->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (sock.fd_ < 0) return core::fail("socket failed");
  if (::connect(sock.fd_, res->ai_addr, res->ai_addrlen) != 0 && errno != EINPROGRESS) {
    return core::fail("connect to " + ep.host + ": " + std::strerror(errno));
  }
  if (!wait_fd(sock.fd_, POLLOUT, deadline, stop)) return core::fail("connect timeout");
  int err = 0;
  socklen_t len = sizeof err;
  ::getsockopt(sock.fd_, SOL_SOCKET, SO_ERROR, &err, &len);
  if (err != 0) return core::fail("connect to " + ep.host + ": " + std::strerror(err));
  return core::Status::success();
}

core::Status send_all(int fd, std::string_view data, Clock::time_point deadline,
                      const std::atomic<bool>* stop) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!wait_fd(fd, POLLOUT, deadline, stop)) return core::fail("send timeout");
    } else {
      return core::fail("send failed");
    }
  }
  return core::Status::success();
}

// Reads until the peer closes (we asked for Connection: close) or the body is complete.
core::Result<std::string> read_response(int fd, Clock::time_point deadline,
                                        const std::atomic<bool>* stop) {
  std::string data;
  char buf[16384];
  constexpr size_t kMaxResponse = 64 << 20;
  while (true) {
    const size_t header_end = data.find("\r\n\r\n");
    if (header_end != std::string::npos) {
      const std::string head = data.substr(0, header_end);
      std::string lower = head;
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      const size_t cl = lower.find("content-length:");
      if (cl != std::string::npos) {
        size_t length = 0;
        size_t pos = cl + 15;
        while (pos < head.size() && head[pos] == ' ') ++pos;
        std::from_chars(head.data() + pos, head.data() + head.size(), length);
        if (data.size() >= header_end + 4 + length) return data.substr(0, header_end + 4 + length);
      }
    }
    if (!wait_fd(fd, POLLIN, deadline, stop)) return core::fail("timeout waiting for the node");
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n == 0) return data;
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return core::fail("receive failed");
    }
    data.append(buf, static_cast<size_t>(n));
    if (data.size() > kMaxResponse) return core::fail("response too large");
  }
}

}  // namespace

core::Result<RpcEndpoint> parse_rpc_url(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) return core::fail("RPC URL must start with http://");
  url.remove_prefix(kScheme.size());
  RpcEndpoint ep;
  const size_t slash = url.find('/');
  if (slash != std::string_view::npos) {
    ep.path = std::string(url.substr(slash));
    url = url.substr(0, slash);
  }
  const size_t colon = url.rfind(':');
  if (colon == std::string_view::npos) return core::fail("RPC URL needs HOST:PORT");
  ep.host = std::string(url.substr(0, colon));
  if (ep.host.starts_with('[') && ep.host.ends_with(']'))
    ep.host = ep.host.substr(1, ep.host.size() - 2);
  unsigned port = 0;
  const std::string_view port_text = url.substr(colon + 1);
  const auto [ptr, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ep.host.empty() || ec != std::errc() || ptr != port_text.data() + port_text.size() ||
      port == 0 || port > 65535) {
    return core::fail("bad RPC URL");
  }
  ep.port = static_cast<uint16_t>(port);
  return ep;
}

std::string base64_encode(std::string_view in) {
  static constexpr char kTable[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t v = uint32_t{static_cast<uint8_t>(in[i])} << 16 |
                       uint32_t{static_cast<uint8_t>(in[i + 1])} << 8 |
                       static_cast<uint8_t>(in[i + 2]);
    out += kTable[v >> 18];
    out += kTable[(v >> 12) & 63];
    out += kTable[(v >> 6) & 63];
    out += kTable[v & 63];
  }
  if (i + 1 == in.size()) {
    const uint32_t v = uint32_t{static_cast<uint8_t>(in[i])} << 16;
    out += kTable[v >> 18];
    out += kTable[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == in.size()) {
    const uint32_t v = uint32_t{static_cast<uint8_t>(in[i])} << 16 |
                       uint32_t{static_cast<uint8_t>(in[i + 1])} << 8;
    out += kTable[v >> 18];
    out += kTable[(v >> 12) & 63];
    out += kTable[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

core::Result<std::string> read_cookie_file(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return core::fail("cannot read cookie file " + path);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  if (line.find(':') == std::string::npos) return core::fail("cookie file has no user:password");
  return line;
}

core::Result<nlohmann::json> JsonRpcClient::call(const std::string& method,
                                                 const nlohmann::json& params, double timeout_s,
                                                 const std::atomic<bool>* stop) const {
  const auto deadline =
      Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(timeout_s * 1000));
  const std::string body = nlohmann::json{
      {"jsonrpc", "1.0"},
      {"id", "btr-miner"},
      {"method", method},
      {"params", params}}.dump();
  std::ostringstream request;
  request << "POST " << endpoint_.path << " HTTP/1.1\r\nHost: " << endpoint_.host << ":"
          << endpoint_.port << "\r\nContent-Type: application/json\r\nConnection: close\r\n";
  if (!endpoint_.authorization.empty())
    request << "Authorization: " << endpoint_.authorization << "\r\n";
  request << "Content-Length: " << body.size() << "\r\n\r\n" << body;
  Socket sock;
  if (auto ok = connect_to(sock, endpoint_, deadline, stop); !ok) return core::fail(ok.error());
  if (auto ok = send_all(sock.fd_, request.str(), deadline, stop); !ok)
    return core::fail(ok.error());
  auto response = read_response(sock.fd_, deadline, stop);
  if (!response) return core::fail(response.error());
  const size_t header_end = response->find("\r\n\r\n");
  if (!response->starts_with("HTTP/1.") || header_end == std::string::npos) {
    return core::fail("not an HTTP response");
  }
  const int status = std::atoi(response->c_str() + 9);
  if (status == 401 || status == 403)
    return core::fail("RPC authorization refused (HTTP " + std::to_string(status) + ")");
  auto reply = nlohmann::json::parse(response->substr(header_end + 4), nullptr, false);
  if (reply.is_discarded() || !reply.is_object()) {
    return core::fail("HTTP " + std::to_string(status) + " without a JSON-RPC reply");
  }
  if (reply.contains("error") && !reply["error"].is_null()) {
    const auto& e = reply["error"];
    return core::fail(e.is_object() ? e.value("message", e.dump()) : e.dump());
  }
  return reply.value("result", nlohmann::json());
}

}  // namespace btr::tools::miner
