#include "tools/cli/rpc_client.h"

#include <netdb.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

namespace btr::tools {
namespace {

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  int fd() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

std::string base64(const std::string& in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t v = uint32_t{static_cast<uint8_t>(in[i])} << 16 |
                       uint32_t{static_cast<uint8_t>(in[i + 1])} << 8 |
                       static_cast<uint8_t>(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  if (in.size() - i == 1) {
    const uint32_t v = uint32_t{static_cast<uint8_t>(in[i])} << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += "==";
  } else if (in.size() - i == 2) {
    const uint32_t v = uint32_t{static_cast<uint8_t>(in[i])} << 16 |
                       uint32_t{static_cast<uint8_t>(in[i + 1])} << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

core::Result<HttpAnswer> http_post(const std::string& host, uint16_t port,
                                   const std::string& user_colon_password, const std::string& body,
                                   int timeout_s) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) != 0 ||
      res == nullptr) {
    return core::fail("cannot resolve " + host);
  }
  Socket sock(::socket(res->ai_family, res->ai_socktype, res->ai_protocol));
  const int rc = sock.fd() < 0 ? -1 : ::connect(sock.fd(), res->ai_addr, res->ai_addrlen);
  freeaddrinfo(res);
  if (rc != 0) {
    return core::fail("Could not connect to the server " + host + ":" + std::to_string(port) +
                      "\n\nMake sure the btr-node server is running and that you are connecting to "
                      "the correct RPC port.");
  }
  timeval tv{timeout_s, 0};
  setsockopt(sock.fd(), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  std::string req =
      "POST / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n" + "Authorization: Basic " +
      base64(user_colon_password) + "\r\n" +
      "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
      "\r\n\r\n" + body;
  for (size_t sent = 0; sent < req.size();) {
    const ssize_t n = ::send(sock.fd(), req.data() + sent, req.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return core::fail("send failed");
    sent += static_cast<size_t>(n);
  }
  std::string in;
  char buf[65536];
  while (true) {
    const ssize_t n = ::recv(sock.fd(), buf, sizeof buf, 0);
    if (n < 0) return core::fail("no answer from the server (timeout)");
    if (n == 0) break;
    in.append(buf, static_cast<size_t>(n));
  }
  const size_t head_end = in.find("\r\n\r\n");
  if (in.rfind("HTTP/1.", 0) != 0 || head_end == std::string::npos) {
    return core::fail("malformed HTTP answer");
  }
  HttpAnswer a;
  a.status = std::atoi(in.c_str() + 9);
  a.body = in.substr(head_end + 4);
  return a;
}

}  // namespace btr::tools
