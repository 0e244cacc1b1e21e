// Encoding half of the codec (typed message -> line) and the decoders of
// typed results carried in a Response.
#include <cmath>
#include <exception>

#include "core/hex.h"
#include "stratum/codec.h"
#include "stratum/hex_fields.h"
#include "stratum/json_access.h"

namespace btr::stratum {
namespace {

using core::fail;
using core::Result;
using detail::json;

json difficulty_json(double d) {
  // Integers as integers (512, not 512.0): ESP-Miner and others accept
  // both, but some older firmware reads only integers.
  if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9.0e15)
    return json(static_cast<int64_t>(d));
  return json(d);
}

std::string line(const json& object) {
  return detail::dump(object) + "\n";
}

std::string request(const MessageId& id, std::string_view method, json params) {
  json o = json::object();
  o["id"] = detail::id_to_json(id);
  o["method"] = std::string(method);
  o["params"] = std::move(params);
  return line(o);
}

json error_json(const std::optional<ErrorInfo>& e) {
  if (!e) return json(nullptr);
  return json::array({e->code, e->message, nullptr});
}

json result_json(const std::string& text) {
  json v = json::parse(text, nullptr, /*allow_exceptions=*/false);
  return v.is_discarded() ? json(nullptr) : v;
}

std::string response(const MessageId& id, json result, json error) {
  json o = json::object();
  o["id"] = detail::id_to_json(id);
  o["result"] = std::move(result);
  o["error"] = std::move(error);
  return line(o);
}

json branch_json(const std::vector<core::Hash256>& branch) {
  json a = json::array();
  for (const auto& h : branch) a.push_back(h.to_internal_hex());
  return a;
}

struct ClientEncoder {
  const MessageId& id;
  std::string operator()(const Subscribe& s) const {
    json p = json::array();
    if (!s.user_agent.empty() || s.session_id) p.push_back(s.user_agent);
    if (s.session_id) p.push_back(*s.session_id);
    return request(id, "mining.subscribe", std::move(p));
  }
  std::string operator()(const Authorize& a) const {
    return request(id, "mining.authorize", json::array({a.username, a.password}));
  }
  std::string operator()(const Submit& s) const {
    json p = json::array({s.worker, s.job_id, core::to_hex(s.extranonce2), u32_to_hex8(s.ntime),
                          u32_to_hex8(s.nonce)});
    if (s.version_bits) p.push_back(u32_to_hex8(*s.version_bits));
    return request(id, "mining.submit", std::move(p));
  }
  std::string operator()(const Configure& c) const {
    json o = json::object();
    if (c.version_rolling_mask) o["version-rolling.mask"] = u32_to_hex8(*c.version_rolling_mask);
    if (c.version_rolling_min_bit_count)
      o["version-rolling.min-bit-count"] = *c.version_rolling_min_bit_count;
    return request(id, "mining.configure", json::array({json(c.extensions), std::move(o)}));
  }
  std::string operator()(const SuggestDifficulty& s) const {
    if (s.legacy_form)
      return request(id, "mining.suggest_difficulty(" + difficulty_to_json(s.difficulty) + ")",
                     json::array());
    return request(id, "mining.suggest_difficulty", json::array({difficulty_json(s.difficulty)}));
  }
  std::string operator()(const ExtranonceSubscribe&) const {
    return request(id, "mining.extranonce.subscribe", json::array());
  }
  std::string operator()(const Pong&) const { return request(id, "pong", json::array()); }
  std::string operator()(const Response& r) const {
    return response(id, result_json(r.result_json), error_json(r.error));
  }
};

struct ServerEncoder {
  const MessageId& id;
  std::string operator()(const Notify& n) const {
    json p =
        json::array({n.job_id, prevhash_to_stratum_hex(n.prev_block), core::to_hex(n.coinb1),
                     core::to_hex(n.coinb2), branch_json(n.merkle_branch), u32_to_hex8(n.version),
                     u32_to_hex8(n.nbits), u32_to_hex8(n.ntime), n.clean_jobs});
    return request(id, "mining.notify", std::move(p));
  }
  std::string operator()(const SetDifficulty& s) const {
    return request(id, "mining.set_difficulty", json::array({difficulty_json(s.difficulty)}));
  }
  std::string operator()(const SetExtranonce& s) const {
    return request(id, "mining.set_extranonce",
                   json::array({core::to_hex(s.extranonce1), s.extranonce2_size}));
  }
  std::string operator()(const SetVersionMask& s) const {
    return request(id, "mining.set_version_mask", json::array({u32_to_hex8(s.mask)}));
  }
  std::string operator()(const Reconnect& r) const {
    json p = json::array();
    if (r.host || r.port || r.wait_s) p.push_back(r.host ? json(*r.host) : json(nullptr));
    if (r.port || r.wait_s) p.push_back(r.port ? json(*r.port) : json(nullptr));
    if (r.wait_s) p.push_back(*r.wait_s);
    return request(id, "client.reconnect", std::move(p));
  }
  std::string operator()(const ShowMessage& s) const {
    return request(id, "client.show_message", json::array({s.text}));
  }
  std::string operator()(const GetVersion&) const {
    return request(id, "client.get_version", json::array());
  }
  std::string operator()(const Ping&) const { return request(id, "mining.ping", json::array()); }
  std::string operator()(const Response& r) const {
    return response(id, result_json(r.result_json), error_json(r.error));
  }
};

Result<json> result_of(const Response& r) {
  if (r.error) return fail("error " + std::to_string(r.error->code) + ": " + r.error->message);
  json v = json::parse(r.result_json, nullptr, /*allow_exceptions=*/false);
  if (v.is_discarded()) return fail("invalid result JSON");
  return v;
}

void read_subscriptions(const json& list, SubscribeResult& out) {
  auto add_tuple = [&](const json& t) {
    if (t.is_array() && t.size() >= 2 && t[0].is_string() && t[1].is_string())
      out.subscriptions.emplace_back(t[0].get<std::string>(), t[1].get<std::string>());
  };
  if (!list.is_array()) return;
  // Some pools send one tuple instead of a list of tuples.
  if (!list.empty() && list[0].is_string()) {
    add_tuple(list);
    return;
  }
  for (const json& t : list) add_tuple(t);
}

}  // namespace

std::optional<std::string> SubscribeResult::notify_subscription_id() const {
  for (const auto& [method, sub_id] : subscriptions)
    if (method == "mining.notify") return sub_id;
  return std::nullopt;
}

std::string difficulty_to_json(double difficulty) {
  return detail::dump(difficulty_json(difficulty));
}

std::string encode_client_message(const MessageId& id, const ClientMessage& msg) {
  return std::visit(ClientEncoder{id}, msg);
}

std::string encode_server_message(const MessageId& id, const ServerMessage& msg) {
  return std::visit(ServerEncoder{id}, msg);
}

// The two answers to every mining.submit, built as text: a pool sends
// tens of thousands a second and a DOM per answer was a visible share of
// its CPU. Same bytes as response() (keys in its sorted order).
namespace {
std::string id_text(const MessageId& id) {
  if (const auto* n = std::get_if<int64_t>(&id)) return std::to_string(*n);
  return detail::dump(detail::id_to_json(id));
}
}  // namespace

std::string encode_bool_result(const MessageId& id, bool value) {
  std::string out = "{\"error\":null,\"id\":";
  out += id_text(id);
  out += value ? ",\"result\":true}\n" : ",\"result\":false}\n";
  return out;
}

std::string encode_string_result(const MessageId& id, std::string_view value) {
  return response(id, json(std::string(value)), json(nullptr));
}

std::string encode_subscribe_result(const MessageId& id, const SubscribeResult& result) {
  json subs = json::array();
  for (const auto& [method, sub_id] : result.subscriptions) subs.push_back({method, sub_id});
  json r =
      json::array({std::move(subs), core::to_hex(result.extranonce1), result.extranonce2_size});
  return response(id, std::move(r), json(nullptr));
}

std::string encode_configure_result(const MessageId& id, const ConfigureResult& result) {
  json r = json::object();
  if (result.version_rolling) {
    r["version-rolling"] = *result.version_rolling;
    if (*result.version_rolling)
      r["version-rolling.mask"] = u32_to_hex8(result.version_rolling_mask);
  }
  for (const auto& name : result.unsupported) r[name] = false;
  return response(id, std::move(r), json(nullptr));
}

std::string encode_error(const MessageId& id, int code, std::string_view reason) {
  std::string out = "{\"error\":[";
  out += std::to_string(code);
  out += ',';
  out += detail::dump(json(std::string(reason)));  // escaped as JSON text
  out += ",null],\"id\":";
  out += id_text(id);
  out += ",\"result\":null}\n";
  return out;
}

std::string encode_notify(const Notify& notify) {
  return ServerEncoder{MessageId{}}(notify);
}

std::string encode_set_difficulty(double difficulty) {
  return ServerEncoder{MessageId{}}(SetDifficulty{difficulty});
}

Result<bool> decode_bool_result(const Response& response) {
  if (response.error) return false;  // a refusal is a false result
  auto v = result_of(response);
  if (!v) return fail(v.error());
  if (v->is_boolean()) return v->get<bool>();
  if (v->is_null()) return false;
  return fail("result is not a boolean");
}

Result<std::string> decode_string_result(const Response& response) {
  auto v = result_of(response);
  if (!v) return fail(v.error());
  if (!v->is_string()) return fail("result is not a string");
  return v->get<std::string>();
}

Result<SubscribeResult> decode_subscribe_result(const Response& response) {
  try {
    auto v = result_of(response);
    if (!v) return fail(v.error());
    const json& r = *v;
    if (!r.is_array() || r.size() < 3) return fail("subscribe result must be a 3-element array");
    SubscribeResult out;
    read_subscriptions(r[0], out);
    if (!r[1].is_string()) return fail("extranonce1 must be a hex string");
    auto en1 = core::from_hex(r[1].get<std::string>());
    if (!en1 || en1->size() > 32) return fail("extranonce1 must be hex of at most 32 bytes");
    out.extranonce1 = std::move(en1).value();
    auto size = detail::unsigned_value(r[2], 32, "extranonce2 size");
    if (!size) return fail(size.error());
    if (*size == 0) return fail("extranonce2 size must be 1..32");
    out.extranonce2_size = static_cast<uint32_t>(*size);
    return out;
  } catch (const std::exception& e) {
    return fail(std::string("malformed subscribe result: ") + e.what());
  }
}

Result<ConfigureResult> decode_configure_result(const Response& response) {
  try {
    auto v = result_of(response);
    if (!v) return fail(v.error());
    if (!v->is_object()) return fail("configure result must be an object");
    ConfigureResult out;
    for (const auto& [key, value] : v->items()) {
      if (key == "version-rolling") {
        if (!value.is_boolean()) return fail("version-rolling must be a boolean");
        out.version_rolling = value.get<bool>();
      } else if (key == "version-rolling.mask") {
        if (!value.is_string()) return fail("version-rolling.mask must be a hex string");
        auto mask = parse_hex_u32_lenient(value.get<std::string>());
        if (!mask) return fail("version-rolling.mask: " + mask.error());
        out.version_rolling_mask = *mask;
      } else if (value.is_boolean() && !value.get<bool>()) {
        out.unsupported.push_back(key);
      }
    }
    if (out.version_rolling.value_or(false) && !v->contains("version-rolling.mask"))
      return fail("version-rolling granted without a mask");
    return out;
  } catch (const std::exception& e) {
    return fail(std::string("malformed configure result: ") + e.what());
  }
}

}  // namespace btr::stratum
