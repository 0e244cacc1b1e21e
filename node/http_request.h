#pragma once
// A small, strict HTTP/1.1 request parser for the JSON-RPC server. It takes
// what RPC clients send: a request line, headers ending in CRLF or in bare LF
// (ckpool sends bare LF), and a body framed by Content-Length. Chunked bodies
// are refused (501), as are oversized headers (431) and bodies (413).
// The parser is incremental: feed() it bytes as they arrive; it never copies
// more than one request's worth of input.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace btr::node {

struct HttpRequest {
  std::string method;
  std::string target;
  int minor_version = 1;                                     // HTTP/1.<minor>
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;

  // The first header of that (lower-case) name.
  std::optional<std::string_view> header(std::string_view lower_name) const;
  // HTTP/1.1 keeps the connection unless "Connection: close"; 1.0 closes
  // unless "Connection: keep-alive".
  bool keep_alive() const;
};

struct HttpLimits {
  size_t max_header_bytes = 16 * 1024;
  size_t max_body_bytes = 16 * 1024 * 1024;
};

class HttpRequestParser {
 public:
  enum class State { kNeedMore, kDone, kError };

  explicit HttpRequestParser(HttpLimits limits) : limits_(limits) {}

  // Appends bytes to the pending input and tries to complete a request.
  // After kDone, take() the request; bytes beyond it stay buffered for the
  // next one (pipelining). After kError the connection must be answered with
  // error_status() and closed.
  State feed(std::string_view bytes);
  // Re-examines the buffered input (after take(), for pipelined requests).
  State poll();
  HttpRequest take();

  int error_status() const { return error_status_; }
  const std::string& error_reason() const { return error_reason_; }
  size_t buffered() const { return buf_.size(); }

 private:
  State fail(int status, std::string reason);
  State parse_head(size_t head_end, size_t body_start);

  HttpLimits limits_;
  std::string buf_;
  bool have_head_ = false;
  size_t body_start_ = 0;
  size_t content_length_ = 0;
  HttpRequest current_;
  bool done_ = false;
  int error_status_ = 0;
  std::string error_reason_;
};

}  // namespace btr::node
