#include <doctest/doctest.h>

#include "pool/http_client.h"

using namespace btr::pool;

TEST_CASE("node url: host, port, path and IPv6 literals") {
  auto a = parse_http_url("http://127.0.0.1:18643");
  REQUIRE(a.ok());
  CHECK(a->host == "127.0.0.1");
  CHECK(a->port == 18643);
  CHECK(a->path == "/");
  auto b = parse_http_url("http://[::1]:8632/wallet/x");
  REQUIRE(b.ok());
  CHECK(b->host == "::1");
  CHECK(b->port == 8632);
  CHECK(b->path == "/wallet/x");
  auto c = parse_http_url("http://node");
  REQUIRE(c.ok());
  CHECK(c->port == 80);
  CHECK_FALSE(parse_http_url("https://node:1").ok());
  CHECK_FALSE(parse_http_url("http://:1").ok());
  CHECK_FALSE(parse_http_url("http://h:0").ok());
  CHECK_FALSE(parse_http_url("http://h:70000").ok());
  CHECK_FALSE(parse_http_url("http://h:12a").ok());
}

TEST_CASE("node url: Basic auth header is RFC 7617 base64") {
  // RFC 7617 section 2 example.
  CHECK(basic_auth("Aladdin", "open sesame") == "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  CHECK(basic_auth("user", "pass") == "Basic dXNlcjpwYXNz");
  CHECK(basic_auth("a", "") == "Basic YTo=");
}
