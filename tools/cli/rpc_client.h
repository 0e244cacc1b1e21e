#pragma once
// A minimal blocking HTTP/1.1 JSON-RPC client for btr-cli: one POST with
// Basic auth over a fresh loopback (or configured) TCP connection, reading
// a Content-Length-framed answer.

#include <cstdint>
#include <string>

#include "core/result.h"

namespace btr::tools {

struct HttpAnswer {
  int status = 0;
  std::string body;
};

core::Result<HttpAnswer> http_post(const std::string& host, uint16_t port,
                                   const std::string& user_colon_password, const std::string& body,
                                   int timeout_s);

std::string base64(const std::string& in);

}  // namespace btr::tools
