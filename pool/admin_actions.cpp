// PoolServer's admin half: client.reconnect and mining.set_extranonce sent
// to sessions an operator picked (see admin_actions.h).

#include "pool/admin_actions.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/hex.h"
#include "pool/pool_server.h"
#include "stratum/codec.h"

namespace btr::pool {

bool SessionFilter::matches(const Connection& c) const {
  if (!ids.empty() && std::find(ids.begin(), ids.end(), c.id) == ids.end()) return false;
  if (!ip.empty() && c.ip != ip) return false;
  if (!worker.empty()) {
    const bool named = std::find(c.workers.begin(), c.workers.end(), worker) != c.workers.end();
    const bool paid = c.payout && c.payout->address == worker;
    if (!named && !paid) return false;
  }
  return true;
}

size_t PoolServer::reconnect_sessions(const SessionFilter& who, const stratum::Reconnect& where) {
  // Every recipient gets the same bytes: serialize once.
  const auto line = std::make_shared<const std::string>(
      stratum::encode_server_message(stratum::MessageId{}, where));
  size_t sent = 0;
  for (Connection* c : connections_) {
    if (c->closing || !c->subscribed || !who.matches(*c)) continue;
    send(*c, line);
    ++sent;
  }
  pool_log("client.reconnect sent to %zu sessions", sent);
  return sent;
}

size_t PoolServer::renew_extranonce(const SessionFilter& who) {
  size_t sent = 0;
  for (size_t i = 0; i < connections_.size(); ++i) {
    Connection& c = *connections_[i];
    if (c.closing || !c.subscribed || !c.extranonce_subscribed || !who.matches(c)) continue;
    const std::optional<Extranonce1> fresh = extranonce1_.allocate();
    if (!fresh) break;  // all 2^32 values in use: nothing sensible left to do
    if (c.extranonce1) extranonce1_.release(*c.extranonce1);
    c.extranonce1 = fresh;
    // Shares for the jobs it holds were hashed with the old extranonce1.
    c.retired_jobs = c.tracker.job_ids();
    c.retired_generation = work_.jobs().generation();
    stratum::SetExtranonce msg;
    msg.extranonce1.assign(fresh->begin(), fresh->end());
    msg.extranonce2_size = static_cast<uint32_t>(c.extranonce2_size);
    send(c, stratum::encode_server_message(stratum::MessageId{}, msg));
    ++sent;
    if (!c.payout) continue;  // not authorized yet: its first job comes with authorize
    // A job with a new id: miners apply set_extranonce from the next notify.
    work_.renew_job(payout_set(c));
    send_job(c, true);
  }
  pool_log("mining.set_extranonce sent to %zu sessions", sent);
  return sent;
}

bool PoolServer::job_retired(Connection& c, const std::string& job_id) {
  if (c.retired_jobs.empty()) return false;
  if (c.retired_generation != work_.jobs().generation()) {
    c.retired_jobs.clear();  // a newer tip: those jobs are stale for everyone anyway
    c.retired_jobs.shrink_to_fit();
    return false;
  }
  return std::find(c.retired_jobs.begin(), c.retired_jobs.end(), job_id) != c.retired_jobs.end();
}

nlohmann::json PoolServer::sessions_json() const {
  nlohmann::json list = nlohmann::json::array();
  const int64_t now = monotonic_ms();
  const std::vector<uint16_t> ports = bound_ports();
  for (const Connection* c : connections_) {
    if (c->closing) continue;
    list.push_back({{"id", c->id},
                    {"ip", c->ip},
                    {"port", ports.at(c->port_index)},
                    {"connected_s", (now - c->connected_ms) / 1000},
                    {"subscribed", c->subscribed},
                    {"user_agent", c->user_agent},
                    {"workers", c->workers},
                    {"extranonce1", c->extranonce1 ? core::to_hex(*c->extranonce1) : ""},
                    {"extranonce_subscribe", c->extranonce_subscribed},
                    {"difficulty", c->vardiff.difficulty()},
                    {"version_mask", c->version_mask}});
  }
  return list;
}

}  // namespace btr::pool
