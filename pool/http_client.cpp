#include "pool/http_client.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace btr::pool {
namespace {

constexpr int kSliceMs = 100;               // how often a stop flag is checked
constexpr size_t kMaxResponse = 64u << 20;  // a 1 MB block template is far below this

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool stopped(const std::atomic<bool>* stop) {
  return stop != nullptr && stop->load(std::memory_order_relaxed);
}

// Waits for `events` on fd until the deadline; false on timeout, stop or error.
bool wait_fd(int fd, short events, int64_t deadline_ms, const std::atomic<bool>* stop) {
  for (;;) {
    if (stopped(stop)) return false;
    const int64_t left = deadline_ms - now_ms();
    if (left <= 0) return false;
    pollfd p{fd, events, 0};
    const int r = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(left, kSliceMs)));
    if (r > 0) return true;
    if (r < 0 && errno != EINTR) return false;
  }
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

struct ParsedHead {
  int status = 0;
  bool chunked = false;
  bool has_length = false;
  size_t length = 0;
  bool close = false;
  size_t body_start = 0;
};

// Parses the status line and headers once the blank line has arrived;
// tolerates bare-LF line ends. Returns false while incomplete.
core::Result<bool> parse_head(const std::string& buf, ParsedHead& head) {
  size_t end = buf.find("\r\n\r\n");
  size_t sep = 4;
  const size_t lf = buf.find("\n\n");
  if (lf != std::string::npos && (end == std::string::npos || lf < end)) {
    end = lf;
    sep = 2;
  }
  if (end == std::string::npos) return false;
  head.body_start = end + sep;
  std::string_view text(buf.data(), end);
  size_t pos = 0;
  bool first = true;
  while (pos <= text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) nl = text.size();
    const std::string_view line = trim(text.substr(pos, nl - pos));
    pos = nl + 1;
    if (first) {
      first = false;
      if (line.substr(0, 5) != "HTTP/") return core::fail("http: bad status line");
      const size_t sp = line.find(' ');
      if (sp == std::string_view::npos || line.size() < sp + 4) {
        return core::fail("http: bad status line");
      }
      head.status = std::atoi(std::string(line.substr(sp + 1, 3)).c_str());
      continue;
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string name = lower(trim(line.substr(0, colon)));
    const std::string value = lower(trim(line.substr(colon + 1)));
    if (name == "content-length") {
      head.has_length = true;
      head.length = std::strtoull(value.c_str(), nullptr, 10);
      if (head.length > kMaxResponse) return core::fail("http: response too large");
    } else if (name == "transfer-encoding" && value.find("chunked") != std::string::npos) {
      head.chunked = true;
    } else if (name == "connection" && value == "close") {
      head.close = true;
    }
  }
  return true;
}

// Decodes a chunked body; returns false while incomplete.
core::Result<bool> dechunk(std::string_view in, std::string& out) {
  out.clear();
  size_t pos = 0;
  for (;;) {
    const size_t nl = in.find('\n', pos);
    if (nl == std::string_view::npos) return false;
    const std::string size_text(trim(in.substr(pos, nl - pos)));
    char* endp = nullptr;
    const unsigned long long n = std::strtoull(size_text.c_str(), &endp, 16);
    if (endp == size_text.c_str()) return core::fail("http: bad chunk size");
    if (n > kMaxResponse || out.size() + n > kMaxResponse) return core::fail("http: too large");
    pos = nl + 1;
    if (n == 0) return true;  // trailers are ignored
    if (in.size() < pos + n + 1) return false;
    out.append(in.substr(pos, n));
    pos += n;
    if (in[pos] == '\r') ++pos;
    if (pos >= in.size()) return false;
    if (in[pos] != '\n') return core::fail("http: bad chunk end");
    ++pos;
  }
}

}  // namespace

core::Result<HttpUrl> parse_http_url(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme)
    return core::fail("node url must start with http://");
  url.remove_prefix(kScheme.size());
  HttpUrl out;
  const size_t slash = url.find('/');
  std::string_view hostport = url.substr(0, slash);
  if (slash != std::string_view::npos) out.path = std::string(url.substr(slash));
  std::string_view port_text;
  if (!hostport.empty() && hostport.front() == '[') {
    const size_t close = hostport.find(']');
    if (close == std::string_view::npos) return core::fail("bad IPv6 literal in node url");
    out.host = std::string(hostport.substr(1, close - 1));
    if (close + 1 < hostport.size()) {
      if (hostport[close + 1] != ':') return core::fail("bad node url");
      port_text = hostport.substr(close + 2);
    }
  } else {
    const size_t colon = hostport.rfind(':');
    out.host = std::string(hostport.substr(0, colon));
    if (colon != std::string_view::npos) port_text = hostport.substr(colon + 1);
  }
  if (out.host.empty()) return core::fail("node url has no host");
  if (!port_text.empty()) {
    unsigned long p = 0;
    for (char c : port_text) {
      if (c < '0' || c > '9') return core::fail("bad port in node url");
      p = p * 10 + static_cast<unsigned long>(c - '0');
      if (p > 65535) return core::fail("bad port in node url");
    }
    if (p == 0) return core::fail("bad port in node url");
    out.port = static_cast<uint16_t>(p);
  }
  return out;
}

std::string basic_auth(std::string_view user, std::string_view password) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string in(user);
  in += ':';
  in += password;
  std::string out = "Basic ";
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t v = uint32_t{static_cast<uint8_t>(in[i])} << 16 |
                       uint32_t{static_cast<uint8_t>(in[i + 1])} << 8 |
                       static_cast<uint8_t>(in[i + 2]);
    for (int k = 18; k >= 0; k -= 6) out += kAlphabet[(v >> k) & 63];
  }
  if (i < in.size()) {
    uint32_t v = uint32_t{static_cast<uint8_t>(in[i])} << 16;
    if (i + 1 < in.size()) v |= uint32_t{static_cast<uint8_t>(in[i + 1])} << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < in.size() ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

HttpClient::~HttpClient() {
  close();
}

void HttpClient::close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

core::Status HttpClient::connect_socket(int64_t deadline_ms, const std::atomic<bool>* stop) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const std::string port = std::to_string(url_.port);
  if (::getaddrinfo(url_.host.c_str(), port.c_str(), &hints, &res) != 0 || res == nullptr) {
    return core::fail("cannot resolve " + url_.host);
  }
  std::string last_error = "connect failed";
  for (addrinfo* ai = res; ai != nullptr; ai = ai->ai_next) {
    const int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) continue;
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ||
        (errno == EINPROGRESS && wait_fd(fd, POLLOUT, deadline_ms, stop))) {
      int err = 0;
      socklen_t len = sizeof err;
      ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      if (err == 0) {
        fd_ = fd;
        ::freeaddrinfo(res);
        return core::Status::success();
      }
      last_error = std::string("connect: ") + std::strerror(err);
    }
    ::close(fd);
  }
  ::freeaddrinfo(res);
  return core::fail(last_error);
}

core::Result<HttpResponse> HttpClient::exchange(const std::string& request, int64_t deadline_ms,
                                                const std::atomic<bool>* stop,
                                                bool& server_closed) {
  server_closed = false;
  size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = ::send(fd_, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!wait_fd(fd_, POLLOUT, deadline_ms, stop)) return core::fail("http: send timeout");
    } else {
      server_closed = sent == 0;
      return core::fail("http: send failed");
    }
  }
  std::string buf;
  ParsedHead head;
  bool have_head = false;
  char chunk[16384];
  for (;;) {
    const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n > 0) {
      buf.append(chunk, static_cast<size_t>(n));
      if (buf.size() > kMaxResponse) return core::fail("http: response too large");
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!wait_fd(fd_, POLLIN, deadline_ms, stop)) return core::fail("http: timeout");
      continue;
    } else if (n < 0) {
      server_closed = buf.empty();
      return core::fail("http: recv failed");
    }
    const bool eof = n == 0;
    if (!have_head) {
      auto r = parse_head(buf, head);
      if (!r.ok()) return core::fail(r.error());
      have_head = *r;
    }
    if (have_head) {
      const std::string_view body(buf.data() + head.body_start, buf.size() - head.body_start);
      HttpResponse resp;
      resp.status = head.status;
      if (head.chunked) {
        auto done = dechunk(body, resp.body);
        if (!done.ok()) return core::fail(done.error());
        if (*done) {
          if (head.close) close();
          return resp;
        }
      } else if (head.has_length) {
        if (body.size() >= head.length) {
          resp.body = std::string(body.substr(0, head.length));
          if (head.close) close();
          return resp;
        }
      } else if (eof) {
        resp.body = std::string(body);
        close();
        return resp;
      }
    }
    if (eof) {
      server_closed = buf.empty();
      return core::fail("http: connection closed early");
    }
  }
}

core::Result<HttpResponse> HttpClient::post(std::string_view body, std::string_view authorization,
                                            int timeout_ms, const std::atomic<bool>* stop) {
  const int64_t deadline = now_ms() + timeout_ms;
  std::string req = "POST " + url_.path + " HTTP/1.1\r\nHost: " + url_.host + ":" +
                    std::to_string(url_.port) +
                    "\r\nContent-Type: application/json\r\nConnection: keep-alive\r\n";
  if (!authorization.empty()) {
    req += "Authorization: ";
    req += authorization;
    req += "\r\n";
  }
  req += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  req += body;
  for (int attempt = 0; attempt < 2; ++attempt) {
    const bool reused = fd_ >= 0;
    if (!reused) {
      auto st = connect_socket(deadline, stop);
      if (!st.ok()) return core::fail(st.error());
    }
    bool server_closed = false;
    auto r = exchange(req, deadline, stop, server_closed);
    if (r.ok()) return r;
    close();
    // Only a kept-alive connection that the server had already closed is
    // retried; anything else is reported to the caller.
    if (!(reused && server_closed)) return r;
  }
  return core::fail("http: failed");
}

}  // namespace btr::pool
