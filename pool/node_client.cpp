#include "pool/node_client.h"

#include <chrono>
#include <cstdio>

#ifdef BTR_HAVE_ZMQ
#include <zmq.h>
#endif

namespace btr::pool {

using nlohmann::json;

int64_t monotonic_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

namespace {

json template_request(const std::string& longpollid) {
  // ckpool's request shape; btr-node has no segwit and ignores the rule.
  json req = {{"rules", json::array({"segwit"})},
              {"capabilities", json::array({"coinbasetxn", "workid", "coinbase/append"})}};
  if (!longpollid.empty()) req["longpollid"] = longpollid;
  return json::array({req});
}

std::string string_or_empty(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

NodeClient::NodeClient(uv_loop_t* loop, NodeClientOptions options, NodeEvents events)
    : loop_(loop), opt_(std::move(options)), events_(std::move(events)) {}

NodeClient::~NodeClient() {
  // stop() must have run on the loop thread; joining here only guards
  // against threads outliving the object if it did not.
  stop_ = true;
  cv_.notify_all();
  for (std::thread* t : {&rpc_, &longpoll_, &zmq_}) {
    if (t->joinable()) t->join();
  }
}

void NodeClient::start() {
  uv_async_init(loop_, &async_,
                [](uv_async_t* h) { static_cast<NodeClient*>(h->data)->drain_events(); });
  async_.data = this;
  async_open_ = true;
  rpc_ = std::thread([this] { rpc_thread(); });
  if (opt_.longpoll) longpoll_ = std::thread([this] { longpoll_thread(); });
#ifdef BTR_HAVE_ZMQ
  if (!opt_.zmq_hashblock.empty()) zmq_ = std::thread([this] { zmq_thread(); });
#else
  if (!opt_.zmq_hashblock.empty()) {
    std::fprintf(stderr, "pool: built without libzmq; zmq_hashblock ignored, polling instead\n");
  }
#endif
}

void NodeClient::stop() {
  stop_ = true;
  cv_.notify_all();
  for (std::thread* t : {&rpc_, &longpoll_, &zmq_}) {
    if (t->joinable()) t->join();
  }
  if (async_open_) {
    async_open_ = false;
    uv_close(reinterpret_cast<uv_handle_t*>(&async_), nullptr);
  }
}

void NodeClient::submit_block(uint64_t tag, std::string block_hex, std::string block_hash,
                              std::string prev_hash) {
  {
    std::lock_guard lk(mu_);
    submissions_.push_back(Submission{tag, std::move(block_hex), std::move(block_hash),
                                      std::move(prev_hash), monotonic_ms()});
  }
  cv_.notify_all();
}

void NodeClient::request_template() {
  {
    std::lock_guard lk(mu_);
    wake_ = true;
  }
  cv_.notify_all();
}

void NodeClient::post(Event ev) {
  {
    std::lock_guard lk(mu_);
    events_queue_.push_back(std::move(ev));
  }
  uv_async_send(&async_);
}

void NodeClient::drain_events() {
  std::deque<Event> batch;
  {
    std::lock_guard lk(mu_);
    batch.swap(events_queue_);
  }
  for (Event& ev : batch) {
    if (stop_) return;
    switch (ev.kind) {
      case Event::kTemplate:
        if (events_.on_template) events_.on_template(std::move(ev.tmpl));
        break;
      case Event::kState:
        if (events_.on_node_state) events_.on_node_state(ev.reachable, ev.why);
        break;
      case Event::kSubmit:
        if (events_.on_submit_result) events_.on_submit_result(ev.submit);
        break;
    }
  }
}

void NodeClient::set_reachable(bool reachable, const std::string& why) {
  {
    std::lock_guard lk(mu_);
    if (reported_state_ && reachable_ == reachable) return;
    reported_state_ = true;
    reachable_ = reachable;
  }
  Event ev{Event::kState, {}, reachable, why, {}};
  post(std::move(ev));
}

void NodeClient::sleep_for_ms(int64_t ms) {
  std::unique_lock lk(mu_);
  cv_.wait_for(lk, std::chrono::milliseconds(ms), [this] { return stop_.load(); });
}

void NodeClient::note_template(const json& tmpl) {
  std::lock_guard lk(mu_);
  tip_ = string_or_empty(tmpl, "previousblockhash");
  longpollid_ = string_or_empty(tmpl, "longpollid");
  last_template_ms_ = monotonic_ms();
}

bool NodeClient::fetch_template(RpcClient& rpc, const char* reason) {
  (void)reason;
  auto r = rpc.call("getblocktemplate", template_request(""), opt_.call_timeout_ms, &stop_);
  if (!r.ok()) {
    set_reachable(false, r.error());
    return false;
  }
  if (r->is_error || !r->result.is_object()) {
    set_reachable(false, "getblocktemplate: " + (r->is_error ? r->error_message : "not an object"));
    return false;
  }
  note_template(r->result);
  set_reachable(true, "");
  post(Event{Event::kTemplate, std::move(r->result), true, {}, {}});
  cv_.notify_all();  // the long-poll thread waits for a longpollid
  return true;
}

// Sends queued blocks. False when the node could not be reached (the block
// stays queued and is retried with the tip check repeated first).
bool NodeClient::process_submissions(RpcClient& rpc) {
  for (;;) {
    Submission s;
    {
      std::lock_guard lk(mu_);
      if (submissions_.empty()) return true;
      s = submissions_.front();
    }
    auto finish = [&](bool accepted, std::string result) {
      {
        std::lock_guard lk(mu_);
        submissions_.pop_front();
        wake_ = true;  // the tip (probably) moved: fetch a template at once
      }
      post(Event{
          Event::kSubmit, {}, true, {}, SubmitOutcome{s.tag, s.hash, accepted, std::move(result)}});
    };
    const bool expired =
        monotonic_ms() - s.queued_ms > static_cast<int64_t>(opt_.submit_give_up_s * 1000);
    // Never submit on top of a tip that is no longer the node's best: after a
    // restart or an outage the node may have moved on.
    auto best = rpc.call("getbestblockhash", json::array(), opt_.call_timeout_ms, &stop_);
    if (!best.ok() || best->is_error) {
      if (expired) finish(false, "not submitted: node unreachable");
      if (!best.ok()) set_reachable(false, best.error());
      return false;
    }
    if (!best->result.is_string() || best->result.get<std::string>() != s.prev) {
      finish(false, "not submitted: the tip moved to " + best->result.dump());
      continue;
    }
    auto r = rpc.call("submitblock", json::array({s.hex}), opt_.call_timeout_ms, &stop_);
    if (!r.ok()) {
      if (expired) finish(false, "not submitted: " + r.error());
      set_reachable(false, r.error());
      return false;
    }
    if (r->is_error) {
      finish(false, r->error_message);
    } else if (r->result.is_null() || r->result == "duplicate") {
      finish(true, r->result.is_null() ? "accepted" : "duplicate");
    } else {
      finish(false, r->result.is_string() ? r->result.get<std::string>() : r->result.dump());
    }
  }
}

void NodeClient::rpc_thread() {
  RpcClient rpc(opt_.url, opt_.credentials);
  const auto poll_ms = static_cast<int64_t>(opt_.poll_interval_s * 1000);
  const auto refresh_ms = static_cast<int64_t>(opt_.template_refresh_s * 1000);
  int64_t backoff_ms = 0;
  int64_t next_poll = 0;
  bool need_fresh = true;  // at start and after every outage
  while (!stop_) {
    {
      std::unique_lock lk(mu_);
      const int64_t wait = std::max<int64_t>(0, next_poll - monotonic_ms());
      cv_.wait_for(lk, std::chrono::milliseconds(wait), [this] {
        return stop_.load() || (!submissions_.empty() && reachable_) || wake_;
      });
    }
    if (stop_) break;
    if (!process_submissions(rpc)) {
      {
        std::lock_guard lk(mu_);
        wake_ = false;  // retried after the backoff, not in a tight loop
      }
      backoff_ms = std::min<int64_t>(std::max<int64_t>(backoff_ms * 2, 250), 5000);
      next_poll = monotonic_ms() + backoff_ms;
      need_fresh = true;
      continue;
    }
    bool woke = false;
    std::string tip;
    int64_t last_template = 0;
    {
      std::lock_guard lk(mu_);
      woke = wake_;
      tip = tip_;
      last_template = last_template_ms_;
    }
    if (!woke && monotonic_ms() < next_poll) continue;
    {
      std::lock_guard lk(mu_);
      wake_ = false;
    }
    auto best = rpc.call("getbestblockhash", json::array(), opt_.call_timeout_ms, &stop_);
    bool ok = best.ok() && !best->is_error && best->result.is_string();
    if (ok) {
      const bool moved = best->result.get<std::string>() != tip;
      const bool old = monotonic_ms() - last_template >= refresh_ms;
      if (moved || old || woke || need_fresh) ok = fetch_template(rpc, moved ? "tip" : "refresh");
    } else {
      set_reachable(false, best.ok() ? "getbestblockhash: bad reply" : best.error());
    }
    if (ok) {
      backoff_ms = 0;
      need_fresh = false;
      next_poll = monotonic_ms() + poll_ms;
    } else {
      rpc.disconnect();
      need_fresh = true;
      backoff_ms = std::min<int64_t>(std::max<int64_t>(backoff_ms * 2, 250), 5000);
      next_poll = monotonic_ms() + backoff_ms;
    }
  }
}

void NodeClient::longpoll_thread() {
  RpcClient rpc(opt_.url, opt_.credentials);
  while (!stop_) {
    std::string id;
    {
      std::unique_lock lk(mu_);
      cv_.wait_for(lk, std::chrono::milliseconds(200),
                   [this] { return stop_.load() || (!longpollid_.empty() && reachable_); });
      if (!reachable_) continue;
      id = longpollid_;
    }
    if (id.empty() || stop_) continue;
    const int64_t t0 = monotonic_ms();
    auto r = rpc.call("getblocktemplate", template_request(id), opt_.longpoll_timeout_ms, &stop_);
    if (stop_) break;
    if (!r.ok() || r->is_error || !r->result.is_object()) {
      rpc.disconnect();
      sleep_for_ms(1000);  // the rpc thread reports and handles the outage
      continue;
    }
    const bool same = string_or_empty(r->result, "longpollid") == id;
    if (!same) {
      note_template(r->result);
      post(Event{Event::kTemplate, std::move(r->result), true, {}, {}});
    }
    // A node without long polling answers at once with the same template;
    // the poll on the rpc thread covers it, so do not spin here.
    if (same && monotonic_ms() - t0 < 1000) sleep_for_ms(5000);
  }
}

void NodeClient::zmq_thread() {
#ifdef BTR_HAVE_ZMQ
  void* ctx = zmq_ctx_new();
  void* sock = zmq_socket(ctx, ZMQ_SUB);
  const int linger = 0;
  zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof linger);
  zmq_setsockopt(sock, ZMQ_SUBSCRIBE, "hashblock", 9);
  if (zmq_connect(sock, opt_.zmq_hashblock.c_str()) != 0) {
    std::fprintf(stderr, "pool: zmq connect %s failed: %s\n", opt_.zmq_hashblock.c_str(),
                 zmq_strerror(zmq_errno()));
  } else {
    while (!stop_) {
      zmq_pollitem_t item{sock, 0, ZMQ_POLLIN, 0};
      if (zmq_poll(&item, 1, 100) <= 0) continue;
      // Three frames (topic, hash, sequence); only the arrival matters.
      int more = 1;
      while (more != 0) {
        zmq_msg_t msg;
        zmq_msg_init(&msg);
        if (zmq_msg_recv(&msg, sock, ZMQ_DONTWAIT) < 0) {
          zmq_msg_close(&msg);
          break;
        }
        more = zmq_msg_more(&msg);
        zmq_msg_close(&msg);
      }
      request_template();
    }
  }
  zmq_close(sock);
  zmq_ctx_term(ctx);
#endif
}

}  // namespace btr::pool
