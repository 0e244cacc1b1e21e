// The Stratum v1 protocol of one connection (PoolServer's session half):
// configure, subscribe, authorize, suggest_difficulty, extranonce.subscribe
// and submit, answered in arrival order. Jobs always go out as
// set_difficulty (when changed) followed by notify.

#include <chrono>
#include <ctime>
#include <variant>

#include "core/hex.h"
#include "pool/ledger_service.h"
#include "pool/pool_server.h"
#include "pool/share_validator.h"
#include "stratum/errors.h"
#include "stratum/version_rolling.h"

namespace btr::pool {
namespace {

constexpr int kMaxBadLines = 20;  // unparsable lines before a connection is dropped
constexpr const char* kPoolVersion = "btr-pool/0.1.0";

bool has_id(const stratum::MessageId& id) {
  return !std::holds_alternative<std::monostate>(id);
}

int64_t unix_now() {
  return static_cast<int64_t>(std::time(nullptr));
}

}  // namespace

void PoolServer::handle_line(Connection& c, std::string_view line) {
  auto parsed = stratum::parse_client_message(line);
  if (!parsed.message.ok()) {
    ++c.bad_lines;
    if (has_id(parsed.id)) {
      send(c, stratum::encode_error(parsed.id, stratum::ErrorCode::kOther, parsed.message.error()));
    }
    if (c.bad_lines > kMaxBadLines) penalize(c, "too many malformed messages");
    return;
  }
  const stratum::MessageId& id = parsed.id;
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, stratum::Configure>) {
          handle_configure(c, id, m);
        } else if constexpr (std::is_same_v<T, stratum::Subscribe>) {
          handle_subscribe(c, id, m);
        } else if constexpr (std::is_same_v<T, stratum::Authorize>) {
          handle_authorize(c, id, m);
        } else if constexpr (std::is_same_v<T, stratum::SuggestDifficulty>) {
          handle_suggest(c, id, m);
        } else if constexpr (std::is_same_v<T, stratum::Submit>) {
          const auto t0 = std::chrono::steady_clock::now();
          handle_submit(c, id, m);
          if (accounting_) {
            accounting_->observe_share_latency(
                std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
          }
        } else if constexpr (std::is_same_v<T, stratum::ExtranonceSubscribe>) {
          // NiceHash extension: we may later move the miner with set_extranonce.
          c.extranonce_subscribed = true;
          if (has_id(id)) send(c, stratum::encode_bool_result(id, true));
        } else {
          // Pong and responses (e.g. to client.get_version) need no answer.
          (void)m;
        }
      },
      *parsed.message);
}

void PoolServer::handle_configure(Connection& c, const stratum::MessageId& id,
                                  const stratum::Configure& m) {
  const stratum::ConfigureResult r = stratum::negotiate_configure(m, stratum::kDefaultVersionMask);
  if (r.version_rolling.value_or(false)) c.version_mask = r.version_rolling_mask;
  send(c, stratum::encode_configure_result(id, r));
}

void PoolServer::handle_subscribe(Connection& c, const stratum::MessageId& id,
                                  const stratum::Subscribe& m) {
  if (!c.extranonce1) {
    c.extranonce1 = extranonce1_.allocate();
    if (!c.extranonce1) {
      send(c, stratum::encode_error(id, stratum::ErrorCode::kOther, "Pool full"));
      close_connection(c, "no extranonce1 left");
      return;
    }
  }
  c.subscribed = true;
  c.user_agent = m.user_agent.substr(0, 128);
  stratum::SubscribeResult r;
  const std::string session = core::to_hex(*c.extranonce1);
  r.subscriptions = {{"mining.set_difficulty", session}, {"mining.notify", session}};
  r.extranonce1.assign(c.extranonce1->begin(), c.extranonce1->end());
  r.extranonce2_size = static_cast<uint32_t>(c.extranonce2_size);
  send(c, stratum::encode_subscribe_result(id, r));
  // Authorized before subscribing (some miners do): work can start now.
  if (c.payout) send_job(c, true);
}

void PoolServer::handle_authorize(Connection& c, const stratum::MessageId& id,
                                  const stratum::Authorize& m) {
  auto name = parse_worker_name(m.username, prefixes_);
  if (!name.ok()) {
    send(c, stratum::encode_error(id, stratum::ErrorCode::kUnauthorized,
                                  "Invalid username '" + m.username.substr(0, 100) +
                                      "': expected a " + network_name(cfg_.network) +
                                      " address[.worker] (" + name.error() + ")"));
    return;
  }
  bool known = false;
  for (const std::string& w : c.workers) known = known || w == m.username;
  if (!known && c.workers.size() < 64) c.workers.push_back(m.username);
  const bool first = !c.payout;
  if (first) c.payout = std::move(name).value();
  send(c, stratum::encode_bool_result(id, true));
  if (first && c.subscribed) send_job(c, true);
}

void PoolServer::handle_suggest(Connection& c, const stratum::MessageId& id,
                                const stratum::SuggestDifficulty& m) {
  const auto changed = c.vardiff.suggest(m.difficulty, Vardiff::Clock::now());
  if (has_id(id)) send(c, stratum::encode_bool_result(id, true));
  if (!changed) return;
  c.difficulty_pending = true;
  // Before the first job the new value simply goes out with it.
  if (!c.last_job_id.empty()) send_job(c, false);
}

PayoutSet PoolServer::payout_set(const Connection& c) const {
  PayoutSet p;
  p.miner_script = c.payout->script_pubkey;
  p.extranonce2_size = c.extranonce2_size;
  p.miner_address = c.payout->address;
  const std::string& port_scheme = cfg_.ports[c.port_index].payout_scheme;
  // validate_config checked both names.
  (void)payout::parse_scheme(port_scheme.empty() ? cfg_.payout.scheme : port_scheme, p.scheme);
  return p;
}

void PoolServer::send_job(Connection& c, bool clean) {
  if (c.closing || !c.subscribed || !c.payout) return;
  const JobLines* jl = work_.job_for(payout_set(c));
  if (jl == nullptr) return;
  if (c.difficulty_pending) {
    const double d = c.vardiff.difficulty();
    send(c, stratum::encode_set_difficulty(d));
    c.tracker.on_set_difficulty(d);
    c.difficulty_pending = false;
  }
  // A miner's first job always cleans: it has nothing to keep.
  const bool first = c.last_job_id.empty();
  send(c, clean || first ? jl->notify_clean : jl->notify_update);
  c.tracker.on_notify(jl->job->notify.job_id);
  c.last_job_id = jl->job->notify.job_id;
  c.sent_template_serial = work_.template_serial();
}

int64_t PoolServer::broadcast_jobs(bool clean) {
  for (size_t i = 0; i < connections_.size(); ++i) {
    Connection& c = *connections_[i];
    if (c.sent_template_serial != work_.template_serial()) send_job(c, clean);
  }
  const int64_t queued_ms = monotonic_ms();
  flush_output();  // the fan-out starts now, in one batch over every core
  return queued_ms;
}

void PoolServer::handle_submit(Connection& c, const stratum::MessageId& id,
                               const stratum::Submit& m) {
  ShareEvent ev;
  ev.worker = m.worker.substr(0, 128);
  ev.address = c.payout ? c.payout->address : std::string();
  ev.unix_time = unix_now();
  ev.target_difficulty = c.vardiff.difficulty();
  auto refuse = [&](stratum::ErrorCode code, std::string_view reason) {
    send(c, stratum::encode_error(id, code, reason));
    ev.reject_code = stratum::code_value(code);
    ev.reject_reason = std::string(reason);
    ++stats_.shares_rejected;
    ledger_->on_share(ev);
    if (++c.invalid_streak >= cfg_.invalid_share_ban_threshold) penalize(c, "invalid share flood");
  };
  if (!c.subscribed || !c.extranonce1) {
    refuse(stratum::ErrorCode::kNotSubscribed, stratum::reason::kNotSubscribed);
    return;
  }
  if (c.workers.empty()) {
    refuse(stratum::ErrorCode::kUnauthorized, stratum::reason::kUnauthorized);
    return;
  }
  // Hashed with an extranonce1 this session no longer has (set_extranonce).
  if (job_retired(c, m.job_id)) {
    refuse(stratum::ErrorCode::kJobNotFound, stratum::reason::kStale);
    return;
  }
  ShareContext ctx;
  ctx.authorized_workers = c.workers;
  ctx.extranonce1 = *c.extranonce1;
  ctx.version_mask = c.version_mask;
  ctx.difficulty = &c.tracker;
  ctx.ntime_window_s = static_cast<uint32_t>(cfg_.ntime_window_s);
  ShareOutcome o = validate_share(m, ctx, work_.jobs());

  // A block goes to the node before anything else happens to the share.
  if (o.block_candidate && o.job) {
    const uint64_t tag = next_block_tag_++;
    BlockEvent b;
    b.height = o.job->height;
    b.hash = o.hash.to_display_hex();
    b.prev_hash = o.job->notify.prev_block.to_display_hex();
    b.address = ev.address;
    b.worker = ev.worker;
    b.share_difficulty = o.share_difficulty;
    b.plan = o.job->plan;  // the ledger records exactly what this coinbase pays
    b.unix_time = ev.unix_time;
    node_->submit_block(tag, std::move(o.block_hex), b.hash, b.prev_hash);
    ++stats_.blocks_submitted;
    pool_log("block candidate %s at height %lld from %s (%s): submitted", b.hash.c_str(),
             static_cast<long long>(b.height), b.worker.c_str(), c.ip.c_str());
    pending_blocks_.emplace(tag, std::move(b));
  }
  ev.share_difficulty = o.share_difficulty;
  if (o.required_difficulty > 0) ev.target_difficulty = o.required_difficulty;
  if (!o.accepted()) {
    refuse(static_cast<stratum::ErrorCode>(o.code), o.reason);
    return;
  }
  c.invalid_streak = 0;
  send(c, stratum::encode_bool_result(id, true));
  ev.accepted = true;
  ++stats_.shares_accepted;
  ledger_->on_share(ev);
  if (c.vardiff.on_share(Vardiff::Clock::now())) {
    c.difficulty_pending = true;
    send_job(c, false);
  }
}

}  // namespace btr::pool
