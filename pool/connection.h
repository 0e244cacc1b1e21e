#pragma once
// One miner's TCP connection and its Stratum session state. Owned by
// PoolServer; lives from accept until libuv's close callback.

#include <uv.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "pool/extranonce.h"
#include "pool/share_difficulty.h"
#include "pool/vardiff.h"
#include "pool/worker_name.h"
#include "stratum/line_framer.h"

namespace btr::pool {

class PoolServer;

struct Connection {
  Connection(PoolServer* owner, size_t port, const VardiffConfig& vd, size_t max_line,
             Vardiff::Clock::time_point now, size_t remembered_jobs)
      : server(owner),
        port_index(port),
        framer(max_line),
        vardiff(vd, now),
        tracker(vd.start_difficulty, remembered_jobs) {}

  uv_tcp_t tcp{};  // tcp.data == this
  PoolServer* server;
  uint64_t id = 0;
  size_t index = 0;  // position in PoolServer::connections_
  size_t port_index;
  std::string ip;
  int64_t connected_ms = 0;
  bool closing = false;
  bool counted_ip = false;

  stratum::LineFramer framer;
  // Lines sent during this loop iteration, not yet written: PoolServer
  // writes every connection's outbox in one batch (pool/batch_sender.h).
  std::vector<std::shared_ptr<const std::string>> outbox;
  bool in_dirty_list = false;  // listed in PoolServer::dirty_ (at most once)

  // Session.
  bool subscribed = false;
  std::optional<Extranonce1> extranonce1;
  size_t extranonce2_size = 8;
  uint32_t version_mask = 0;  // negotiated by mining.configure
  bool extranonce_subscribed = false;
  std::string user_agent;
  std::vector<std::string> workers;  // authorized usernames
  std::optional<WorkerName> payout;  // the first authorized worker's address
  Vardiff vardiff;
  ShareDifficultyTracker tracker;
  bool difficulty_pending = true;  // set_difficulty goes out before the next notify
  uint64_t sent_template_serial = 0;
  std::string last_job_id;
  // Jobs sent before the last mining.set_extranonce (refused as stale), and
  // the tip generation they belong to: a new tip makes the list moot.
  std::vector<std::string> retired_jobs;
  uint64_t retired_generation = 0;

  // Hygiene.
  int invalid_streak = 0;        // invalid shares since the last accepted one
  int bad_lines = 0;             // unparsable lines
  int64_t stalled_since_ms = 0;  // write queue above the high-water mark since
  int64_t last_write_ms = 0;     // when bytes were last handed to the socket
};

}  // namespace btr::pool
