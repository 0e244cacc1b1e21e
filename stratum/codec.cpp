// Parsing half of the codec: one line -> typed message.
#include "stratum/codec.h"

#include <charconv>
#include <cmath>
#include <exception>

#include "core/hex.h"
#include "stratum/hex_fields.h"
#include "stratum/json_access.h"

namespace btr::stratum {
namespace {

using core::fail;
using core::Result;
using detail::json;

constexpr std::string_view kSuggestLegacyPrefix = "mining.suggest_difficulty(";

// ---------------------------------------------------------------- client -> server

Result<ClientMessage> parse_subscribe(const json& p) {
  Subscribe s;
  if (!p.empty() && !p[0].is_null()) {
    auto ua = detail::string_at(p, 0, "user agent");
    if (!ua) return fail(ua.error());
    s.user_agent = std::move(ua).value();
  }
  // Extra params (NiceHash-style host/port) are ignored.
  if (p.size() > 1 && !p[1].is_null()) {
    auto sid = detail::string_at(p, 1, "session id");
    if (!sid) return fail(sid.error());
    s.session_id = std::move(sid).value();
  }
  return ClientMessage{std::move(s)};
}

Result<ClientMessage> parse_authorize(const json& p) {
  auto user = detail::string_at(p, 0, "username");
  if (!user) return fail(user.error());
  if (user->empty()) return fail("empty username");
  Authorize a{std::move(user).value(), ""};
  if (p.size() > 1 && p[1].is_string()) a.password = p[1].get<std::string>();
  return ClientMessage{std::move(a)};
}

Result<ClientMessage> parse_submit(const json& p) {
  if (p.size() != 5 && p.size() != 6) return fail("mining.submit needs 5 or 6 params");
  Submit s;
  auto worker = detail::string_at(p, 0, "worker");
  if (!worker) return fail(worker.error());
  auto job = detail::string_at(p, 1, "job id");
  if (!job) return fail(job.error());
  auto en2 = detail::hex_bytes_at(p, 2, "extranonce2");
  if (!en2) return fail(en2.error());
  auto ntime = detail::hex8_at(p, 3, "ntime");
  if (!ntime) return fail(ntime.error());
  auto nonce = detail::hex8_at(p, 4, "nonce");
  if (!nonce) return fail(nonce.error());
  s.worker = std::move(worker).value();
  s.job_id = std::move(job).value();
  s.extranonce2 = std::move(en2).value();
  s.ntime = *ntime;
  s.nonce = *nonce;
  if (p.size() == 6) {
    auto bits = detail::hex8_at(p, 5, "version bits");
    if (!bits) return fail(bits.error());
    s.version_bits = *bits;
  }
  return ClientMessage{std::move(s)};
}

Result<uint32_t> min_bit_count(const json& v) {
  if (v.is_string()) {  // some miners send it as hex text
    auto parsed = parse_hex_u32_lenient(v.get<std::string>());
    if (!parsed || *parsed > 32) return fail("bad version-rolling.min-bit-count");
    return *parsed;
  }
  auto n = detail::unsigned_value(v, 32, "version-rolling.min-bit-count");
  if (!n) return fail(n.error());
  return static_cast<uint32_t>(*n);
}

Result<ClientMessage> parse_configure(const json& p) {
  if (p.empty() || !p[0].is_array()) return fail("mining.configure needs a list of extensions");
  Configure c;
  for (const json& e : p[0]) {
    if (!e.is_string()) return fail("extension names must be strings");
    c.extensions.push_back(e.get<std::string>());
  }
  if (p.size() > 1 && !p[1].is_null()) {
    if (!p[1].is_object()) return fail("mining.configure parameters must be an object");
    const json& o = p[1];
    if (const auto m = o.find("version-rolling.mask"); m != o.end()) {
      if (!m->is_string()) return fail("version-rolling.mask must be a hex string");
      auto mask = parse_hex_u32_lenient(m->get<std::string>());
      if (!mask) return fail("version-rolling.mask: " + mask.error());
      c.version_rolling_mask = *mask;
    }
    if (const auto b = o.find("version-rolling.min-bit-count"); b != o.end()) {
      auto n = min_bit_count(*b);
      if (!n) return fail(n.error());
      c.version_rolling_min_bit_count = *n;
    }
  }
  return ClientMessage{std::move(c)};
}

Result<double> parse_decimal(std::string_view text) {
  double d = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty())
    return fail("not a number");
  if (!std::isfinite(d) || !(d > 0)) return fail("must be > 0");
  return d;
}

Result<ClientMessage> parse_suggest(const std::string& method, const json& p) {
  if (method != "mining.suggest_difficulty") {
    if (method.size() <= kSuggestLegacyPrefix.size() + 1 || method.back() != ')')
      return fail("malformed mining.suggest_difficulty(N) method");
    // ckpool's legacy form: the value is inside the method name.
    const std::string_view inner = std::string_view(method).substr(
        kSuggestLegacyPrefix.size(), method.size() - kSuggestLegacyPrefix.size() - 1);
    auto d = parse_decimal(inner);
    if (!d) return fail("suggest_difficulty: " + d.error());
    return ClientMessage{SuggestDifficulty{*d, true}};
  }
  if (p.empty()) return fail("mining.suggest_difficulty needs a difficulty");
  auto d = detail::positive_number(p[0], "difficulty");
  if (!d) return fail(d.error());
  return ClientMessage{SuggestDifficulty{*d, false}};
}

Result<ClientMessage> parse_client_method(const std::string& method, const json& p) {
  if (method == "mining.submit") return parse_submit(p);
  if (method == "mining.subscribe") return parse_subscribe(p);
  if (method == "mining.authorize") return parse_authorize(p);
  if (method == "mining.configure") return parse_configure(p);
  if (method == "mining.suggest_difficulty" || method.starts_with(kSuggestLegacyPrefix))
    return parse_suggest(method, p);
  if (method == "mining.extranonce.subscribe") return ClientMessage{ExtranonceSubscribe{}};
  if (method == "pong" || method == "mining.pong") return ClientMessage{Pong{}};
  return fail("unknown method: " + method.substr(0, 64));
}

Result<ClientMessage> parse_client_object(const json& object) {
  const auto m = object.find("method");
  if (m == object.end() || m->is_null()) {
    if (object.contains("result") || object.contains("error"))
      return ClientMessage{detail::read_response(object)};
    return fail("no method");
  }
  if (!m->is_string()) return fail("method must be a string");
  auto params = detail::read_params(object);
  if (!params) return fail(params.error());
  return parse_client_method(m->get<std::string>(), **params);
}

// ---------------------------------------------------------------- server -> client

Result<uint32_t> notify_u32(const json& p, size_t i, std::string_view what) {
  auto text = detail::string_at(p, i, what);
  if (!text) return fail(text.error());
  auto v = parse_hex_u32_lenient(*text);
  if (!v) return fail(std::string(what) + ": " + v.error());
  return *v;
}

Result<ServerMessage> parse_notify(const json& p) {
  if (p.size() != 9) return fail("mining.notify needs 9 params");
  Notify n;
  auto job = detail::string_at(p, 0, "job id");
  if (!job) return fail(job.error());
  n.job_id = std::move(job).value();
  auto prev_text = detail::string_at(p, 1, "prevhash");
  if (!prev_text) return fail(prev_text.error());
  auto prev = prevhash_from_stratum_hex(*prev_text);
  if (!prev) return fail(prev.error());
  n.prev_block = *prev;
  auto coinb1 = detail::hex_bytes_at(p, 2, "coinb1");
  if (!coinb1) return fail(coinb1.error());
  auto coinb2 = detail::hex_bytes_at(p, 3, "coinb2");
  if (!coinb2) return fail(coinb2.error());
  n.coinb1 = std::move(coinb1).value();
  n.coinb2 = std::move(coinb2).value();
  if (!p[4].is_array()) return fail("merkle branch must be an array");
  for (const json& b : p[4]) {
    if (!b.is_string()) return fail("merkle branch entries must be strings");
    auto h = core::Hash256::from_internal_hex(b.get<std::string>());
    if (!h) return fail("merkle branch entry: " + h.error());
    n.merkle_branch.push_back(*h);
  }
  auto version = notify_u32(p, 5, "version");
  if (!version) return fail(version.error());
  auto nbits = notify_u32(p, 6, "nbits");
  if (!nbits) return fail(nbits.error());
  auto ntime = notify_u32(p, 7, "ntime");
  if (!ntime) return fail(ntime.error());
  if (!p[8].is_boolean()) return fail("clean_jobs must be a boolean");
  n.version = *version;
  n.nbits = *nbits;
  n.ntime = *ntime;
  n.clean_jobs = p[8].get<bool>();
  return ServerMessage{std::move(n)};
}

Result<ServerMessage> parse_set_extranonce(const json& p) {
  auto en1 = detail::hex_bytes_at(p, 0, "extranonce1");
  if (!en1) return fail(en1.error());
  if (en1->empty() || en1->size() > 32) return fail("extranonce1 must be 1..32 bytes");
  if (p.size() < 2) return fail("missing extranonce2 size");
  auto size = detail::unsigned_value(p[1], 32, "extranonce2 size");
  if (!size) return fail(size.error());
  if (*size == 0) return fail("extranonce2 size must be 1..32");
  return ServerMessage{SetExtranonce{std::move(en1).value(), static_cast<uint32_t>(*size)}};
}

Result<ServerMessage> parse_reconnect(const json& p) {
  Reconnect r;
  if (!p.empty() && !p[0].is_null()) {
    auto host = detail::string_at(p, 0, "host");
    if (!host) return fail(host.error());
    r.host = std::move(host).value();
  }
  if (p.size() > 1 && !p[1].is_null()) {
    auto port = detail::unsigned_value(p[1], 65535, "port");
    if (!port) return fail(port.error());
    r.port = static_cast<uint16_t>(*port);
  }
  if (p.size() > 2 && !p[2].is_null()) {
    auto wait = detail::unsigned_value(p[2], 0xffffffffu, "wait");
    if (!wait) return fail(wait.error());
    r.wait_s = static_cast<uint32_t>(*wait);
  }
  return ServerMessage{std::move(r)};
}

Result<ServerMessage> parse_server_method(const std::string& method, const json& p) {
  if (method == "mining.notify") return parse_notify(p);
  if (method == "mining.set_difficulty") {
    if (p.empty()) return fail("mining.set_difficulty needs a difficulty");
    auto d = detail::positive_number(p[0], "difficulty");
    if (!d) return fail(d.error());
    return ServerMessage{SetDifficulty{*d}};
  }
  if (method == "mining.set_extranonce") return parse_set_extranonce(p);
  if (method == "mining.set_version_mask") {
    auto text = detail::string_at(p, 0, "version mask");
    if (!text) return fail(text.error());
    auto mask = parse_hex_u32_lenient(*text);
    if (!mask) return fail("version mask: " + mask.error());
    return ServerMessage{SetVersionMask{*mask}};
  }
  if (method == "client.reconnect") return parse_reconnect(p);
  if (method == "client.show_message") {
    auto text = detail::string_at(p, 0, "message");
    if (!text) return fail(text.error());
    return ServerMessage{ShowMessage{std::move(text).value()}};
  }
  if (method == "client.get_version") return ServerMessage{GetVersion{}};
  if (method == "mining.ping") return ServerMessage{Ping{}};
  return fail("unknown method: " + method.substr(0, 64));
}

Result<ServerMessage> parse_server_object(const json& object) {
  const auto m = object.find("method");
  if (m == object.end() || m->is_null()) {
    if (object.contains("result") || object.contains("error"))
      return ServerMessage{detail::read_response(object)};
    return fail("no method");
  }
  if (!m->is_string()) return fail("method must be a string");
  auto params = detail::read_params(object);
  if (!params) return fail(params.error());
  return parse_server_method(m->get<std::string>(), **params);
}

// Shared driver: JSON parse, id, then the per-direction body. Exceptions
// are not expected (every access is type-checked), but none may escape.
template <class Out, class Body>
Out parse_line(std::string_view line, Body body) {
  try {
    auto object = detail::parse_object(line, kMaxJsonDepth);
    if (!object) return Out{MessageId{}, fail(object.error())};
    auto id = detail::read_id(*object);
    if (!id) return Out{MessageId{}, fail(id.error())};
    return Out{*id, body(*object)};
  } catch (const std::exception& e) {
    return Out{MessageId{}, fail(std::string("malformed message: ") + e.what())};
  } catch (...) {
    return Out{MessageId{}, fail("malformed message")};
  }
}

}  // namespace

ParsedClientMessage parse_client_message(std::string_view line) {
  return parse_line<ParsedClientMessage>(line, parse_client_object);
}

ParsedServerMessage parse_server_message(std::string_view line) {
  return parse_line<ParsedServerMessage>(line, parse_server_object);
}

}  // namespace btr::stratum
