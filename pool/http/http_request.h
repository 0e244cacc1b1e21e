#pragma once
// HTTP/1.1 request parsing for the pool's API server: request line, headers
// and a Content-Length body, all bounded. Pure (no I/O) so every malformed
// input is unit-tested; the server answers a parse error with its status
// (400, 405, 411, 413, 414, 431, 501) and closes the connection.

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

namespace btr::pool::http {

struct RequestLimits {
  size_t max_header_bytes = 8 * 1024;  // request line + headers
  size_t max_body_bytes = 64 * 1024;
  size_t max_target_bytes = 2 * 1024;
};

struct Request {
  std::string method;                          // upper case as sent: "GET", "POST", ...
  std::string path;                            // percent-decoded, without the query
  std::string query;                           // raw text after '?', "" when none
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
  std::string peer_ip;

  // Value of a query parameter (percent-decoded), "" when absent.
  std::string query_param(std::string_view name) const;
  std::string header(std::string_view lower_name) const;
};

struct ParseResult {
  enum class State { kIncomplete, kDone, kError } state = State::kIncomplete;
  size_t consumed = 0;  // bytes of the buffer the request used (kDone)
  int status = 0;       // HTTP status to answer with (kError)
  std::string reason;   // why (kError)
};

// Parses one request from the start of `buffer`.
ParseResult parse_request(std::string_view buffer, const RequestLimits& limits, Request& out);

// %XX and '+' decoding; false on a bad escape.
bool percent_decode(std::string_view in, std::string& out, bool plus_is_space);

}  // namespace btr::pool::http
