#include "pool/http/http_request.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace btr::pool::http {
namespace {

ParseResult error(int status, std::string reason) {
  ParseResult r;
  r.state = ParseResult::State::kError;
  r.status = status;
  r.reason = std::move(reason);
  return r;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool is_token(std::string_view s) {
  if (s.empty()) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
           c == '!' || c == '#' || c == '$' || c == '%' || c == '&' || c == '\'' || c == '*' ||
           c == '+' || c == '^' || c == '`' || c == '|' || c == '~';
  });
}

// Request line: METHOD SP TARGET SP HTTP/1.x
ParseResult parse_request_line(std::string_view line, const RequestLimits& limits, Request& out) {
  const size_t sp1 = line.find(' ');
  const size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) return error(400, "malformed request line");
  const std::string_view method = line.substr(0, sp1);
  const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (!is_token(method) || method.size() > 16) return error(400, "bad method");
  if (version != "HTTP/1.1" && version != "HTTP/1.0") return error(505, "HTTP/1.x only");
  if (target.size() > limits.max_target_bytes) return error(414, "URI too long");
  if (target.empty() || target.front() != '/') return error(400, "target must be an absolute path");
  out.method = std::string(method);
  const size_t q = target.find('?');
  const std::string_view raw_path = target.substr(0, q);
  if (q != std::string_view::npos) out.query = std::string(target.substr(q + 1));
  if (!percent_decode(raw_path, out.path, false)) return error(400, "bad percent escape in path");
  if (out.path.find('\0') != std::string::npos) return error(400, "NUL in path");
  return {};
}

}  // namespace

bool percent_decode(std::string_view in, std::string& out, bool plus_is_space) {
  out.clear();
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size()) return false;
      const int hi = hex_value(in[i + 1]);
      const int lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0) return false;
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return true;
}

std::string Request::query_param(std::string_view name) const {
  std::string_view rest = query;
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view{} : rest.substr(amp + 1);
    const size_t eq = pair.find('=');
    std::string key;
    if (!percent_decode(pair.substr(0, eq), key, true) || key != name) continue;
    std::string value;
    if (eq != std::string_view::npos && percent_decode(pair.substr(eq + 1), value, true))
      return value;
    return {};
  }
  return {};
}

std::string Request::header(std::string_view lower_name) const {
  const auto it = headers.find(std::string(lower_name));
  return it == headers.end() ? std::string() : it->second;
}

ParseResult parse_request(std::string_view buffer, const RequestLimits& limits, Request& out) {
  const size_t end = buffer.find("\r\n\r\n");
  if (end == std::string_view::npos) {
    if (buffer.size() > limits.max_header_bytes) return error(431, "headers too large");
    return {};
  }
  if (end + 4 > limits.max_header_bytes) return error(431, "headers too large");
  out = Request{};
  std::string_view head = buffer.substr(0, end);
  size_t eol = head.find("\r\n");
  if (auto r = parse_request_line(head.substr(0, eol), limits, out);
      r.state == ParseResult::State::kError) {
    return r;
  }
  while (eol != std::string_view::npos) {
    head.remove_prefix(eol + 2);
    eol = head.find("\r\n");
    const std::string_view line = head.substr(0, eol);
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon)))
      return error(400, "malformed header");
    std::string name = lower(line.substr(0, colon));
    if (out.headers.size() >= 64) return error(431, "too many headers");
    out.headers[std::move(name)] = std::string(trim(line.substr(colon + 1)));
  }
  if (out.headers.count("transfer-encoding") != 0) return error(501, "chunked bodies unsupported");
  size_t body_len = 0;
  if (const auto it = out.headers.find("content-length"); it != out.headers.end()) {
    const std::string& v = it->second;
    const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), body_len);
    if (ec != std::errc() || ptr != v.data() + v.size() || v.empty())
      return error(400, "bad Content-Length");
    if (body_len > limits.max_body_bytes) return error(413, "body too large");
  } else if (out.method == "POST" || out.method == "PUT") {
    return error(411, "Content-Length required");
  }
  const size_t total = end + 4 + body_len;
  if (buffer.size() < total) return {};
  out.body = std::string(buffer.substr(end + 4, body_len));
  ParseResult r;
  r.state = ParseResult::State::kDone;
  r.consumed = total;
  return r;
}

}  // namespace btr::pool::http
