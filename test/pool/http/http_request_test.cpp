#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <random>

#include "pool/http/api_server.h"
#include "pool/http/http_request.h"
#include "test/common/test_util.h"

using namespace btr::pool::http;
using State = ParseResult::State;

namespace {
ParseResult parse(const std::string& text, Request& req, RequestLimits limits = {}) {
  return parse_request(text, limits, req);
}
}  // namespace

TEST_CASE("http request: GET with a query and headers") {
  Request req;
  const std::string text =
      "GET /api/address/m%20x?limit=5&q=a+b HTTP/1.1\r\nHost: x\r\nX-Thing:  v \r\n\r\nrest";
  const auto r = parse(text, req);
  REQUIRE(r.state == State::kDone);
  CHECK(r.consumed == text.size() - 4);
  CHECK(req.method == "GET");
  CHECK(req.path == "/api/address/m x");
  CHECK(req.query_param("limit") == "5");
  CHECK(req.query_param("q") == "a b");
  CHECK(req.query_param("none").empty());
  CHECK(req.header("x-thing") == "v");
}

TEST_CASE("http request: POST body by Content-Length, incomplete until it is all there") {
  Request req;
  CHECK(parse("POST /a HTTP/1.1\r\nContent-Length: 4\r\n\r\nab", req).state == State::kIncomplete);
  REQUIRE(parse("POST /a HTTP/1.1\r\nContent-Length: 4\r\n\r\nabcd", req).state == State::kDone);
  CHECK(req.body == "abcd");
  CHECK(parse("GET /a HTTP/1.1\r\nHost: x\r\n", req).state == State::kIncomplete);
}

TEST_CASE("http request: malformed and oversized requests get their 4xx or 5xx") {
  Request req;
  CHECK(parse("garbage\r\n\r\n", req).status == 400);
  CHECK(parse("GET nopath HTTP/1.1\r\n\r\n", req).status == 400);
  CHECK(parse("GET / HTTP/2.0\r\n\r\n", req).status == 505);
  CHECK(parse("GET /%zz HTTP/1.1\r\n\r\n", req).status == 400);
  CHECK(parse("GET /%4 HTTP/1.1\r\n\r\n", req).status == 400);
  CHECK(parse("GET / HTTP/1.1\r\nno colon\r\n\r\n", req).status == 400);
  CHECK(parse("POST / HTTP/1.1\r\n\r\n", req).status == 411);
  CHECK(parse("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", req).status == 400);
  CHECK(parse("POST / HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n", req).status == 413);
  CHECK(parse("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", req).status == 501);
  CHECK(parse("GET /" + std::string(3000, 'a') + " HTTP/1.1\r\n\r\n", req).status == 414);
  CHECK(parse("GET / HTTP/1.1\r\nX: " + std::string(9000, 'a'), req).status == 431);
}

TEST_CASE("http request: random bytes never crash the parser") {
  std::mt19937_64 rng(btr::test::seed());
  const std::string alphabet = "GETPOS /%?&=:\r\n0123456789abcdefHTP.1";
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    const size_t n = rng() % 200;
    for (size_t k = 0; k < n; ++k) text.push_back(alphabet[rng() % alphabet.size()]);
    if (rng() % 2) text = "GET /" + text;
    Request req;
    const auto r = parse(text, req);
    if (r.state == State::kDone) CHECK(r.consumed <= text.size());
    if (r.state == State::kError) CHECK(r.status >= 400);
  }
}

TEST_CASE("http routes: exact, prefix, 404, 405 and handler exceptions") {
  ApiServer api;
  api.add_route("GET", "/a", [](const Request&) { return Response::json({{"a", 1}}); });
  api.add_route("GET", "/p/*",
                [](const Request& r) { return Response::text(r.path, "text/plain"); });
  api.add_route("POST", "/boom", [](const Request&) -> Response { throw std::runtime_error("x"); });
  Request req;
  req.method = "GET";
  req.path = "/a";
  CHECK(api.dispatch(req).body == R"({"a":1})");
  req.path = "/p/xyz";
  CHECK(api.dispatch(req).body == "/p/xyz");
  req.path = "/p/";
  CHECK(api.dispatch(req).status == 404);
  req.path = "/nope";
  CHECK(api.dispatch(req).status == 404);
  req.method = "POST";
  req.path = "/a";
  CHECK(api.dispatch(req).status == 405);
  req.path = "/boom";
  CHECK(api.dispatch(req).status == 500);
  req.method = "HEAD";
  req.path = "/a";
  CHECK(api.dispatch(req).status == 200);
}
