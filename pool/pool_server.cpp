#include "pool/pool_server.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <random>

#include <linux/sockios.h>
#include <sys/ioctl.h>

#include "pool/admin_routes.h"
#include "pool/block_template.h"
#include "pool/ledger_service.h"
#include "pool/rlimit.h"

namespace btr::pool {

void pool_log(const char* fmt, ...) {
  char text[1024];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(text, sizeof text, fmt, ap);
  va_end(ap);
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  std::fprintf(stderr, "%s pool: %s\n", stamp, text);
}

// libuv wants plain function pointers; these forward to the server.
struct ServerCallbacks {
  // One read buffer for the whole loop: read callbacks run one at a time and
  // the framer copies only what it must keep, so 19,000 idle miners cost no
  // read buffers.
  static void alloc(uv_handle_t*, size_t, uv_buf_t* buf) {
    static char storage[64 * 1024];
    *buf = uv_buf_init(storage, sizeof storage);
  }
  static void read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
    auto* c = static_cast<Connection*>(s->data);
    c->server->on_read(*c, nread, buf);
  }
  static void accept(uv_stream_t* listener, int status) {
    if (status < 0) return;
    auto* l = static_cast<PoolServer::Listener*>(listener->data);
    l->server->on_new_connection(listener, l->port_index);
  }
  static void closed(uv_handle_t* h) {
    auto* c = static_cast<Connection*>(h->data);
    c->server->forget_connection(c);
  }
};

namespace {

// A write libuv finishes for us: what the batch could not send at once.
struct WriteReq {
  uv_write_t req{};
  std::vector<std::shared_ptr<const std::string>> lines;
};

void on_written(uv_write_t* req, int) {
  delete static_cast<WriteReq*>(req->data);
}

using http::peer_ip;  // pool/http/api_server.h

// libuv buffers over queued lines; `offset` bytes of the first were sent.
std::vector<uv_buf_t> line_bufs(const std::vector<std::shared_ptr<const std::string>>& lines,
                                size_t offset) {
  std::vector<uv_buf_t> bufs;
  for (const auto& line : lines) {
    bufs.push_back(uv_buf_init(const_cast<char*>(line->data() + offset),
                               static_cast<unsigned>(line->size() - offset)));
    offset = 0;
  }
  return bufs;
}

VardiffConfig vardiff_config(const PortConfig& p) {
  VardiffConfig v;
  v.start_difficulty = p.start_difficulty;
  v.min_difficulty = p.min_difficulty;
  v.max_difficulty = p.max_difficulty;
  v.target_share_interval_s = p.target_share_interval_s;
  v.retarget_interval_s = p.retarget_interval_s;
  return v;
}

FeeSettings fee_settings(const PoolConfig& cfg) {
  FeeSettings fee;
  fee.percent = cfg.payout.fee_percent;
  if (!cfg.payout.fee_address.empty()) {
    auto addr = core::decode_address(cfg.payout.fee_address, address_prefixes(cfg.network));
    if (addr.ok()) {
      fee.script = core::address_script(*addr);
    } else {
      pool_log("fee_address %s refused (%s): no fee output", cfg.payout.fee_address.c_str(),
               addr.error().c_str());
    }
  }
  return fee;
}

uint32_t random_u32() {
  std::random_device rd;
  return rd();
}

}  // namespace

PoolServer::PoolServer(PoolConfig config, std::unique_ptr<Ledger> ledger)
    : cfg_(std::move(config)),
      ledger_(std::move(ledger)),
      work_(cfg_.pool_tag, fee_settings(cfg_), static_cast<unsigned>(cfg_.jobs_kept)),
      extranonce1_(random_u32()),
      ip_guard_(cfg_.max_connections_per_ip),
      prefixes_(address_prefixes(cfg_.network)),
      api_(std::make_unique<http::ApiServer>()) {
  add_admin_routes(*api_, *this);
}

PoolServer::~PoolServer() = default;

core::Status PoolServer::start(uv_loop_t* loop, bool handle_signals) {
  loop_ = loop;
  const FileLimit lim = raise_open_file_limit();
  pool_log("open-file limit %llu (hard %llu)%s", static_cast<unsigned long long>(lim.soft),
           static_cast<unsigned long long>(lim.hard), lim.raised ? ", raised" : "");
  if (!ledger_) {
    auto l = SqliteLedger::open(cfg_.datadir + "/pool.sqlite", ledger_options(cfg_));
    if (!l.ok()) return core::fail(l.error());
    ledger_ = std::move(l).value();
  }
  auto url = parse_http_url(cfg_.node_url);
  if (!url.ok()) return core::fail(url.error());
  if (auto st = start_accounting(*url); !st.ok()) return st;
  if (auto st = listen_all(); !st.ok()) return st;
  if (cfg_.api_port > 0) {
    const std::string host = cfg_.bind.empty() ? "127.0.0.1" : cfg_.bind.front();
    if (auto st = start_api(host, static_cast<uint16_t>(cfg_.api_port)); !st.ok()) return st;
  }
  NodeClientOptions opt;
  opt.url = *url;
  opt.credentials = RpcCredentials{cfg_.node_cookie, cfg_.node_user, cfg_.node_password};
  opt.zmq_hashblock = cfg_.zmq_hashblock;
  opt.poll_interval_s = cfg_.block_poll_interval_s;
  opt.template_refresh_s = cfg_.template_refresh_s;
  opt.longpoll = cfg_.longpoll;
  NodeEvents ev;
  ev.on_template = [this](nlohmann::json t) { on_template(std::move(t)); };
  ev.on_node_state = [this](bool up, const std::string& why) {
    if (accounting_) accounting_->on_node_state(up);
    if (up) {
      pool_log("node reachable");
    } else {
      pool_log("node unreachable: %s (miners stay connected; retrying)", why.c_str());
    }
  };
  ev.on_submit_result = [this](const SubmitOutcome& o) { on_submit_result(o); };
  node_ = std::make_unique<NodeClient>(loop_, opt, std::move(ev));
  node_->start();
  start_output();

  uv_timer_init(loop_, &sweep_timer_);
  sweep_timer_.data = this;
  uv_timer_start(
      &sweep_timer_, [](uv_timer_t* t) { static_cast<PoolServer*>(t->data)->on_sweep(); }, 250,
      250);
  uv_async_init(loop_, &stop_async_,
                [](uv_async_t* a) { static_cast<PoolServer*>(a->data)->shutdown(); });
  stop_async_.data = this;
  if (handle_signals) {
    signals_ = true;
    for (uv_signal_t* s : {&sigint_, &sigterm_}) {
      uv_signal_init(loop_, s);
      s->data = this;
    }
    auto on_signal = [](uv_signal_t* s, int signum) {
      pool_log("signal %d: shutting down", signum);
      static_cast<PoolServer*>(s->data)->shutdown();
    };
    uv_signal_start(&sigint_, on_signal, SIGINT);
    uv_signal_start(&sigterm_, on_signal, SIGTERM);
  }
  started_ = true;
  last_flush_ms_ = last_vardiff_tick_ms_ = monotonic_ms();
  return core::Status::success();
}

core::Status PoolServer::listen_all() {
  for (size_t i = 0; i < cfg_.ports.size(); ++i) {
    uint16_t port = cfg_.ports[i].port;
    for (const std::string& host : cfg_.bind) {
      sockaddr_storage addr{};
      const bool v6 = host.find(':') != std::string::npos;
      const int r = v6 ? uv_ip6_addr(host.c_str(), port, reinterpret_cast<sockaddr_in6*>(&addr))
                       : uv_ip4_addr(host.c_str(), port, reinterpret_cast<sockaddr_in*>(&addr));
      if (r != 0) return core::fail("bad bind address " + host);
      auto l = std::make_unique<Listener>();
      l->server = this;
      l->port_index = i;
      uv_tcp_init(loop_, &l->tcp);
      l->tcp.data = l.get();
      const unsigned flags = v6 ? UV_TCP_IPV6ONLY : 0;
      int err = uv_tcp_bind(&l->tcp, reinterpret_cast<const sockaddr*>(&addr), flags);
      if (err == 0)
        err = uv_listen(reinterpret_cast<uv_stream_t*>(&l->tcp), 4096, ServerCallbacks::accept);
      if (err != 0) {
        uv_close(reinterpret_cast<uv_handle_t*>(&l->tcp), nullptr);
        listeners_.push_back(std::move(l));  // freed after the loop closed it
        return core::fail("cannot listen on " + host + ":" + std::to_string(port) + ": " +
                          uv_strerror(err));
      }
      sockaddr_storage got{};
      int len = sizeof got;
      uv_tcp_getsockname(&l->tcp, reinterpret_cast<sockaddr*>(&got), &len);
      l->bound_port =
          ntohs(got.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&got)->sin6_port
                                          : reinterpret_cast<sockaddr_in*>(&got)->sin_port);
      // Port 0 on several addresses: reuse the first ephemeral port for the rest.
      if (port == 0) port = l->bound_port;
      pool_log("stratum listening on %s port %u (difficulty %g, floor %g)", host.c_str(),
               l->bound_port, cfg_.ports[i].start_difficulty, cfg_.ports[i].min_difficulty);
      listeners_.push_back(std::move(l));
    }
  }
  return core::Status::success();
}

core::Status PoolServer::start_api(const std::string& host, uint16_t port) {
  if (auto st = api_->listen(loop_, host, port); !st.ok()) return st;
  api_listening_ = true;
  pool_log("HTTP API on %s port %u", host.c_str(), api_->port());
  return core::Status::success();
}

std::vector<uint16_t> PoolServer::bound_ports() const {
  std::vector<uint16_t> out(cfg_.ports.size(), 0);
  for (const auto& l : listeners_) {
    if (out[l->port_index] == 0) out[l->port_index] = l->bound_port;
  }
  return out;
}

void PoolServer::request_stop() {
  if (started_) uv_async_send(&stop_async_);
}

void PoolServer::on_new_connection(uv_stream_t* listener, size_t port_index) {
  const PortConfig& port = cfg_.ports[port_index];
  // Remembered job difficulties: every job that can still be valid (jobs_kept
  // templates), plus resends after difficulty changes and set_extranonce.
  const auto remembered = static_cast<size_t>(cfg_.jobs_kept) * 2 + 4;
  auto* c = new Connection(this, port_index, vardiff_config(port), cfg_.max_line_bytes,
                           Vardiff::Clock::now(), remembered);
  uv_tcp_init(loop_, &c->tcp);
  c->tcp.data = c;
  c->id = next_connection_id_++;
  c->connected_ms = monotonic_ms();
  c->extranonce2_size = static_cast<size_t>(port.extranonce2_size);
  c->index = connections_.size();
  connections_.push_back(c);
  ++stats_.connections;
  ++stats_.accepted_total;
  if (uv_accept(listener, reinterpret_cast<uv_stream_t*>(&c->tcp)) != 0 || stopping_) {
    close_connection(*c, "accept failed");
    return;
  }
  c->ip = peer_ip(&c->tcp);
  if (!ip_guard_.admit(c->ip, c->connected_ms)) {
    close_connection(*c, "per-IP limit or banned");
    return;
  }
  c->counted_ip = true;
  uv_tcp_nodelay(&c->tcp, 1);
  uv_read_start(reinterpret_cast<uv_stream_t*>(&c->tcp), ServerCallbacks::alloc,
                ServerCallbacks::read);
}

void PoolServer::on_read(Connection& c, ssize_t nread, const uv_buf_t* buf) {
  if (nread < 0) {
    close_connection(c, nread == UV_EOF ? "closed by peer" : uv_strerror(static_cast<int>(nread)));
    return;
  }
  if (nread == 0 || c.closing) return;
  if (!c.framer.feed(std::string_view(buf->base, static_cast<size_t>(nread))).ok()) {
    // Complete lines before the overflow are still answered, then it goes.
    while (auto line = c.framer.next_line()) {
      if (c.closing) return;
      handle_line(c, *line);
    }
    penalize(c, "line too long");
    return;
  }
  while (auto line = c.framer.next_line()) {
    if (c.closing) return;
    handle_line(c, *line);
  }
  // Idle miners are most of a big pool: give back the read buffer between
  // messages instead of keeping a few hundred bytes per connection.
  if (c.framer.buffered() == 0) c.framer = stratum::LineFramer(cfg_.max_line_bytes);
}

void PoolServer::send(Connection& c, std::string line) {
  send(c, std::make_shared<const std::string>(std::move(line)));
}

void PoolServer::start_output() {
  BatchSenderOptions opt;
  opt.threads = static_cast<unsigned>(cfg_.send_threads);
  opt.use_io_uring = cfg_.io_uring;
  sender_ = std::make_unique<BatchSender>(opt);
  pool_log("sending with %s on %u thread%s", sender_->method(), sender_->threads(),
           sender_->threads() == 1 ? "" : "s");
  uv_prepare_init(loop_, &flush_prepare_);
  flush_prepare_.data = this;
  uv_prepare_start(&flush_prepare_,
                   [](uv_prepare_t* h) { static_cast<PoolServer*>(h->data)->flush_output(); });
  uv_check_init(loop_, &flush_check_);
  flush_check_.data = this;
  uv_check_start(&flush_check_,
                 [](uv_check_t* h) { static_cast<PoolServer*>(h->data)->flush_output(); });
}

void PoolServer::stop_output() {
  flush_output();
  uv_close(reinterpret_cast<uv_handle_t*>(&flush_prepare_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&flush_check_), nullptr);
}

void PoolServer::send(Connection& c, std::shared_ptr<const std::string> line) {
  if (c.closing) return;
  // Behind bytes libuv still holds, a line must queue there to keep order.
  if (sender_ == nullptr ||
      uv_stream_get_write_queue_size(reinterpret_cast<uv_stream_t*>(&c.tcp)) > 0) {
    std::vector<std::shared_ptr<const std::string>> one{std::move(line)};
    queue_write(c, std::move(one), 0);
    return;
  }
  if (!c.in_dirty_list) {
    c.in_dirty_list = true;
    dirty_.push_back(&c);
  }
  c.outbox.push_back(std::move(line));
  if (c.outbox.size() == SendItem::kMaxParts) flush_connection(c);
}

void PoolServer::flush_output() {
  if (dirty_.empty()) return;
  flushing_.swap(dirty_);
  send_items_.clear();
  size_t kept = 0;
  for (Connection* c : flushing_) {
    c->in_dirty_list = false;
    if (c->closing || c->outbox.empty()) {
      c->outbox.clear();
      continue;
    }
    SendItem item;
    uv_os_fd_t fd = -1;
    uv_fileno(reinterpret_cast<uv_handle_t*>(&c->tcp), &fd);
    item.fd = fd;
    for (const auto& line : c->outbox) {
      item.parts[item.part_count++] = iovec{const_cast<char*>(line->data()), line->size()};
    }
    send_items_.push_back(item);
    flushing_[kept++] = c;
  }
  flushing_.resize(kept);
  sender_->send_all(send_items_);
  for (size_t i = 0; i < kept; ++i) {
    std::vector<std::shared_ptr<const std::string>> lines;
    lines.swap(flushing_[i]->outbox);
    finish_send(*flushing_[i], lines, send_items_[i].result);
  }
  flushing_.clear();
}

void PoolServer::flush_connection(Connection& c) {
  std::vector<std::shared_ptr<const std::string>> lines;
  lines.swap(c.outbox);
  if (lines.empty()) return;
  // It may stay in dirty_; flush_output skips an empty outbox.
  std::vector<uv_buf_t> bufs = line_bufs(lines, 0);
  const int n = uv_try_write(reinterpret_cast<uv_stream_t*>(&c.tcp), bufs.data(),
                             static_cast<unsigned>(bufs.size()));
  finish_send(c, lines, n == UV_EAGAIN ? 0 : n);
}

void PoolServer::finish_send(Connection& c, std::vector<std::shared_ptr<const std::string>>& lines,
                             int64_t result) {
  if (result < 0) {
    close_connection(c, "write failed");
    return;
  }
  c.last_write_ms = monotonic_ms();
  auto sent = static_cast<size_t>(result);
  size_t first = 0;
  while (first < lines.size() && sent >= lines[first]->size()) sent -= lines[first++]->size();
  if (first == lines.size()) return;
  lines.erase(lines.begin(), lines.begin() + static_cast<std::ptrdiff_t>(first));
  queue_write(c, std::move(lines), sent);
}

void PoolServer::queue_write(Connection& c, std::vector<std::shared_ptr<const std::string>> lines,
                             size_t offset) {
  if (c.closing) return;
  auto* stream = reinterpret_cast<uv_stream_t*>(&c.tcp);
  auto* w = new WriteReq;
  w->lines = std::move(lines);
  w->req.data = w;
  std::vector<uv_buf_t> bufs = line_bufs(w->lines, offset);
  if (uv_write(&w->req, stream, bufs.data(), static_cast<unsigned>(bufs.size()), on_written) != 0) {
    delete w;
    close_connection(c, "write failed");
    return;
  }
  c.last_write_ms = monotonic_ms();
  if (c.stalled_since_ms == 0 &&
      uv_stream_get_write_queue_size(stream) > cfg_.write_high_water_bytes) {
    c.stalled_since_ms = c.last_write_ms;
  }
}

void PoolServer::close_connection(Connection& c, const char* why) {
  if (c.closing) return;
  // What was said last (an error, client.reconnect) still goes out first.
  if (!c.outbox.empty()) flush_connection(c);
  if (c.closing) return;  // the flush found the socket dead
  c.closing = true;
  (void)why;
  uv_close(reinterpret_cast<uv_handle_t*>(&c.tcp), ServerCallbacks::closed);
}

// A slow reader's queued bytes are worthless: a reset frees them at once,
// where a graceful close would leave them in an orphaned socket that keeps
// probing a zero window for minutes.
void PoolServer::reset_connection(Connection& c) {
  if (c.closing) return;
  c.closing = true;
  c.outbox.clear();
  if (uv_tcp_close_reset(&c.tcp, ServerCallbacks::closed) != 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(&c.tcp), ServerCallbacks::closed);
  }
}

void PoolServer::forget_connection(Connection* c) {
  // Usually flushed (and so unlisted) before the close phase; not always
  // (a close callback of another handle may have sent meanwhile).
  if (c->in_dirty_list) std::erase(dirty_, c);
  if (c->counted_ip) ip_guard_.release(c->ip);
  if (c->extranonce1) extranonce1_.release(*c->extranonce1);
  Connection* last = connections_.back();
  connections_[c->index] = last;
  last->index = c->index;
  connections_.pop_back();
  --stats_.connections;
  delete c;
}

void PoolServer::penalize(Connection& c, const char* why) {
  const int64_t now = monotonic_ms();
  ip_guard_.ban(c.ip, now + static_cast<int64_t>(cfg_.invalid_share_ban_s * 1000));
  ++stats_.banned;
  pool_log("connection %llu from %s dropped and IP banned for %.0f s: %s",
           static_cast<unsigned long long>(c.id), c.ip.c_str(), cfg_.invalid_share_ban_s, why);
  close_connection(c, why);
}

void PoolServer::on_sweep() {
  const int64_t now = monotonic_ms();
  const auto subscribe_ms = static_cast<int64_t>(cfg_.subscribe_timeout_s * 1000);
  const auto stall_ms = static_cast<int64_t>(cfg_.write_stall_timeout_s * 1000);
  const bool vardiff_tick = now - last_vardiff_tick_ms_ >= 5000;
  if (vardiff_tick) last_vardiff_tick_ms_ = now;
  const auto tick_time = Vardiff::Clock::now();
  // Index loop: closing only marks a connection; removal happens in the
  // close callback, after this function returns.
  for (size_t i = 0; i < connections_.size(); ++i) {
    Connection& c = *connections_[i];
    if (c.closing) continue;
    if (!c.subscribed && now - c.connected_ms > subscribe_ms) {
      close_connection(c, "no subscribe in time");
      continue;
    }
    if (unsent_bytes(c, now) > cfg_.write_high_water_bytes) {
      if (c.stalled_since_ms == 0) c.stalled_since_ms = now;
      if (now - c.stalled_since_ms > stall_ms) {
        ++stats_.disconnected_slow;
        pool_log("connection %llu from %s: write queue above %zu bytes for %.0f s, dropped",
                 static_cast<unsigned long long>(c.id), c.ip.c_str(), cfg_.write_high_water_bytes,
                 cfg_.write_stall_timeout_s);
        reset_connection(c);
        continue;
      }
    } else {
      c.stalled_since_ms = 0;
    }
    if (vardiff_tick && c.payout && !c.last_job_id.empty()) {
      if (c.vardiff.on_tick(tick_time)) {
        c.difficulty_pending = true;
        send_job(c, false);
      }
    }
  }
  if (now - last_flush_ms_ >= 5000) {
    last_flush_ms_ = now;
    ip_guard_.sweep(now);
    if (auto st = ledger_->flush(); !st.ok())
      pool_log("ledger flush failed: %s", st.error().c_str());
    if (accounting_) accounting_->tick();
  }
}

// What a client has not taken yet: libuv's queue plus the kernel's send
// queue. A client that never reads can park megabytes in the kernel (its
// send buffer grows to tcp_wmem's maximum) before libuv queues a byte, so
// both count. The kernel is asked only for sockets written to in the last
// second or already suspect, so 19,000 idle miners cost no system calls.
size_t PoolServer::unsent_bytes(Connection& c, int64_t now) const {
  size_t queued = uv_stream_get_write_queue_size(reinterpret_cast<uv_stream_t*>(&c.tcp));
  if (c.stalled_since_ms == 0 && now - c.last_write_ms > 1000) return queued;
  uv_os_fd_t fd = -1;
  int in_kernel = 0;
  if (uv_fileno(reinterpret_cast<uv_handle_t*>(&c.tcp), &fd) == 0 &&
      ::ioctl(fd, SIOCOUTQ, &in_kernel) == 0 && in_kernel > 0) {
    queued += static_cast<size_t>(in_kernel);
  }
  return queued;
}

void PoolServer::shutdown() {
  if (stopping_) return;
  stopping_ = true;
  pool_log("stopping: closing %zu connections", connections_.size());
  if (cfg_.shutdown_reconnect) {
    // A planned restart: miners come back here after the wait instead of
    // failing over to their backup pools.
    stratum::Reconnect same_pool;
    same_pool.wait_s = static_cast<uint32_t>(cfg_.shutdown_reconnect_wait_s);
    reconnect_sessions(SessionFilter{}, same_pool);
  }
  for (auto& l : listeners_) {
    if (!uv_is_closing(reinterpret_cast<uv_handle_t*>(&l->tcp))) {
      uv_close(reinterpret_cast<uv_handle_t*>(&l->tcp), nullptr);
    }
  }
  for (size_t i = 0; i < connections_.size(); ++i) close_connection(*connections_[i], "shutdown");
  if (api_listening_) api_->close();
  if (node_) node_->stop();
  record_unanswered_blocks();
  if (accounting_) accounting_->stop();
  if (sender_) stop_output();
  uv_timer_stop(&sweep_timer_);
  uv_close(reinterpret_cast<uv_handle_t*>(&sweep_timer_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&stop_async_), nullptr);
  if (signals_) {
    uv_close(reinterpret_cast<uv_handle_t*>(&sigint_), nullptr);
    uv_close(reinterpret_cast<uv_handle_t*>(&sigterm_), nullptr);
  }
  // Shares answered so far are written before the loop ends.
  if (auto st = ledger_->flush(); st.ok()) {
    pool_log("ledger flushed");
  } else {
    pool_log("ledger flush failed: %s", st.error().c_str());
  }
}

void PoolServer::on_template(nlohmann::json tmpl) {
  const int64_t t0 = monotonic_ms();
  auto parsed = parse_block_template(tmpl);
  if (!parsed.ok()) {
    pool_log("template refused: %s", parsed.error().c_str());
    return;
  }
  auto shared = std::make_shared<const BlockTemplate>(std::move(parsed).value());
  const uint32_t height = shared->height;
  const auto up = work_.on_template(std::move(shared));
  if (!up.changed) return;
  if (accounting_) accounting_->on_template(*work_.current_template(), up.new_tip);
  ++stats_.templates;
  const int64_t t1 = monotonic_ms();
  const int64_t t2 = broadcast_jobs(up.new_tip);
  if (up.new_tip) {
    pool_log(
        "new block template: height %u, %zu transactions, prev %s (parsed in %lld ms, "
        "jobs for %zu connections built in %lld ms and written in %lld ms)",
        height, work_.current_template()->transactions.size(),
        work_.current_template()->prev_block.to_display_hex().c_str(),
        static_cast<long long>(t1 - t0), connections_.size(), static_cast<long long>(t2 - t1),
        static_cast<long long>(monotonic_ms() - t2));
  }
}

// A block submitted just before shutdown may have no answer yet, but the
// node may well have taken it. Dropping it would lose its credits, so it is
// recorded as pending: the ledger's check against the node's chain (on the
// next tip after a restart) confirms it or marks it orphaned.
void PoolServer::record_unanswered_blocks() {
  for (auto& [tag, b] : pending_blocks_) {
    b.accepted = true;
    b.submit_result = "no answer before shutdown";
    pool_log("block %s at height %lld: no answer before shutdown, recorded as pending",
             b.hash.c_str(), static_cast<long long>(b.height));
    ledger_->on_block(b);
  }
  pending_blocks_.clear();
}

void PoolServer::on_submit_result(const SubmitOutcome& o) {
  auto it = pending_blocks_.find(o.tag);
  if (it == pending_blocks_.end()) return;
  BlockEvent ev = std::move(it->second);
  pending_blocks_.erase(it);
  ev.accepted = o.accepted;
  ev.submit_result = o.result;
  if (o.accepted) ++stats_.blocks_accepted;
  pool_log("block %s at height %lld by %s: %s", ev.hash.c_str(), static_cast<long long>(ev.height),
           ev.worker.c_str(), o.result.c_str());
  ledger_->on_block(ev);
  if (accounting_) accounting_->on_block(ev);
}

}  // namespace btr::pool
