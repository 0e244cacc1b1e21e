#include <doctest/doctest.h>

#include "node/http_request.h"

using btr::node::HttpLimits;
using btr::node::HttpRequestParser;
using State = HttpRequestParser::State;

TEST_CASE("http parser: CRLF request with body") {
  HttpRequestParser p(HttpLimits{});
  const std::string req =
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nAuthorization: Basic YTpi\r\n\r\nabcd";
  REQUIRE(p.feed(req) == State::kDone);
  auto r = p.take();
  CHECK(r.method == "POST");
  CHECK(r.target == "/");
  CHECK(r.body == "abcd");
  CHECK(r.header("authorization").value() == "Basic YTpi");
  CHECK(r.keep_alive());
}

TEST_CASE("http parser: bare LF line endings (ckpool)") {
  HttpRequestParser p(HttpLimits{});
  const std::string req = "POST / HTTP/1.1\nAuthorization: Basic YTpi\nContent-Length: 2\n\n{}";
  REQUIRE(p.feed(req) == State::kDone);
  auto r = p.take();
  CHECK(r.body == "{}");
  CHECK(r.header("content-length").value() == "2");
}

TEST_CASE("http parser: byte-by-byte feeding and pipelining") {
  HttpRequestParser p(HttpLimits{});
  const std::string one = "POST /a HTTP/1.1\r\nContent-Length: 3\r\n\r\nxyz";
  const std::string two = "POST /b HTTP/1.0\nContent-Length: 1\n\nq";
  const std::string all = one + two;
  int done = 0;
  std::vector<std::string> bodies;
  for (char c : all) {
    if (p.feed(std::string_view(&c, 1)) == State::kDone) {
      auto r = p.take();
      bodies.push_back(r.target + ":" + r.body);
      ++done;
      if (done == 2) CHECK_FALSE(r.keep_alive());  // HTTP/1.0 without keep-alive
    }
  }
  REQUIRE(done == 2);
  CHECK(bodies[0] == "/a:xyz");
  CHECK(bodies[1] == "/b:q");
  // Two in one read: the second stays buffered until polled.
  HttpRequestParser q(HttpLimits{});
  REQUIRE(q.feed(all) == State::kDone);
  CHECK(q.take().body == "xyz");
  REQUIRE(q.poll() == State::kDone);
  CHECK(q.take().body == "q");
}

TEST_CASE("http parser: refusals with HTTP statuses") {
  HttpLimits small;
  small.max_body_bytes = 10;
  small.max_header_bytes = 64;
  {
    HttpRequestParser p(small);
    CHECK(p.feed("POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n") == State::kError);
    CHECK(p.error_status() == 413);
  }
  {
    HttpRequestParser p(small);
    CHECK(p.feed("POST / HTTP/1.1\r\nX: " + std::string(100, 'a')) == State::kError);
    CHECK(p.error_status() == 431);
  }
  {
    HttpRequestParser p(small);
    CHECK(p.feed("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n") == State::kError);
    CHECK(p.error_status() == 501);
  }
  {
    HttpRequestParser p(small);
    CHECK(p.feed("POST / HTTP/2.0\r\n\r\n") == State::kError);
    CHECK(p.error_status() == 505);
  }
  {
    HttpRequestParser p(small);
    CHECK(p.feed("POST / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n") == State::kError);
    CHECK(p.error_status() == 400);
  }
  {
    HttpRequestParser p(small);
    CHECK(p.feed("garbage\r\n\r\n") == State::kError);
    CHECK(p.error_status() == 400);
  }
}
