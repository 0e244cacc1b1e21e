#include "tools/stratum_load/load_client.h"

#include <algorithm>
#include <array>
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
#include "tools/stratum_load/notify_scan.h"
#include "tools/stratum_load/response_scan.h"
#include "tools/stratum_load/submit_line.h"

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
  // The latest job. Every notify sets job_id, prev_block and ntime (all a
  // random share needs) from the fast scan and keeps its raw line; the full
  // Notify is parsed from job_line only when a valid-share search needs it
  // (LoadRun::full_job), or set at once when the full parser read the line.
  std::string job_id;
  core::Hash256 prev_block;
  uint32_t ntime = 0;
  std::string job_line;
  std::optional<stratum::Notify> job;
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

std::vector<uint8_t> counter_bytes(uint64_t v, size_t size) {
  std::vector<uint8_t> out(size, 0);
  for (size_t i = 0; i < size && i < 8; ++i) out[i] = static_cast<uint8_t>(v >> (8 * i));
  return out;
}

}  // namespace

struct LoadCallbacks {
  static void alloc(uv_handle_t* h, size_t, uv_buf_t* buf) {
    auto& storage = static_cast<LoadRun::Conn*>(h->data)->run->read_buf_;
    *buf = uv_buf_init(storage.data(), static_cast<unsigned>(storage.size()));
  }
  static void read(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
    // One clock read per callback, before any parsing: the arrival time of
    // every line in this read, for share replies and notifies alike, so the
    // tool's own parsing does not count as pool delay.
    const int64_t arrival_us = now_us();
    auto* c = static_cast<LoadRun::Conn*>(s->data);
    if (n < 0) {
      if (!c->closed) {
        c->closed = true;
        ++c->run->stats_.closed;
        uv_close(reinterpret_cast<uv_handle_t*>(&c->tcp), nullptr);
      }
      return;
    }
    const std::string_view data(buf->base, static_cast<size_t>(n));
    if (!c->buf.empty()) {
      c->buf.append(data);
      const size_t used = consume_lines(*c, c->buf, arrival_us);
      if (!c->closed) c->buf.erase(0, used);
      return;
    }
    // Nothing pending (the usual case): take whole lines straight from the
    // read buffer and keep only a partial tail, saving a copy of each notify.
    const size_t used = consume_lines(*c, data, arrival_us);
    if (!c->closed && used < data.size()) c->buf.assign(data.substr(used));
  }
  // Hands each complete line of text to the run; returns how much was used.
  static size_t consume_lines(LoadRun::Conn& c, std::string_view text, int64_t arrival_us) {
    size_t start = 0;
    for (;;) {
      const size_t nl = text.find('\n', start);
      if (nl == std::string_view::npos) break;
      c.run->on_line(c, text.substr(start, nl - start), arrival_us);
      start = nl + 1;
      if (c.closed) return start;
    }
    return start;
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
    if (c.job_id != w->job.job_id) return;  // a newer job arrived meanwhile
    const uint32_t id = c.next_id++;
    c.pending[id] = now_us();
    ++w->run->stats_.valid_sent;
    ++w->run->stats_.sent;
    std::string& line = w->run->line_buf_;
    line.clear();
    append_submit_line(line, w->run->opt_.username, id, w->job.job_id, w->en2, w->job.ntime,
                       *w->nonce);
    w->run->send(c, line);
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

void LoadRun::send(Conn& c, std::string_view text) {
  if (c.closed) return;
  // Straight into the socket when it takes the whole line (the usual case
  // on loopback): no write request, no copy, no completion callback. libuv
  // refuses (EAGAIN) while earlier writes are queued, so order is kept.
  const uv_buf_t direct =
      uv_buf_init(const_cast<char*>(text.data()), static_cast<unsigned>(text.size()));
  const int wrote = uv_try_write(reinterpret_cast<uv_stream_t*>(&c.tcp), &direct, 1);
  if (wrote > 0) text.remove_prefix(static_cast<size_t>(wrote));
  if (text.empty()) return;
  auto* w = new WriteBuf;
  w->data.assign(text);
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
  // The random extranonce2 in a stack buffer (pools use 4..8 bytes; a
  // larger size falls back to the heap).
  const uint64_t en2_value = rng_();
  std::array<uint8_t, 32> en2_small{};
  std::vector<uint8_t> en2_large;
  std::span<const uint8_t> en2;
  if (c.en2_size <= en2_small.size()) {
    for (size_t i = 0; i < c.en2_size && i < 8; ++i)
      en2_small[i] = static_cast<uint8_t>(en2_value >> (8 * i));
    en2 = std::span<const uint8_t>(en2_small.data(), c.en2_size);
  } else {
    en2_large = counter_bytes(en2_value, c.en2_size);
    en2 = en2_large;
  }
  line_buf_.clear();
  append_submit_line(line_buf_, opt_.username, id, c.job_id, en2, c.ntime,
                     static_cast<uint32_t>(rng_()));
  send(c, line_buf_);
}

const stratum::Notify* LoadRun::full_job(Conn& c) {
  if (!c.job && !c.job_line.empty()) {
    auto parsed = stratum::parse_server_message(c.job_line);
    if (parsed.message.ok()) {
      if (auto* n = std::get_if<stratum::Notify>(&*parsed.message)) c.job = std::move(*n);
    }
    c.job_line.clear();  // parsed or unusable: either way, not again
  }
  return c.job ? &*c.job : nullptr;
}

void LoadRun::start_search(Conn& c) {
  const stratum::Notify* job = full_job(c);
  if (job == nullptr) return;
  auto* w = new SearchWork;
  w->req.data = w;
  w->run = this;
  w->conn = &c;
  w->job = *job;
  w->en1 = c.en1;
  w->en2 = counter_bytes((uint64_t{1} << 63) | c.en2_counter++, c.en2_size);
  w->difficulty = c.difficulty;
  c.searching = true;
  uv_queue_work(loop_, &w->req, LoadCallbacks::search, LoadCallbacks::searched);
}

bool LoadRun::on_answer(Conn& c, int64_t id, std::optional<int> error_code, int64_t arrival_us) {
  const auto it = c.pending.find(static_cast<uint32_t>(id));
  if (it == c.pending.end()) return false;
  stats_.latency_us.push_back(static_cast<uint32_t>(std::max<int64_t>(arrival_us - it->second, 0)));
  c.pending.erase(it);
  ++stats_.answered;
  if (error_code) {
    ++stats_.rejected;
    ++stats_.rejected_by_code[*error_code];
  } else {
    ++stats_.accepted;
  }
  return true;
}

void LoadRun::on_line(Conn& c, std::string_view line, int64_t arrival_us) {
  // Share answers, the bulk of the traffic, take their own fast scan (id 2
  // is the subscribe answer, which needs the full parser anyway).
  if (auto ans = scan_submit_response(line); ans && ans->id != 2) {
    const auto code = ans->error ? std::optional<int>(ans->code) : std::nullopt;
    if (on_answer(c, ans->id, code, arrival_us)) ++stats_.answer_scanned;
    return;
  }
  // Notifies, the bulk of the traffic at a new block, take the fast scan;
  // a line it refuses (another message, or a layout it does not know) goes
  // to the full parser.
  if (auto scan = scan_notify(line)) {
    ++stats_.notify_scanned;
    c.job_line.assign(line);
    c.job.reset();
    on_notify(c, scan->job_id, scan->prev_block, scan->ntime, scan->clean_jobs, arrival_us);
    return;
  }
  auto parsed = stratum::parse_server_message(line);
  if (!parsed.message.ok()) return;
  auto& msg = *parsed.message;
  if (auto* n = std::get_if<stratum::Notify>(&msg)) {
    ++stats_.notify_parsed;
    c.job_line.clear();
    c.job = std::move(*n);
    on_notify(c, c.job->job_id, c.job->prev_block, c.job->ntime, c.job->clean_jobs, arrival_us);
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
      const auto code = r->error ? std::optional<int>(r->error->code) : std::nullopt;
      if (on_answer(c, *id, code, arrival_us)) ++stats_.answer_parsed;
    }
  }
}

void LoadRun::on_notify(Conn& c, std::string_view job_id, const core::Hash256& prev, uint32_t ntime,
                        bool clean, int64_t arrival_us) {
  const bool had_job = c.ready;
  const bool new_prev = !had_job || prev != c.prev_block;
  c.job_id.assign(job_id);
  c.prev_block = prev;
  c.ntime = ntime;
  if (!c.ready) {
    c.ready = true;
    ++stats_.ready;
  }
  if (!(had_job && new_prev && clean)) return;
  LoadStats::Arrivals* a = nullptr;
  for (auto it = stats_.arrivals.rbegin(); it != stats_.arrivals.rend(); ++it) {
    if (it->prev_block == prev) {
      a = &*it;
      break;
    }
  }
  if (a == nullptr) {
    stats_.arrivals.push_back(LoadStats::Arrivals{prev, {}});
    a = &stats_.arrivals.back();
  }
  a->at_us.push_back(arrival_us);
}

LoadStats merge_stats(std::span<const LoadStats* const> runs,
                      const std::vector<BlockTrigger>& triggers) {
  LoadStats out;
  std::vector<LoadStats::Block> blocks;
  for (const auto& t : triggers) blocks.push_back(LoadStats::Block{t.prevhash, t.at_us, 0, {}});
  std::vector<std::vector<int64_t>> arrivals(blocks.size());
  for (const LoadStats* s : runs) {
    out.connected += s->connected;
    out.connect_failed += s->connect_failed;
    out.ready += s->ready;
    out.closed += s->closed;
    out.sent += s->sent;
    out.valid_sent += s->valid_sent;
    out.answered += s->answered;
    out.accepted += s->accepted;
    out.rejected += s->rejected;
    out.notify_scanned += s->notify_scanned;
    out.notify_parsed += s->notify_parsed;
    out.answer_scanned += s->answer_scanned;
    out.answer_parsed += s->answer_parsed;
    for (const auto& [code, n] : s->rejected_by_code) out.rejected_by_code[code] += n;
    out.latency_us.insert(out.latency_us.end(), s->latency_us.begin(), s->latency_us.end());
    for (const auto& a : s->arrivals) {
      const std::string hex = a.prev_block.to_display_hex();
      auto it = std::find_if(blocks.begin(), blocks.end(),
                             [&](const LoadStats::Block& b) { return b.prevhash == hex; });
      if (it == blocks.end()) {
        blocks.push_back(LoadStats::Block{hex, 0, 0, {}});
        arrivals.emplace_back();
        it = blocks.end() - 1;
      }
      auto& at = arrivals[static_cast<size_t>(it - blocks.begin())];
      at.insert(at.end(), a.at_us.begin(), a.at_us.end());
    }
  }
  for (size_t i = 0; i < blocks.size(); ++i) {
    auto& b = blocks[i];
    if (!arrivals[i].empty())
      b.first_us = *std::min_element(arrivals[i].begin(), arrivals[i].end());
    const int64_t from = b.trigger_us != 0 ? b.trigger_us : b.first_us;
    b.delay_us.reserve(arrivals[i].size());
    for (int64_t at : arrivals[i])
      b.delay_us.push_back(static_cast<uint32_t>(std::max<int64_t>(at - from, 0)));
  }
  std::stable_sort(blocks.begin(), blocks.end(), [](const auto& a, const auto& b) {
    return (a.trigger_us != 0 ? a.trigger_us : a.first_us) <
           (b.trigger_us != 0 ? b.trigger_us : b.first_us);
  });
  out.blocks = std::move(blocks);
  return out;
}

}  // namespace btr::tools
