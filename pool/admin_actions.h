#pragma once
// What an operator can do to live sessions (PoolServer's admin half,
// admin_actions.cpp): pick sessions with a SessionFilter, then send them
// client.reconnect or move them to a fresh extranonce1 with
// mining.set_extranonce. The HTTP routes that trigger these are in
// pool/admin_routes.h.

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace btr::pool {

struct Connection;

// Which sessions an admin action applies to; every given criterion must
// match, and an empty filter matches every subscribed session.
struct SessionFilter {
  std::vector<uint64_t> ids;  // connection ids (GET /api/admin/sessions lists them)
  std::string worker;         // an authorized username, or the address part of one
  std::string ip;             // the peer's address as logged

  bool matches(const Connection& c) const;
};

}  // namespace btr::pool
