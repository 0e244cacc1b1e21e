// The admin routes' checks that need no socket: the token, the session
// filter bodies, and the answers through ApiServer::dispatch.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "pool/admin_routes.h"
#include "pool/pool_server.h"

using namespace btr;

namespace {

pool::http::Request post(const std::string& path, const std::string& body,
                         const std::string& authorization) {
  pool::http::Request r;
  r.method = "POST";
  r.path = path;
  r.body = body;
  if (!authorization.empty()) r.headers["authorization"] = authorization;
  return r;
}

}  // namespace

TEST_CASE("admin routes: the token must match exactly") {
  pool::http::Request r;
  CHECK_FALSE(pool::admin_authorized(r, ""));
  r.headers["authorization"] = "Bearer s3cret";
  CHECK(pool::admin_authorized(r, "s3cret"));
  CHECK_FALSE(pool::admin_authorized(r, "s3cre"));
  CHECK_FALSE(pool::admin_authorized(r, "s3cret!"));
  CHECK_FALSE(pool::admin_authorized(r, ""));  // an empty token never opens anything
  r.headers.clear();
  r.headers["x-admin-token"] = "s3cret";
  CHECK(pool::admin_authorized(r, "s3cret"));
  r.headers["x-admin-token"] = "";
  CHECK_FALSE(pool::admin_authorized(r, "s3cret"));
}

TEST_CASE("admin routes: session filter bodies") {
  auto empty = pool::parse_session_filter("");
  REQUIRE(empty.ok());
  CHECK(empty->ids.empty());
  CHECK(empty->worker.empty());
  auto f = pool::parse_session_filter(R"({"ids":[3,7],"worker":"mtVw.rig","ip":"127.0.0.1"})");
  REQUIRE(f.ok());
  CHECK(f->ids == std::vector<uint64_t>{3, 7});
  CHECK(f->worker == "mtVw.rig");
  CHECK(f->ip == "127.0.0.1");
  CHECK_FALSE(pool::parse_session_filter("[1,2]").ok());
  CHECK_FALSE(pool::parse_session_filter("{").ok());
  CHECK_FALSE(pool::parse_session_filter(R"({"ids":[-1]})").ok());
  CHECK_FALSE(pool::parse_session_filter(R"({"ids":"3"})").ok());
  CHECK_FALSE(pool::parse_session_filter(R"({"worker":5})").ok());
}

TEST_CASE("admin routes: refused without a configured token or with a wrong one") {
  pool::PoolConfig cfg = pool::default_pool_config(pool::Network::kRegtest);
  pool::PoolServer off(cfg, nullptr);
  pool::http::ApiServer api_off;
  pool::add_admin_routes(api_off, off);
  CHECK(api_off.dispatch(post("/api/admin/reconnect", "{}", "Bearer x")).status == 403);

  cfg.admin_token = "s3cret";
  pool::PoolServer server(cfg, nullptr);
  pool::http::ApiServer api;
  pool::add_admin_routes(api, server);
  CHECK(api.dispatch(post("/api/admin/reconnect", "{}", "")).status == 401);
  CHECK(api.dispatch(post("/api/admin/set_extranonce", "{}", "Bearer nope")).status == 401);
  // Authorized: bad bodies are 400, good ones reach the (empty) server.
  const std::string auth = "Bearer s3cret";
  CHECK(api.dispatch(post("/api/admin/reconnect", R"({"port":70000})", auth)).status == 400);
  CHECK(api.dispatch(post("/api/admin/reconnect", R"({"host":""})", auth)).status == 400);
  CHECK(api.dispatch(post("/api/admin/set_extranonce", "nope", auth)).status == 400);
  auto ok = api.dispatch(post("/api/admin/reconnect", R"({"wait_s":3})", auth));
  CHECK(ok.status == 200);
  CHECK(nlohmann::json::parse(ok.body)["sent"] == 0);
  ok = api.dispatch(post("/api/admin/set_extranonce", "", auth));
  CHECK(ok.status == 200);
  CHECK(nlohmann::json::parse(ok.body)["sent"] == 0);
}
