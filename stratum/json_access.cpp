#include "stratum/json_access.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "core/hex.h"
#include "stratum/hex_fields.h"
#include "stratum/line_framer.h"

namespace btr::stratum::detail {
namespace {

// Depth of [ and { outside strings. Checked before parsing so that hostile
// nesting never reaches the parser or the recursive destructor.
bool depth_within(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return false;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return true;
}

std::string field_name(std::string_view what, size_t i) {
  return std::string(what) + " (param " + std::to_string(i) + ")";
}

}  // namespace

core::Result<json> parse_object(std::string_view line, int max_depth) {
  if (line.size() > kMaxLineBytes) return core::fail("line too long");
  if (!depth_within(line, max_depth)) return core::fail("JSON nested too deeply");
  json value = json::parse(line.begin(), line.end(), nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return core::fail("invalid JSON");
  if (!value.is_object()) return core::fail("message is not a JSON object");
  return value;
}

core::Result<MessageId> read_id(const json& object) {
  const auto it = object.find("id");
  if (it == object.end() || it->is_null()) return MessageId{};
  if (it->is_number_unsigned()) {
    const auto v = it->get<uint64_t>();
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      return core::fail("id out of range");
    return MessageId{static_cast<int64_t>(v)};
  }
  if (it->is_number_integer()) return MessageId{it->get<int64_t>()};
  if (it->is_number_float()) {
    const double d = it->get<double>();
    if (std::isfinite(d) && std::floor(d) == d && std::fabs(d) < 9.0e15)
      return MessageId{static_cast<int64_t>(d)};
    return core::fail("id must be an integer or a string");
  }
  if (it->is_string()) return MessageId{it->get<std::string>()};
  return core::fail("id must be an integer or a string");
}

json id_to_json(const MessageId& id) {
  if (const auto* i = std::get_if<int64_t>(&id)) return json(*i);
  if (const auto* s = std::get_if<std::string>(&id)) return json(*s);
  return json(nullptr);
}

core::Result<const json*> read_params(const json& object) {
  static const json kEmpty = json::array();
  const auto it = object.find("params");
  if (it == object.end() || it->is_null()) return &kEmpty;
  if (!it->is_array()) return core::fail("params must be an array");
  return &*it;
}

core::Result<std::string> string_at(const json& params, size_t i, std::string_view what) {
  if (i >= params.size()) return core::fail("missing " + field_name(what, i));
  const json& v = params[i];
  if (!v.is_string()) return core::fail(field_name(what, i) + " must be a string");
  return v.get<std::string>();
}

core::Result<std::vector<uint8_t>> hex_bytes_at(const json& params, size_t i,
                                                std::string_view what) {
  auto text = string_at(params, i, what);
  if (!text) return core::fail(text.error());
  auto bytes = core::from_hex(*text);
  if (!bytes) return core::fail(field_name(what, i) + " is not hex");
  return std::move(bytes).value();
}

core::Result<uint32_t> hex8_at(const json& params, size_t i, std::string_view what) {
  auto text = string_at(params, i, what);
  if (!text) return core::fail(text.error());
  auto v = parse_hex8(*text);
  if (!v) return core::fail(field_name(what, i) + ": " + v.error());
  return *v;
}

core::Result<double> positive_number(const json& value, std::string_view what) {
  if (!value.is_number()) return core::fail(std::string(what) + " must be a number");
  const double d = value.get<double>();
  if (!std::isfinite(d) || !(d > 0)) return core::fail(std::string(what) + " must be > 0");
  return d;
}

core::Result<uint64_t> unsigned_value(const json& value, uint64_t max, std::string_view what) {
  uint64_t v = 0;
  if (value.is_number_unsigned()) {
    v = value.get<uint64_t>();
  } else if (value.is_number_integer()) {
    return core::fail(std::string(what) + " must not be negative");
  } else if (value.is_string()) {
    const auto& s = value.get_ref<const std::string&>();
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || s.empty())
      return core::fail(std::string(what) + " is not a number");
  } else {
    return core::fail(std::string(what) + " must be an integer");
  }
  if (v > max) return core::fail(std::string(what) + " out of range");
  return v;
}

namespace {

ErrorInfo error_from_json(const json& e) {
  ErrorInfo info;
  if (e.is_array()) {
    if (!e.empty() && e[0].is_number_integer()) {
      const auto code = e[0].get<int64_t>();
      if (code >= std::numeric_limits<int>::min() && code <= std::numeric_limits<int>::max())
        info.code = static_cast<int>(code);
    }
    if (e.size() > 1) info.message = e[1].is_string() ? e[1].get<std::string>() : dump(e[1]);
  } else if (e.is_string()) {
    info.message = e.get<std::string>();
  } else if (e.is_object()) {
    const auto code = e.find("code");
    if (code != e.end() && code->is_number_integer()) {
      const auto c = code->get<int64_t>();
      if (c >= std::numeric_limits<int>::min() && c <= std::numeric_limits<int>::max())
        info.code = static_cast<int>(c);
    }
    const auto msg = e.find("message");
    if (msg != e.end()) info.message = msg->is_string() ? msg->get<std::string>() : dump(*msg);
  } else {
    info.message = dump(e);
  }
  return info;
}

}  // namespace

Response read_response(const json& object) {
  Response r;
  const auto result = object.find("result");
  if (result != object.end()) r.result_json = dump(*result);
  const auto error = object.find("error");
  if (error != object.end() && !error->is_null()) r.error = error_from_json(*error);
  const auto reject = object.find("reject-reason");
  if (reject != object.end() && reject->is_string()) {
    const std::string text = reject->get<std::string>();
    if (!r.error && r.result_json != "true") r.error = ErrorInfo{20, text};
    if (r.error && r.error->message.empty()) r.error->message = text;
  }
  return r;
}

std::string dump(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace btr::stratum::detail
