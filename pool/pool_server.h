#pragma once
// btr-pool's server: one libuv loop for every miner socket. It listens on
// each configured port and address (IPv4 and IPv6), runs the Stratum
// sessions (session.cpp), gets work from btr-node through NodeClient, sends
// found blocks first and reports shares and blocks to the ledger.
//
// Lifetime: construct, start(loop) on the loop's thread, uv_run(loop);
// request_stop() from any thread (or SIGINT/SIGTERM when handle_signals)
// closes everything, flushes the ledger and lets uv_run return.

#include <uv.h>

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/result.h"
#include "pool/admin_actions.h"
#include "pool/batch_sender.h"
#include "pool/config.h"
#include "pool/connection.h"
#include "pool/extranonce.h"
#include "pool/http/api_server.h"
#include "pool/ip_guard.h"
#include "pool/ledger.h"
#include "pool/node_client.h"
#include "pool/work_manager.h"
#include "stratum/codec.h"

namespace btr::pool {

class LedgerService;

struct PoolStats {
  std::atomic<uint64_t> connections{0};  // open now
  std::atomic<uint64_t> accepted_total{0};
  std::atomic<uint64_t> shares_accepted{0};
  std::atomic<uint64_t> shares_rejected{0};
  std::atomic<uint64_t> blocks_submitted{0};
  std::atomic<uint64_t> blocks_accepted{0};
  std::atomic<uint64_t> templates{0};
  std::atomic<uint64_t> disconnected_slow{0};
  std::atomic<uint64_t> banned{0};
};

class PoolServer {
 public:
  // ledger may be null: then <datadir>/pool.sqlite is opened at start().
  PoolServer(PoolConfig config, std::unique_ptr<Ledger> ledger);
  ~PoolServer();
  PoolServer(const PoolServer&) = delete;
  PoolServer& operator=(const PoolServer&) = delete;

  core::Status start(uv_loop_t* loop, bool handle_signals = false);
  void request_stop();  // any thread

  // The port each listener got, in config order (port 0 -> ephemeral).
  std::vector<uint16_t> bound_ports() const;
  const PoolStats& stats() const { return stats_; }
  const PoolConfig& config() const { return cfg_; }
  uv_loop_t* loop() const { return loop_; }

  // The HTTP API (pool/http/api_server.h) on the pool's loop, with the admin
  // routes (pool/admin_routes.h) registered. start() opens it on the first
  // bind address and api_port when api_port is set; tests call start_api
  // with port 0 (ephemeral) on the loop thread. Other modules add their
  // routes to api() (routes may be added before or after listening).
  core::Status start_api(const std::string& host, uint16_t port);
  http::ApiServer& api() { return *api_; }
  uint16_t api_port() const { return api_->port(); }

  // Admin actions (admin_actions.cpp); loop thread only (the API server's
  // handlers run there). Each returns how many sessions it reached.
  // client.reconnect to the matching subscribed sessions; `where` all empty
  // means "this same pool" (every miner understands that form).
  size_t reconnect_sessions(const SessionFilter& who, const stratum::Reconnect& where);
  // Matching sessions that sent mining.extranonce.subscribe get a new unique
  // extranonce1 (mining.set_extranonce); their earlier jobs are refused as
  // stale from then on and a fresh job (new id, clean_jobs) follows at once.
  size_t renew_extranonce(const SessionFilter& who);
  // One object per open session: id, ip, user agent, workers, extranonce1...
  nlohmann::json sessions_json() const;

 private:
  friend struct ServerCallbacks;

  // pool_server.cpp: sockets, timers, lifetime.
  core::Status listen_all();
  core::Status start_accounting(const HttpUrl& node_url);  // ledger_service.cpp
  void on_new_connection(uv_stream_t* listener, size_t port_index);
  void on_read(Connection& c, ssize_t nread, const uv_buf_t* buf);
  // Output: send() puts a line in the connection's outbox; flush_output()
  // writes every outbox in one batch, from the loop's prepare and check
  // phases (so once per iteration) and right after a job broadcast.
  void send(Connection& c, std::shared_ptr<const std::string> line);
  void send(Connection& c, std::string line);
  void start_output();
  void stop_output();
  void flush_output();
  void flush_connection(Connection& c);  // now, alone (before a close)
  void finish_send(Connection& c, std::vector<std::shared_ptr<const std::string>>& lines,
                   int64_t result);
  void queue_write(Connection& c, std::vector<std::shared_ptr<const std::string>> lines,
                   size_t offset);
  size_t unsent_bytes(Connection& c, int64_t now) const;
  void close_connection(Connection& c, const char* why);
  void reset_connection(Connection& c);  // RST, dropping what is queued
  void forget_connection(Connection* c);
  void on_sweep();
  void shutdown();

  // session.cpp: the Stratum protocol.
  void handle_line(Connection& c, std::string_view line);
  void handle_configure(Connection& c, const stratum::MessageId& id, const stratum::Configure& m);
  void handle_subscribe(Connection& c, const stratum::MessageId& id, const stratum::Subscribe& m);
  void handle_authorize(Connection& c, const stratum::MessageId& id, const stratum::Authorize& m);
  void handle_suggest(Connection& c, const stratum::MessageId& id,
                      const stratum::SuggestDifficulty& m);
  void handle_submit(Connection& c, const stratum::MessageId& id, const stratum::Submit& m);
  void send_job(Connection& c, bool clean);
  // Sends the current job to every session that lacks it; returns when
  // (monotonic_ms) the jobs were queued, before they were written.
  int64_t broadcast_jobs(bool clean);
  void penalize(Connection& c, const char* why);
  bool job_retired(Connection& c, const std::string& job_id);
  // Who the session's jobs pay (its port's scheme); needs c.payout.
  PayoutSet payout_set(const Connection& c) const;

  // Node events (on the loop thread).
  void on_template(nlohmann::json tmpl);
  void record_unanswered_blocks();
  void on_submit_result(const SubmitOutcome& outcome);

  PoolConfig cfg_;
  std::unique_ptr<Ledger> ledger_;
  std::unique_ptr<LedgerService> accounting_;  // payouts, confirmations, API (ledger_service.h)
  uv_loop_t* loop_ = nullptr;
  std::unique_ptr<NodeClient> node_;
  WorkManager work_;
  Extranonce1Allocator extranonce1_;
  IpGuard ip_guard_;
  core::AddressPrefixes prefixes_;
  std::unique_ptr<http::ApiServer> api_;
  bool api_listening_ = false;

  struct Listener {
    uv_tcp_t tcp{};
    PoolServer* server = nullptr;
    size_t port_index = 0;
    uint16_t bound_port = 0;
  };
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::vector<Connection*> connections_;
  uint64_t next_connection_id_ = 1;

  std::unique_ptr<BatchSender> sender_;
  std::vector<Connection*> dirty_;  // connections with a non-empty outbox
  std::vector<Connection*> flushing_;
  std::vector<SendItem> send_items_;
  uv_prepare_t flush_prepare_{};
  uv_check_t flush_check_{};

  uv_timer_t sweep_timer_{};
  uv_async_t stop_async_{};
  uv_signal_t sigint_{};
  uv_signal_t sigterm_{};
  bool signals_ = false;
  bool started_ = false;
  bool stopping_ = false;
  int64_t last_flush_ms_ = 0;
  int64_t last_vardiff_tick_ms_ = 0;

  uint64_t next_block_tag_ = 1;
  std::map<uint64_t, BlockEvent> pending_blocks_;
  PoolStats stats_;
};

// Timestamped line to stderr.
void pool_log(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

}  // namespace btr::pool
