#pragma once
// The Stratum v1 client: speaks to one pool at a time over a LineConnection,
// using the stratum/ codec for every message.
//
//  - Handshake pipelined as ESP-Miner sends it: mining.configure (version
//    rolling, id 1), mining.subscribe (id 2), mining.authorize (id 3) back to
//    back; then mining.suggest_difficulty and mining.extranonce.subscribe when
//    asked. Notifications mixed in with the responses are handled in order.
//  - set_difficulty and set_extranonce are latched and apply from the next
//    mining.notify; set_version_mask applies at once.
//  - Answers client.get_version and mining.ping; follows client.reconnect.
//  - Failover: pools are tried in order; a pool that closes, refuses, times
//    out or stays silent is down and the next one is tried. While on a backup
//    the first pool is probed every retry_primary_s and taken back when it
//    accepts connections again.
// Event-loop thread only. stop() closes everything; the loop must then run
// until idle before the object is destroyed (libuv releases handles late).

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <uv.h>

#include "stratum/messages.h"
#include "tools/miner/line_connection.h"
#include "tools/miner/miner_config.h"
#include "tools/miner/miner_job.h"
#include "tools/miner/work_manager.h"

namespace btr::tools::miner {

// How far a pool job's ntime may be rolled forward once a device ran out of
// extranonce2 values (WorkManager): a small part of the 7,000-s window that
// btr-pool and ckpool accept (public-pool checks none), and far inside the
// node's 7,200-s future-time limit. Stratum v1 has no field to ask for more.
inline constexpr uint32_t kPoolNtimeRollS = 600;

struct PoolClientOptions {
  std::vector<PoolUrl> pools;
  std::string user;
  std::string password = "x";
  std::optional<double> suggest_difficulty;
  bool extranonce_subscribe = false;
  bool version_rolling = true;
  double connect_timeout_s = 10;
  double silence_s = 90;
  double retry_primary_s = 30;
  double reconnect_delay_s = 2;
  std::string user_agent = "btr-miner/0.1.0";

  static PoolClientOptions from_config(const MinerConfig& config);
};

struct ShareOutcome {
  bool accepted = false;
  bool stale = false;  // code 21 or a "stale" reason
  std::string reason;  // pool's message, "" when accepted
  int code = 0;
  double latency_ms = 0;
};

class PoolClient final : private LineConnection::Handler {
 public:
  struct Events {
    std::function<void(std::shared_ptr<const MinerJob>)> on_job;
    // The session ended: its jobs are no longer worth hashing.
    std::function<void()> on_work_lost;
    std::function<void(const FoundShare&, const ShareOutcome&)> on_share_result;
    std::function<void(const std::string&)> on_log;
    std::function<void(const std::string& pool, bool connected)> on_pool_state;
    std::function<void(double difficulty)> on_difficulty;
  };

  PoolClient(uv_loop_t* loop, PoolClientOptions options, Events events);
  ~PoolClient();
  PoolClient(const PoolClient&) = delete;
  PoolClient& operator=(const PoolClient&) = delete;

  void start();
  void stop();
  // Sends mining.submit for a share of the current session; shares of an
  // earlier session are dropped (returns false: the caller counts them stale).
  bool submit(const FoundShare& share);

  bool authorized() const { return authorized_; }
  size_t pool_index() const { return index_; }
  const PoolUrl& current_pool() const { return target_; }
  uint32_t version_mask() const { return version_mask_; }
  double difficulty() const { return difficulty_; }

 private:
  enum class Request {
    kConfigure,
    kSubscribe,
    kSubscribeBare,
    kAuthorize,
    kSuggest,
    kExtranonceSubscribe,
    kSubmit
  };
  struct Pending {
    Request kind;
    std::optional<FoundShare> share;
    std::chrono::steady_clock::time_point sent;
  };

  // LineConnection::Handler
  void on_connected() override;
  void on_line(std::string_view line) override;
  void on_closed(const std::string& reason) override;

  void connect_to(const PoolUrl& url);
  void session_lost(const std::string& reason, bool try_next);
  void schedule_connect(double delay_s);
  void reset_session();
  int64_t send_request(Request kind, const stratum::ClientMessage& message,
                       std::optional<FoundShare> share = std::nullopt);
  void handle(const stratum::MessageId& id, const stratum::ServerMessage& message);
  void handle_response(const stratum::MessageId& id, const stratum::Response& response);
  void handle_notify(const stratum::Notify& notify);
  void handle_reconnect(const stratum::Reconnect& reconnect);
  void publish_job(const stratum::Notify& notify, bool force_clean);
  void start_primary_probe();
  void log(const std::string& text) const;

  // Probe connection to the first pool while mining on a backup.
  class Probe;

  uv_loop_t* loop_;
  PoolClientOptions options_;
  Events events_;
  uv_timer_t connect_timer_{};
  uv_timer_t primary_timer_{};
  LineConnection* connection_ = nullptr;
  std::unique_ptr<Probe> probe_;
  size_t index_ = 0;
  PoolUrl target_;  // pools[index_], or a client.reconnect destination
  bool running_ = false;

  // Session state (reset on every connection).
  uint64_t session_ = 0;
  int64_t next_id_ = 1;
  std::map<int64_t, Pending> pending_;
  bool subscribed_ = false;
  bool authorized_ = false;
  std::vector<uint8_t> extranonce1_;
  size_t extranonce2_size_ = 4;
  std::optional<std::pair<std::vector<uint8_t>, size_t>> next_extranonce_;
  double difficulty_ = 1;       // latched: applies to the current job
  double next_difficulty_ = 1;  // from the last set_difficulty
  uint32_t version_mask_ = 0;   // 0: no version rolling
  std::optional<stratum::Notify> last_notify_;
};

}  // namespace btr::tools::miner
