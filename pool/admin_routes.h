#pragma once
// The operator's HTTP routes on the pool's API server (api_port):
//   GET  /api/admin/sessions        every open session (id, ip, workers, ...)
//   POST /api/admin/reconnect       client.reconnect; body (all optional):
//        {"ids":[..], "worker":"ADDRESS[.name]", "ip":"..", "host":"..", "port":N, "wait_s":N}
//   POST /api/admin/set_extranonce  mining.set_extranonce to extranonce.subscribe'd
//        sessions; body (all optional): {"ids":[..], "worker":"..", "ip":".."}
// Each needs the config's admin_token as "Authorization: Bearer TOKEN" (or an
// "X-Admin-Token: TOKEN" header); without a configured token they answer 403.
// The POST routes answer {"sent": N}, the number of sessions reached.

#include <string>

#include "core/result.h"
#include "pool/admin_actions.h"
#include "pool/http/api_server.h"

namespace btr::pool {

class PoolServer;

// Registers the routes; handlers call `server` on the loop thread, so the
// API server must run on the pool's loop.
void add_admin_routes(http::ApiServer& api, PoolServer& server);

// The bodies' shared part; exposed for tests. A missing or empty body is {}.
core::Result<SessionFilter> parse_session_filter(const std::string& body);

// True when the request carries `token` (never true for an empty token).
bool admin_authorized(const http::Request& request, const std::string& token);

}  // namespace btr::pool
