#include "tools/stratum_load/notify_scan.h"

#include <array>
#include <optional>

#include "stratum/hex_fields.h"

namespace btr::tools {
namespace {

using core::fail;

// The method and the opening of its params, exactly as encode_notify writes
// them (nlohmann orders keys alphabetically: id, method, params).
constexpr std::string_view kMethodParams = R"("method":"mining.notify","params":[)";
constexpr std::string_view kIdKey = R"("id":)";

// Character classes by table: the scan walks every byte of a ~1 KB line
// 19,000 times per block, so the per-byte test is the whole cost.
constexpr uint8_t kHex = 1, kPlain = 2;  // hex digit; allowed in a plain string
constexpr std::array<uint8_t, 256> kClass = [] {
  std::array<uint8_t, 256> t{};
  for (int ch = 0x20; ch < 256; ++ch) t[static_cast<size_t>(ch)] = kPlain;
  t['"'] = t['\\'] = 0;
  for (int ch = '0'; ch <= '9'; ++ch) t[static_cast<size_t>(ch)] |= kHex;
  for (int ch = 'a'; ch <= 'f'; ++ch) t[static_cast<size_t>(ch)] |= kHex;
  for (int ch = 'A'; ch <= 'F'; ++ch) t[static_cast<size_t>(ch)] |= kHex;
  return t;
}();

bool all_of_class(std::string_view s, uint8_t cls) {
  uint8_t acc = cls;
  for (char ch : s) acc &= kClass[static_cast<uint8_t>(ch)];
  return acc == cls;
}

bool is_hex(std::string_view s) {
  return all_of_class(s, kHex);
}

// An id the fast path understands: null (a notification's) or an integer.
bool is_plain_id(std::string_view s) {
  if (s == "null") return true;
  if (!s.empty() && s.front() == '-') s.remove_prefix(1);
  if (s.empty()) return false;
  for (char ch : s)
    if (ch < '0' || ch > '9') return false;
  return true;
}

// Reads the params array left to right; every step either consumes what it
// expects or leaves the cursor where it was and reports failure.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool eat(char ch) {
    if (pos_ >= text_.size() || text_[pos_] != ch) return false;
    ++pos_;
    return true;
  }
  bool eat(std::string_view word) {
    if (text_.substr(pos_).substr(0, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }
  // The contents of a "..." string without escapes or control characters
  // (the pool's fields are hex and job ids; anything fancier takes the full
  // parser).
  std::optional<std::string_view> string() {
    if (pos_ >= text_.size() || text_[pos_] != '"') return std::nullopt;
    const size_t end = text_.find('"', pos_ + 1);
    if (end == std::string_view::npos) return std::nullopt;
    const std::string_view s = text_.substr(pos_ + 1, end - pos_ - 1);
    if (!all_of_class(s, kPlain)) return std::nullopt;
    pos_ = end + 1;
    return s;
  }
  // "," then a string.
  std::optional<std::string_view> next_string() {
    const size_t saved = pos_;
    if (eat(',')) {
      if (auto s = string()) return s;
    }
    pos_ = saved;
    return std::nullopt;
  }
  std::string_view rest() const { return text_.substr(pos_); }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

core::Result<uint32_t> next_u32(Cursor& c, const char* what) {
  auto s = c.next_string();
  if (!s) return fail(std::string(what) + ": expected a plain string");
  auto v = stratum::parse_hex_u32_lenient(*s);
  if (!v) return fail(std::string(what) + ": " + v.error());
  return *v;
}

core::Status next_hex_bytes(Cursor& c, const char* what) {
  auto s = c.next_string();
  if (!s) return fail(std::string(what) + ": expected a plain string");
  if (s->size() % 2 != 0 || !is_hex(*s)) return fail(std::string(what) + ": not hex bytes");
  return {};
}

// [ "64 hex", ... ] after a comma; the hashes themselves are not needed here.
core::Status next_branch(Cursor& c) {
  if (!c.eat(",[")) return fail("merkle branch: expected an array");
  if (c.eat(']')) return {};
  for (bool first = true;; first = false) {
    auto h = first ? c.string() : c.next_string();
    if (!h) return fail("merkle branch: expected plain strings");
    if (h->size() != 64 || !is_hex(*h)) return fail("merkle branch: entries are 64 hex digits");
    if (c.eat(']')) return {};
  }
}

// Before the method: "{" or {"id":ID, ; after the params: "}" or ,"id":ID}.
bool plain_head(std::string_view head) {
  if (head == "{") return true;
  if (head.size() < 2 + kIdKey.size() || head.front() != '{' || head.back() != ',') return false;
  head = head.substr(1, head.size() - 2);
  return head.starts_with(kIdKey) && is_plain_id(head.substr(kIdKey.size()));
}
bool plain_tail(std::string_view tail) {
  if (tail == "}") return true;
  if (tail.size() < 2 + kIdKey.size() || tail.front() != ',' || tail.back() != '}') return false;
  tail = tail.substr(1, tail.size() - 2);
  return tail.starts_with(kIdKey) && is_plain_id(tail.substr(kIdKey.size()));
}

}  // namespace

core::Result<NotifyScan> scan_notify(std::string_view line) {
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
  const size_t at = line.find(kMethodParams);
  if (at == std::string_view::npos) return fail("not a compact mining.notify");
  if (!plain_head(line.substr(0, at))) return fail("unexpected text before \"method\"");
  Cursor c(line.substr(at + kMethodParams.size()));
  NotifyScan out;
  const auto job = c.string();
  if (!job) return fail("job id: expected a plain string");
  out.job_id = *job;
  const auto prev_text = c.next_string();
  if (!prev_text) return fail("prevhash: expected a plain string");
  auto prev = stratum::prevhash_from_stratum_hex(*prev_text);
  if (!prev) return fail(prev.error());
  out.prev_block = *prev;
  if (auto st = next_hex_bytes(c, "coinb1"); !st) return fail(st.error());
  if (auto st = next_hex_bytes(c, "coinb2"); !st) return fail(st.error());
  if (auto st = next_branch(c); !st) return fail(st.error());
  if (auto v = next_u32(c, "version"); !v) return fail(v.error());
  if (auto v = next_u32(c, "nbits"); !v) return fail(v.error());
  auto ntime = next_u32(c, "ntime");
  if (!ntime) return fail(ntime.error());
  out.ntime = *ntime;
  if (c.eat(",true")) {
    out.clean_jobs = true;
  } else if (!c.eat(",false")) {
    return fail("clean_jobs: expected true or false");
  }
  if (!c.eat(']')) return fail("params: expected exactly 9 entries");
  if (!plain_tail(c.rest())) return fail("unexpected text after \"params\"");
  return out;
}

}  // namespace btr::tools
