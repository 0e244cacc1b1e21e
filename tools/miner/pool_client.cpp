#include "tools/miner/pool_client.h"

#include <algorithm>
#include <cctype>

#include "stratum/codec.h"
#include "stratum/hex_fields.h"

namespace btr::tools::miner {
namespace {

uint64_t to_ms(double seconds) {
  return seconds <= 0 ? 0 : static_cast<uint64_t>(seconds * 1000.0);
}

bool looks_stale(const stratum::ErrorInfo& error) {
  std::string lower = error.message;
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return error.code == 21 || lower.find("stale") != std::string::npos ||
         lower.find("job not found") != std::string::npos;
}

}  // namespace

PoolClientOptions PoolClientOptions::from_config(const MinerConfig& config) {
  PoolClientOptions options;
  options.pools = config.pools;
  options.user = config.user;
  options.password = config.password;
  options.suggest_difficulty = config.suggest_difficulty;
  options.extranonce_subscribe = config.extranonce_subscribe;
  options.version_rolling = config.version_rolling;
  options.silence_s = config.pool_silence_s;
  options.retry_primary_s = config.retry_primary_s;
  options.reconnect_delay_s = config.reconnect_delay_s;
  return options;
}

// Opens a plain TCP connection to the first pool; success means it is back.
class PoolClient::Probe final : private LineConnection::Handler {
 public:
  Probe(PoolClient& owner, const PoolUrl& url) : owner_(owner) {
    connection_ = LineConnection::open(owner.loop_, url.host, url.port, this,
                                       {owner.options_.connect_timeout_s, 60});
  }
  ~Probe() {
    if (connection_ != nullptr) connection_->close();
  }
  Probe(const Probe&) = delete;
  Probe& operator=(const Probe&) = delete;

 private:
  void on_connected() override {
    connection_->close();
    connection_ = nullptr;
    owner_.log("pool " + owner_.options_.pools.front().to_string() + " is back, returning to it");
    owner_.index_ = 0;
    owner_.target_ = owner_.options_.pools.front();
    // Deletes this probe: nothing may touch members afterwards.
    owner_.session_lost("returning to the first pool", false);
  }
  void on_line(std::string_view) override {}
  void on_closed(const std::string&) override {
    connection_ = nullptr;
    owner_.probe_.reset();  // deletes this
  }

  PoolClient& owner_;
  LineConnection* connection_ = nullptr;
};

PoolClient::PoolClient(uv_loop_t* loop, PoolClientOptions options, Events events)
    : loop_(loop), options_(std::move(options)), events_(std::move(events)) {
  uv_timer_init(loop_, &connect_timer_);
  uv_timer_init(loop_, &primary_timer_);
  connect_timer_.data = this;
  primary_timer_.data = this;
}

PoolClient::~PoolClient() {
  // stop() must have run and the loop must have released the timers.
  if (connection_ != nullptr) connection_->close();
}

void PoolClient::log(const std::string& text) const {
  if (events_.on_log) events_.on_log(text);
}

void PoolClient::start() {
  if (options_.pools.empty()) return;
  running_ = true;
  index_ = 0;
  target_ = options_.pools.front();
  connect_to(target_);
  if (options_.pools.size() > 1 && options_.retry_primary_s > 0) {
    const uint64_t every = to_ms(options_.retry_primary_s);
    uv_timer_start(
        &primary_timer_,
        [](uv_timer_t* timer) { static_cast<PoolClient*>(timer->data)->start_primary_probe(); },
        every, every);
  }
}

void PoolClient::stop() {
  running_ = false;
  probe_.reset();
  if (connection_ != nullptr) {
    connection_->close();
    connection_ = nullptr;
  }
  reset_session();
  uv_timer_stop(&connect_timer_);
  uv_timer_stop(&primary_timer_);
  uv_close(reinterpret_cast<uv_handle_t*>(&connect_timer_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&primary_timer_), nullptr);
}

void PoolClient::connect_to(const PoolUrl& url) {
  reset_session();
  ++session_;
  log("connecting to " + url.to_string());
  connection_ = LineConnection::open(loop_, url.host, url.port, this,
                                     {options_.connect_timeout_s, options_.silence_s});
  if (connection_ == nullptr) session_lost("cannot start connecting", true);
}

void PoolClient::reset_session() {
  pending_.clear();
  subscribed_ = false;
  authorized_ = false;
  extranonce1_.clear();
  extranonce2_size_ = 4;
  next_extranonce_.reset();
  difficulty_ = 1;  // [SLUSH]: difficulty is 1 until the first set_difficulty
  next_difficulty_ = 1;
  version_mask_ = 0;
  last_notify_.reset();
}

void PoolClient::schedule_connect(double delay_s) {
  uv_timer_start(
      &connect_timer_,
      [](uv_timer_t* timer) {
        auto* self = static_cast<PoolClient*>(timer->data);
        if (self->running_ && self->connection_ == nullptr) self->connect_to(self->target_);
      },
      to_ms(delay_s), 0);
}

void PoolClient::session_lost(const std::string& reason, bool try_next) {
  const bool was_authorized = authorized_;
  if (connection_ != nullptr) {
    connection_->close();
    connection_ = nullptr;
  }
  log("pool " + target_.to_string() + ": " + reason);
  reset_session();
  probe_.reset();
  if (events_.on_work_lost) events_.on_work_lost();
  if (events_.on_pool_state) events_.on_pool_state(target_.to_string(), false);
  if (!running_) return;
  double delay = 0;
  if (try_next) {
    // A redirect target (client.reconnect) is not in the list: fall back to the list.
    index_ = (index_ + 1) % options_.pools.size();
    target_ = options_.pools[index_];
    // Only wait when the whole list failed in a row; the next pool is tried at once.
    delay = (index_ == 0 || options_.pools.size() == 1) ? options_.reconnect_delay_s : 0;
    if (was_authorized) delay = 0;
  }
  schedule_connect(delay);
}

void PoolClient::on_closed(const std::string& reason) {
  connection_ = nullptr;
  session_lost(reason, true);
}

void PoolClient::on_connected() {
  const std::string url = target_.to_string();
  log("connected to " + url);
  if (options_.version_rolling) {
    stratum::Configure configure;
    configure.extensions = {"version-rolling"};
    configure.version_rolling_mask = 0xffffffff;
    send_request(Request::kConfigure, configure);
  }
  send_request(Request::kSubscribe, stratum::Subscribe{options_.user_agent, std::nullopt});
  send_request(Request::kAuthorize, stratum::Authorize{options_.user, options_.password});
}

int64_t PoolClient::send_request(Request kind, const stratum::ClientMessage& message,
                                 std::optional<FoundShare> share) {
  const int64_t id = next_id_++;
  pending_[id] = Pending{kind, std::move(share), std::chrono::steady_clock::now()};
  if (connection_ != nullptr) connection_->send(stratum::encode_client_message(id, message));
  return id;
}

void PoolClient::on_line(std::string_view line) {
  stratum::ParsedServerMessage parsed = stratum::parse_server_message(line);
  if (!parsed.message) {
    log("ignoring a message from the pool: " + parsed.message.error());
    return;
  }
  handle(parsed.id, *parsed.message);
}

void PoolClient::handle(const stratum::MessageId& id, const stratum::ServerMessage& message) {
  if (const auto* notify = std::get_if<stratum::Notify>(&message)) {
    handle_notify(*notify);
  } else if (const auto* diff = std::get_if<stratum::SetDifficulty>(&message)) {
    next_difficulty_ = diff->difficulty;  // latched at the next notify
  } else if (const auto* en = std::get_if<stratum::SetExtranonce>(&message)) {
    next_extranonce_ = {en->extranonce1, en->extranonce2_size};
  } else if (const auto* mask = std::get_if<stratum::SetVersionMask>(&message)) {
    if (options_.version_rolling) {
      version_mask_ = mask->mask;
      if (last_notify_) publish_job(*last_notify_, false);  // applies at once
    }
  } else if (const auto* reconnect = std::get_if<stratum::Reconnect>(&message)) {
    handle_reconnect(*reconnect);
  } else if (const auto* text = std::get_if<stratum::ShowMessage>(&message)) {
    log("pool says: " + text->text);
  } else if (std::holds_alternative<stratum::GetVersion>(message)) {
    if (connection_) connection_->send(stratum::encode_string_result(id, options_.user_agent));
  } else if (std::holds_alternative<stratum::Ping>(message)) {
    if (connection_) connection_->send(stratum::encode_string_result(id, "pong"));
  } else if (const auto* response = std::get_if<stratum::Response>(&message)) {
    handle_response(id, *response);
  }
}

void PoolClient::handle_response(const stratum::MessageId& id, const stratum::Response& response) {
  const auto* number = std::get_if<int64_t>(&id);
  if (number == nullptr) return;  // cgminer ignores responses without a usable id
  const auto it = pending_.find(*number);
  if (it == pending_.end()) return;
  Pending pending = std::move(it->second);
  pending_.erase(it);
  const auto bool_result = stratum::decode_bool_result(response);
  const bool ok = !response.error && bool_result && *bool_result;
  switch (pending.kind) {
    case Request::kConfigure: {
      const auto result = stratum::decode_configure_result(response);
      if (!response.error && result && result->version_rolling.value_or(false)) {
        version_mask_ = result->version_rolling_mask;
        log("version rolling mask " + stratum::u32_to_hex8(version_mask_));
      }
      break;
    }
    case Request::kSubscribe:
    case Request::kSubscribeBare: {
      const auto result = stratum::decode_subscribe_result(response);
      if (response.error || !result) {
        if (pending.kind == Request::kSubscribe) {
          // cgminer and cpuminer retry with empty params.
          send_request(Request::kSubscribeBare, stratum::Subscribe{});
          return;
        }
        session_lost("subscribe refused", true);
        return;
      }
      subscribed_ = true;
      extranonce1_ = result->extranonce1;
      extranonce2_size_ = result->extranonce2_size;
      if (last_notify_) publish_job(*last_notify_, true);
      break;
    }
    case Request::kAuthorize:
      if (!ok) {
        session_lost("authorization refused" +
                         (response.error ? ": " + response.error->message : std::string()),
                     true);
        return;
      }
      authorized_ = true;
      if (events_.on_pool_state) events_.on_pool_state(target_.to_string(), true);
      log("authorized as " + options_.user);
      if (options_.suggest_difficulty) {
        send_request(Request::kSuggest, stratum::SuggestDifficulty{*options_.suggest_difficulty});
      }
      if (options_.extranonce_subscribe) {
        send_request(Request::kExtranonceSubscribe, stratum::ExtranonceSubscribe{});
      }
      if (last_notify_ && subscribed_) publish_job(*last_notify_, true);
      break;
    case Request::kSuggest:
    case Request::kExtranonceSubscribe:
      break;  // any answer (or none) is fine
    case Request::kSubmit: {
      ShareOutcome outcome;
      outcome.latency_ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - pending.sent)
              .count();
      outcome.accepted = ok;
      if (!ok) {
        const stratum::ErrorInfo error =
            response.error.value_or(stratum::ErrorInfo{20, "rejected"});
        outcome.code = error.code;
        outcome.reason = error.message.empty() ? "rejected" : error.message;
        outcome.stale = looks_stale(error);
      }
      if (events_.on_share_result && pending.share) {
        events_.on_share_result(*pending.share, outcome);
      }
      break;
    }
  }
}

void PoolClient::handle_notify(const stratum::Notify& notify) {
  last_notify_ = notify;
  if (!subscribed_ || !authorized_) return;  // published once the handshake completes
  publish_job(notify, false);
}

void PoolClient::publish_job(const stratum::Notify& notify, bool force_clean) {
  difficulty_ = next_difficulty_;
  if (next_extranonce_) {
    extranonce1_ = next_extranonce_->first;
    extranonce2_size_ = next_extranonce_->second;
    next_extranonce_.reset();
  }
  auto job = std::make_shared<MinerJob>();
  job->notify = notify;
  if (force_clean) job->notify.clean_jobs = true;
  job->extranonce1 = extranonce1_;
  job->extranonce2_size = extranonce2_size_;
  job->version_mask = version_mask_;
  job->share_difficulty = difficulty_;
  job->share_target = target_for_difficulty(difficulty_);
  job->block_target = target_from_compact(notify.nbits);
  job->session = session_;
  job->ntime_roll_s = kPoolNtimeRollS;
  if (events_.on_difficulty) events_.on_difficulty(difficulty_);
  if (events_.on_job) events_.on_job(std::move(job));
}

void PoolClient::handle_reconnect(const stratum::Reconnect& reconnect) {
  // Like ESP-Miner, never follow a redirect to another host: that would let a
  // pool hand our hash rate to anyone. Same host (or no params): reconnect.
  PoolUrl next = target_;
  if (reconnect.host && *reconnect.host != target_.host && !reconnect.host->empty()) {
    log("client.reconnect to another host (" + *reconnect.host + ") refused; reconnecting");
  } else if (reconnect.port) {
    next.port = *reconnect.port;
  }
  const double wait = reconnect.wait_s ? static_cast<double>(*reconnect.wait_s) : 0;
  log("client.reconnect: " + next.to_string() + " in " +
      std::to_string(reconnect.wait_s.value_or(0)) + " s");
  session_lost("client.reconnect", false);
  target_ = next;
  schedule_connect(wait);
}

void PoolClient::start_primary_probe() {
  if (!running_ || index_ == 0 || probe_ || connection_ == nullptr) return;
  probe_ = std::make_unique<Probe>(*this, options_.pools.front());
}

bool PoolClient::submit(const FoundShare& share) {
  if (connection_ == nullptr || !authorized_ || share.job->session != session_) return false;
  stratum::Submit submit;
  submit.worker = options_.user;
  submit.job_id = share.job->notify.job_id;
  submit.extranonce2 = share.extranonce2;
  submit.ntime = share.ntime;
  submit.nonce = share.nonce;
  if (share.job->version_mask != 0) submit.version_bits = share.version_bits();
  send_request(Request::kSubmit, submit, share);
  return true;
}

}  // namespace btr::tools::miner
