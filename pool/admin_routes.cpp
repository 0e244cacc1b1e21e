#include "pool/admin_routes.h"

#include <nlohmann/json.hpp>

#include "pool/pool_server.h"

namespace btr::pool {
namespace {

using nlohmann::json;

// Compares without an early exit, so the reply time says nothing about how
// much of a guessed token was right.
bool same_secret(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

core::Result<json> parse_body(const std::string& body) {
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return json::object();
  json j = json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return core::fail("body must be a JSON object");
  return j;
}

core::Result<SessionFilter> filter_from(const json& j) {
  SessionFilter f;
  if (const auto it = j.find("ids"); it != j.end()) {
    if (!it->is_array()) return core::fail("'ids' must be an array of connection ids");
    for (const json& id : *it) {
      if (!id.is_number_unsigned()) return core::fail("'ids' must hold non-negative integers");
      f.ids.push_back(id.get<uint64_t>());
    }
  }
  for (auto [key, field] : {std::pair{"worker", &f.worker}, std::pair{"ip", &f.ip}}) {
    if (const auto it = j.find(key); it != j.end()) {
      if (!it->is_string()) return core::fail(std::string("'") + key + "' must be a string");
      *field = it->get<std::string>();
    }
  }
  return f;
}

core::Result<stratum::Reconnect> reconnect_from(const json& j) {
  stratum::Reconnect r;
  if (const auto it = j.find("host"); it != j.end() && !it->is_null()) {
    if (!it->is_string() || it->get<std::string>().empty() || it->get<std::string>().size() > 255)
      return core::fail("'host' must be a non-empty string");
    r.host = it->get<std::string>();
  }
  if (const auto it = j.find("port"); it != j.end() && !it->is_null()) {
    if (!it->is_number_unsigned() || it->get<uint64_t>() == 0 || it->get<uint64_t>() > 65535)
      return core::fail("'port' must be 1..65535");
    r.port = static_cast<uint16_t>(it->get<uint64_t>());
  }
  if (const auto it = j.find("wait_s"); it != j.end() && !it->is_null()) {
    if (!it->is_number_unsigned() || it->get<uint64_t>() > 86400)
      return core::fail("'wait_s' must be 0..86400");
    r.wait_s = static_cast<uint32_t>(it->get<uint64_t>());
  }
  return r;
}

// Wraps a handler with the token check.
http::Handler guarded(const PoolServer& server, http::Handler inner) {
  return [&server, inner = std::move(inner)](const http::Request& req) {
    const std::string& token = server.config().admin_token;
    if (token.empty()) return http::Response::error(403, "admin_token is not configured");
    if (!admin_authorized(req, token)) return http::Response::error(401, "bad admin token");
    return inner(req);
  };
}

}  // namespace

bool admin_authorized(const http::Request& request, const std::string& token) {
  if (token.empty()) return false;
  const std::string bearer = request.header("authorization");
  if (bearer.rfind("Bearer ", 0) == 0 && same_secret(bearer.substr(7), token)) return true;
  return same_secret(request.header("x-admin-token"), token);
}

core::Result<SessionFilter> parse_session_filter(const std::string& body) {
  auto j = parse_body(body);
  if (!j.ok()) return core::fail(j.error());
  return filter_from(*j);
}

void add_admin_routes(http::ApiServer& api, PoolServer& server) {
  api.add_route("GET", "/api/admin/sessions", guarded(server, [&server](const http::Request&) {
                  return http::Response::json(server.sessions_json());
                }));
  api.add_route("POST", "/api/admin/reconnect",
                guarded(server, [&server](const http::Request& req) {
                  auto j = parse_body(req.body);
                  if (!j.ok()) return http::Response::error(400, j.error());
                  auto who = filter_from(*j);
                  if (!who.ok()) return http::Response::error(400, who.error());
                  auto where = reconnect_from(*j);
                  if (!where.ok()) return http::Response::error(400, where.error());
                  return http::Response::json({{"sent", server.reconnect_sessions(*who, *where)}});
                }));
  api.add_route("POST", "/api/admin/set_extranonce",
                guarded(server, [&server](const http::Request& req) {
                  auto who = parse_session_filter(req.body);
                  if (!who.ok()) return http::Response::error(400, who.error());
                  return http::Response::json({{"sent", server.renew_extranonce(*who)}});
                }));
}

}  // namespace btr::pool
