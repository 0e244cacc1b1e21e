#include <doctest/doctest.h>

#include "node/rpc_auth.h"
#include "node/rpc_dispatcher.h"
#include "node/subnet.h"

#include <filesystem>
#include <fstream>

using namespace btr::node;

namespace {

struct Answer {
  int status = 0;
  json body;
};

RpcDispatcher make_dispatcher() {
  RpcDispatcher d;
  d.add({"echo", "test", {"a", "b"}, "echo a ( b )", [](const json& p, RpcDone done) {
           done(RpcOutcome::success(p));
         }});
  d.add({"fail", "test", {}, "fail", [](const json&, RpcDone done) {
           done(RpcOutcome::failure(-8, "bad"));
         }});
  return d;
}

Answer call(RpcDispatcher& d, const std::string& body) {
  Answer a;
  d.handle(body, [&a](int status, std::string text) {
    a.status = status;
    a.body = text.empty() ? json() : json::parse(text);
  });
  return a;
}

}  // namespace

TEST_CASE("rpc: JSON-RPC 1.0 shape, no id and no params (ckpool)") {
  auto d = make_dispatcher();
  auto a = call(d, R"({"method":"echo"})");
  CHECK(a.status == 200);
  CHECK(a.body["result"] == json::array());
  CHECK(a.body["error"].is_null());
  CHECK(a.body.contains("id"));
  CHECK(a.body["id"].is_null());
}

TEST_CASE("rpc: named params map onto positions (public-pool)") {
  auto d = make_dispatcher();
  auto a = call(d, R"({"jsonrpc":"1.0","id":"rpc-bitcoin","method":"echo","params":{"b":2}})");
  CHECK(a.body["id"] == "rpc-bitcoin");
  CHECK(a.body["result"] == json::parse("[null,2]"));
  auto u = call(d, R"({"id":1,"method":"echo","params":{"zz":2}})");
  CHECK(u.body["error"]["code"] == -8);
  CHECK(u.status == 500);
}

TEST_CASE("rpc: errors use Core's codes and HTTP statuses") {
  auto d = make_dispatcher();
  auto nf = call(d, R"({"id":1,"method":"nope"})");
  CHECK(nf.status == 404);
  CHECK(nf.body["error"]["code"] == -32601);
  auto parse = call(d, "{not json");
  CHECK(parse.status == 500);
  CHECK(parse.body["error"]["code"] == -32700);
  auto inv = call(d, R"({"id":1,"method":5})");
  CHECK(inv.status == 400);
  CHECK(inv.body["error"]["code"] == -32600);
  auto bad_params = call(d, R"({"id":1,"method":"echo","params":"x"})");
  CHECK(bad_params.body["error"]["code"] == -32600);
  auto too_many = call(d, R"({"id":1,"method":"echo","params":[1,2,3]})");
  CHECK(too_many.body["error"]["code"] == -1);
  auto f = call(d, R"({"id":1,"method":"fail"})");
  CHECK(f.status == 500);
  CHECK(f.body["error"]["message"] == "bad");
}

TEST_CASE("rpc: JSON-RPC 2.0 shape and notifications") {
  auto d = make_dispatcher();
  auto a = call(d, R"({"jsonrpc":"2.0","id":7,"method":"fail"})");
  CHECK(a.status == 200);
  CHECK(a.body["jsonrpc"] == "2.0");
  CHECK_FALSE(a.body.contains("result"));
  CHECK(a.body["error"]["code"] == -8);
  auto ok = call(d, R"({"jsonrpc":"2.0","id":7,"method":"echo","params":[1]})");
  CHECK_FALSE(ok.body.contains("error"));
  auto n = call(d, R"({"jsonrpc":"2.0","method":"echo"})");
  CHECK(n.status == 204);
  CHECK(n.body.is_null());
}

TEST_CASE("rpc: batches answer every element except notifications") {
  auto d = make_dispatcher();
  auto a = call(d, R"([{"id":1,"method":"echo","params":[1]},{"jsonrpc":"2.0","method":"echo"},
                       {"id":3,"method":"nope"},5])");
  CHECK(a.status == 200);
  REQUIRE(a.body.is_array());
  REQUIRE(a.body.size() == 3);
  CHECK(a.body[0]["result"] == json::parse("[1]"));
  CHECK(a.body[1]["error"]["code"] == -32601);
  CHECK(a.body[2]["error"]["code"] == -32600);
}

TEST_CASE("rpc: deferred answers (long poll style)") {
  RpcDispatcher d;
  RpcDone parked;
  d.add({"wait", "test", {}, "wait", [&parked](const json&, RpcDone done) { parked = done; }});
  int status = 0;
  d.handle(R"({"id":1,"method":"wait"})", [&status](int s, std::string) { status = s; });
  CHECK(status == 0);
  CHECK(d.active().size() == 1);
  parked(RpcOutcome::success(1));
  CHECK(status == 200);
  CHECK(d.active().empty());
}

TEST_CASE("auth: Basic credentials and the cookie file") {
  CHECK(base64_encode("user:pass") == "dXNlcjpwYXNz");
  CHECK(base64_decode("dXNlcjpwYXNz").value() == "user:pass");
  CHECK(base64_decode("YQ==").value() == "a");
  CHECK_FALSE(base64_decode("Y===").has_value());
  CHECK_FALSE(base64_decode("abc").has_value());
  RpcAuth auth;
  auth.add_credentials("user", "pass");
  CHECK(auth.check("Basic dXNlcjpwYXNz"));
  CHECK_FALSE(auth.check("Basic dXNlcjpwYXN4"));
  CHECK_FALSE(auth.check(std::nullopt));
  CHECK_FALSE(auth.check("Bearer dXNlcjpwYXNz"));
  const auto path = std::filesystem::temp_directory_path() / "btr_node_test_cookie";
  REQUIRE(auth.create_cookie(path).ok());
  std::ifstream in(path);
  std::string cookie;
  std::getline(in, cookie);
  CHECK(cookie.rfind("__cookie__:", 0) == 0);
  CHECK(cookie.size() == 11 + 64);
  CHECK(auth.check("Basic " + base64_encode(cookie)));
  auth.remove_cookie();
  CHECK_FALSE(std::filesystem::exists(path));
}

TEST_CASE("rpcallowip subnets") {
  auto net = Subnet::parse("10.1.0.0/16");
  REQUIRE(net.ok());
  CHECK(net->contains(IpAddress::parse("10.1.200.3").value()));
  CHECK_FALSE(net->contains(IpAddress::parse("10.2.0.1").value()));
  auto mask = Subnet::parse("192.168.1.0/255.255.255.0");
  REQUIRE(mask.ok());
  CHECK(mask->prefix_bits == 24);
  CHECK_FALSE(Subnet::parse("192.168.1.0/255.0.255.0").ok());
  CHECK_FALSE(Subnet::parse("1.2.3.4/33").ok());
  auto v6 = Subnet::parse("fe80::/10");
  REQUIRE(v6.ok());
  CHECK(v6->contains(IpAddress::parse("fe80::1").value()));
  CHECK_FALSE(v6->contains(IpAddress::parse("10.0.0.1").value()));
  CHECK(IpAddress::parse("127.0.0.2").value().is_loopback());
  CHECK(IpAddress::parse("::1").value().is_loopback());
}
