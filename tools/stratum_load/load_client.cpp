#include "tools/stratum_load/load_client.h"

#include <chrono>
#include <cstring>
#include <optional>
#include <unordered_map>

#include "core/crypto/sha256.h"
#include "core/hex.h"
#include "core/pow.h"
#include "stratum/codec.h"
#include "stratum/hex_fields.h"
#include "stratum/share_rebuild.h"

namespace btr::tools {

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

struct LoadRun::Conn {
  uv_tcp_t tcp{};
  uv_connect_t connect{};
  LoadRun* run = nullptr;
  std::string buf;
  bool ready = false, closed = false, searching = false;
  std::vector<uint8_t> en1;
  size_t en2_size = 8;
  stratum::Notify job;
  double difficulty = 1;
  uint32_t next_id = 100;
  uint64_t en2_counter = 0;
  std::unordered_map<uint32_t, int64_t> pending;  // share id -> send time (us)
};

namespace {

struct WriteBuf {
  uv_write_t req{};
  std::string data;
};

struct SearchWork {
  uv_work_t req{};
  LoadRun* run = nullptr;
  LoadRun::Conn* conn = nullptr;
  stratum::Notify job;
  std::vector<uint8_t> en1, en2;
  double difficulty = 1;
  std::optional<uint32_t> nonce;
};

std::string submit_text(const std::string& user, uint32_t id, const std::string& job_id,
                        const std::vector<uint8_t>& en2, uint32_t ntime, uint32_t nonce) {
  return "{\"id\":" + std::to_string(id) + ",\"method\":\"mining.submit\",\"params\":[\"" + user +
         "\",\"" + job_id + "\",\"" + core::to_hex(en2) + "\",\"" + stratum::u32_to_hex8(ntime) +
         "\",\"" + stratum::u32_to_hex8(nonce) + "\",\"00000000\"]}\n";
}

std::vector<uint8_t> counter_bytes(uint64_t v, size_t size) {
  std::vector<uint8_t> out(size, 0);
  for (size_t i = 0; i < size && i < 8; ++i) out[i] = static_cast<uint8_t>(v >> (8 * i));
  return out;
}

}  // namespace

struct LoadCallbacks {
  static void alloc(uv_handle_t*, size_t, uv_buf_t* buf) {
    static char storage[65536];
    *buf = uv_buf_init(storage, sizeof storage);
  }
  static void read(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
    auto* c = static_cast<LoadRun::Conn*>(s->data);
    if (n < 0) {
      if (!c->closed) {
        c->closed = true;
        ++c->run->stats_.closed;
        uv_close(reinterpret_cast<uv_handle_t*>(&c->tcp), nullptr);
      }
      return;
    }
    c->buf.append(buf->base, static_cast<size_t>(n));
    size_t start = 0;
    for (;;) {
      const size_t nl = c->buf.find('\n', start);
      if (nl == std::string::npos) break;
      c->run->on_line(*c, std::string_view(c->buf).substr(start, nl - start));
      start = nl + 1;
      if (c->closed) return;
    }
    c->buf.erase(0, start);
  }
  static void connected(uv_connect_t* req, int status) {
    auto* c = static_cast<LoadRun::Conn*>(req->data);
    LoadRun& run = *c->run;
    if (status != 0) {
      ++run.stats_.connect_failed;
      c->closed = true;
      uv_close(reinterpret_cast<uv_handle_t*>(&c->tcp), nullptr);
      return;
    }
    ++run.stats_.connected;
    uv_read_start(reinterpret_cast<uv_stream_t*>(&c->tcp), alloc, read);
    std::string hello =
        "{\"id\":1,\"method\":\"mining.configure\",\"params\":[[\"version-rolling\"],"
        "{\"version-rolling.mask\":\"ffffffff\"}]}\n"
        "{\"id\":2,\"method\":\"mining.subscribe\",\"params\":[\"btr-stratum-load/0.1\"]}\n"
        "{\"id\":3,\"method\":\"mining.authorize\",\"params\":[\"" +
        run.opt_.username + "\",\"x\"]}\n";
    if (run.opt_.suggest_difficulty > 0) {
      hello += "{\"id\":4,\"method\":\"mining.suggest_difficulty\",\"params\":[" +
               stratum::difficulty_to_json(run.opt_.suggest_difficulty) + "]}\n";
    }
    run.send(*c, std::move(hello));
  }
  static void written(uv_write_t* req, int) { delete static_cast<WriteBuf*>(req->data); }
  static void search(uv_work_t* req) {
    auto* w = static_cast<SearchWork*>(req->data);
    stratum::ShareFields f;
    f.extranonce1 = w->en1;
    f.extranonce2 = w->en2;
    f.ntime = w->job.ntime;
    f.version = w->job.version;
    const stratum::RebuiltShare base = stratum::rebuild_share(w->job, f);
    core::HeaderBytes h = base.header_bytes;
    const core::Uint256 target = core::target_from_difficulty(w->difficulty);
    for (uint32_t nonce = 0; nonce < (1u << 28); ++nonce) {
      std::memcpy(h.data() + 76, &nonce, 4);  // x86: little-endian, as the header wants
      if (core::hash_meets_target(core::sha256d(h), target)) {
        w->nonce = nonce;
        return;
      }
    }
  }
  static void searched(uv_work_t* req, int status) {
    std::unique_ptr<SearchWork> w(static_cast<SearchWork*>(req->data));
    LoadRun::Conn& c = *w->conn;
    c.searching = false;
    if (status != 0 || !w->nonce || c.closed || w->run->stopping_) return;
    if (c.job.job_id != w->job.job_id) return;  // a newer job arrived meanwhile
    const uint32_t id = c.next_id++;
    c.pending[id] = now_us();
    ++w->run->stats_.valid_sent;
    ++w->run->stats_.sent;
    w->run->send(
        c, submit_text(w->run->opt_.username, id, w->job.job_id, w->en2, w->job.ntime, *w->nonce));
  }
};

LoadRun::LoadRun(uv_loop_t* loop, LoadOptions options)
    : loop_(loop), opt_(std::move(options)), rng_(std::random_device{}()) {}

LoadRun::~LoadRun() = default;

void LoadRun::start() {
  start_us_ = last_tick_us_ = now_us();
  uv_timer_init(loop_, &tick_);
  tick_.data = this;
  uv_timer_start(
      &tick_, [](uv_timer_t* t) { static_cast<LoadRun*>(t->data)->on_tick(); }, 5, 5);
}

void LoadRun::open_some() {
  sockaddr_in addr{};
  uv_ip4_addr("127.0.0.1", opt_.port, &addr);
  for (int i = 0; i < opt_.connect_batch && opened_ < opt_.connections; ++i, ++opened_) {
    auto c = std::make_unique<Conn>();
    c->run = this;
    uv_tcp_init(loop_, &c->tcp);
    c->tcp.data = c.get();
    c->connect.data = c.get();
    if (uv_tcp_connect(&c->connect, &c->tcp, reinterpret_cast<const sockaddr*>(&addr),
                       LoadCallbacks::connected) != 0) {
      ++stats_.connect_failed;
      c->closed = true;
      uv_close(reinterpret_cast<uv_handle_t*>(&c->tcp), nullptr);
    }
    conns_.push_back(std::move(c));
  }
}

void LoadRun::block_triggered(const std::string& prev_display_hex) {
  LoadStats::Block b;
  b.prevhash = prev_display_hex;
  b.trigger_us = now_us();
  stats_.blocks.push_back(std::move(b));
}

void LoadRun::stop() {
  if (stopping_) return;
  stopping_ = true;
  uv_timer_stop(&tick_);
  uv_close(reinterpret_cast<uv_handle_t*>(&tick_), nullptr);
  for (auto& c : conns_) {
    if (!c->closed) {
      c->closed = true;
      uv_close(reinterpret_cast<uv_handle_t*>(&c->tcp), nullptr);
    }
  }
}

LoadRun::Conn* LoadRun::next_ready() {
  for (size_t tries = 0; tries < conns_.size(); ++tries) {
    Conn* c = conns_[rr_++ % conns_.size()].get();
    if (c->ready && !c->closed) return c;
  }
  return nullptr;
}

void LoadRun::on_tick() {
  if (opened_ < opt_.connections) open_some();
  const int64_t now = now_us();
  const double dt = static_cast<double>(now - last_tick_us_) / 1e6;
  last_tick_us_ = now;
  if (stats_.ready == 0) return;
  random_due_ += opt_.share_rate * dt;
  valid_due_ += opt_.valid_rate * dt;
  while (random_due_ >= 1) {
    random_due_ -= 1;
    if (Conn* c = next_ready()) send_random_share(*c);
  }
  while (valid_due_ >= 1) {
    valid_due_ -= 1;
    Conn* c = next_ready();
    if (c != nullptr && !c->searching) start_search(*c);
  }
}

void LoadRun::send(Conn& c, std::string text) {
  if (c.closed) return;
  auto* w = new WriteBuf;
  w->data = std::move(text);
  w->req.data = w;
  uv_buf_t b = uv_buf_init(w->data.data(), static_cast<unsigned>(w->data.size()));
  if (uv_write(&w->req, reinterpret_cast<uv_stream_t*>(&c.tcp), &b, 1, LoadCallbacks::written) !=
      0) {
    delete w;
  }
}

void LoadRun::send_random_share(Conn& c) {
  const uint32_t id = c.next_id++;
  c.pending[id] = now_us();
  ++stats_.sent;
  const auto en2 = counter_bytes(rng_(), c.en2_size);
  send(c, submit_text(opt_.username, id, c.job.job_id, en2, c.job.ntime,
                      static_cast<uint32_t>(rng_())));
}

void LoadRun::start_search(Conn& c) {
  auto* w = new SearchWork;
  w->req.data = w;
  w->run = this;
  w->conn = &c;
  w->job = c.job;
  w->en1 = c.en1;
  w->en2 = counter_bytes((uint64_t{1} << 63) | c.en2_counter++, c.en2_size);
  w->difficulty = c.difficulty;
  c.searching = true;
  uv_queue_work(loop_, &w->req, LoadCallbacks::search, LoadCallbacks::searched);
}

void LoadRun::on_line(Conn& c, std::string_view line) {
  auto parsed = stratum::parse_server_message(line);
  if (!parsed.message.ok()) return;
  auto& msg = *parsed.message;
  if (auto* n = std::get_if<stratum::Notify>(&msg)) {
    const bool had_job = c.ready;
    const bool new_prev = !had_job || n->prev_block != c.job.prev_block;
    c.job = *n;
    if (!c.ready) {
      c.ready = true;
      ++stats_.ready;
    }
    if (had_job && new_prev && n->clean_jobs) {
      const int64_t now = now_us();
      const std::string prev = n->prev_block.to_display_hex();
      LoadStats::Block* b = nullptr;
      for (auto it = stats_.blocks.rbegin(); it != stats_.blocks.rend(); ++it) {
        if (it->prevhash == prev) {
          b = &*it;
          break;
        }
      }
      if (b == nullptr) {
        stats_.blocks.push_back(LoadStats::Block{prev, 0, now, {}});
        b = &stats_.blocks.back();
      }
      if (b->first_us == 0) b->first_us = now;
      const int64_t from = b->trigger_us != 0 ? b->trigger_us : b->first_us;
      b->delay_us.push_back(static_cast<uint32_t>(now - from));
    }
  } else if (auto* d = std::get_if<stratum::SetDifficulty>(&msg)) {
    c.difficulty = d->difficulty;
  } else if (auto* r = std::get_if<stratum::Response>(&msg)) {
    if (const auto* id = std::get_if<int64_t>(&parsed.id)) {
      if (*id == 2) {
        auto sub = stratum::decode_subscribe_result(*r);
        if (sub.ok()) {
          c.en1 = sub->extranonce1;
          c.en2_size = sub->extranonce2_size;
        }
        return;
      }
      const auto it = c.pending.find(static_cast<uint32_t>(*id));
      if (it == c.pending.end()) return;
      stats_.latency_us.push_back(static_cast<uint32_t>(now_us() - it->second));
      c.pending.erase(it);
      ++stats_.answered;
      if (r->error) {
        ++stats_.rejected;
        ++stats_.rejected_by_code[r->error->code];
      } else {
        ++stats_.accepted;
      }
    }
  }
}

}  // namespace btr::tools
