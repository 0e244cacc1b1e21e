#include "node/http_request.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace btr::node {
namespace {

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 32 && u < 127 &&
           std::string_view("()<>@,;:\\\"/[]?={}").find(c) == std::string_view::npos;
  });
}

// Finds the end of the header block: the first empty line, whether lines end
// in CRLF or LF. Returns {end of head, start of body} or npos.
std::pair<size_t, size_t> find_head_end(std::string_view buf) {
  size_t pos = 0;
  while (true) {
    const size_t nl = buf.find('\n', pos);
    if (nl == std::string_view::npos) return {std::string_view::npos, 0};
    // The line that starts after nl: empty ("\n") or "\r\n"?
    if (nl + 1 < buf.size() && buf[nl + 1] == '\n') return {nl + 1, nl + 2};
    if (nl + 2 < buf.size() && buf[nl + 1] == '\r' && buf[nl + 2] == '\n') return {nl + 1, nl + 3};
    if (nl + 2 >= buf.size() && nl + 1 < buf.size() && buf[nl + 1] == '\r') {
      return {std::string_view::npos, 0};  // need one more byte
    }
    pos = nl + 1;
  }
}

}  // namespace

std::optional<std::string_view> HttpRequest::header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return std::string_view(value);
  }
  return std::nullopt;
}

bool HttpRequest::keep_alive() const {
  const auto conn = header("connection");
  const std::string value = conn ? to_lower(*conn) : std::string();
  if (minor_version >= 1) return value.find("close") == std::string::npos;
  return value.find("keep-alive") != std::string::npos;
}

HttpRequestParser::State HttpRequestParser::fail(int status, std::string reason) {
  error_status_ = status;
  error_reason_ = std::move(reason);
  return State::kError;
}

HttpRequestParser::State HttpRequestParser::feed(std::string_view bytes) {
  if (error_status_ != 0) return State::kError;
  buf_.append(bytes);
  return poll();
}

HttpRequestParser::State HttpRequestParser::poll() {
  if (error_status_ != 0) return State::kError;
  if (done_) return State::kDone;
  if (!have_head_) {
    // Tolerate empty lines before a request line (RFC 9112 2.2).
    size_t skip = 0;
    while (skip < buf_.size() && (buf_[skip] == '\r' || buf_[skip] == '\n')) ++skip;
    if (skip > 0) buf_.erase(0, skip);
    const auto [head_end, body_start] = find_head_end(buf_);
    if (head_end == std::string_view::npos) {
      if (buf_.size() > limits_.max_header_bytes) return fail(431, "headers too large");
      return State::kNeedMore;
    }
    if (head_end > limits_.max_header_bytes) return fail(431, "headers too large");
    const State s = parse_head(head_end, body_start);
    if (s == State::kError) return s;
  }
  if (buf_.size() - body_start_ < content_length_) return State::kNeedMore;
  current_.body.assign(buf_, body_start_, content_length_);
  buf_.erase(0, body_start_ + content_length_);
  have_head_ = false;
  done_ = true;
  return State::kDone;
}

HttpRequestParser::State HttpRequestParser::parse_head(size_t head_end, size_t body_start) {
  current_ = HttpRequest{};
  const std::string_view head(buf_.data(), head_end);
  size_t pos = 0;
  bool first = true;
  bool have_length = false;
  while (pos < head.size()) {
    size_t nl = head.find('\n', pos);
    if (nl == std::string_view::npos) nl = head.size();
    std::string_view line = head.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = nl + 1;
    if (first) {
      first = false;
      const size_t sp1 = line.find(' ');
      const size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
      if (sp2 == std::string_view::npos) return fail(400, "bad request line");
      current_.method = std::string(line.substr(0, sp1));
      current_.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
      const std::string_view version = line.substr(sp2 + 1);
      if (!is_token(current_.method) || current_.target.empty())
        return fail(400, "bad request line");
      if (version == "HTTP/1.1") {
        current_.minor_version = 1;
      } else if (version == "HTTP/1.0") {
        current_.minor_version = 0;
      } else {
        return fail(505, "unsupported HTTP version");
      }
      continue;
    }
    if (line.empty() || line.front() == ' ' || line.front() == '\t') {
      return fail(400, "bad header line");
    }
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) {
      return fail(400, "bad header line");
    }
    std::string name = to_lower(line.substr(0, colon));
    std::string value(trim(line.substr(colon + 1)));
    if (name == "transfer-encoding") return fail(501, "transfer-encoding not supported");
    if (name == "content-length") {
      size_t length = 0;
      const auto res = std::from_chars(value.data(), value.data() + value.size(), length);
      if (res.ec != std::errc() || res.ptr != value.data() + value.size() || value.empty()) {
        return fail(400, "bad content-length");
      }
      if (have_length && length != content_length_) return fail(400, "conflicting content-length");
      have_length = true;
      content_length_ = length;
    }
    current_.headers.emplace_back(std::move(name), std::move(value));
  }
  if (first) return fail(400, "empty request");
  if (!have_length) content_length_ = 0;
  if (content_length_ > limits_.max_body_bytes) return fail(413, "body too large");
  have_head_ = true;
  body_start_ = body_start;
  return State::kNeedMore;
}

HttpRequest HttpRequestParser::take() {
  done_ = false;
  return std::move(current_);
}

}  // namespace btr::node
