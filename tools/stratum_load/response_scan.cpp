#include "tools/stratum_load/response_scan.h"

namespace btr::tools {
namespace {

constexpr std::string_view kAccepted = R"({"error":null,"id":)";
constexpr std::string_view kRefused = R"({"error":[)";
constexpr std::string_view kReasonEnd = R"(,null],"id":)";
constexpr std::string_view kResultTrue = R"(,"result":true})";
constexpr std::string_view kResultNull = R"(,"result":null})";

bool is_digit(char ch) {
  return ch >= '0' && ch <= '9';
}
bool is_hex_digit(char ch) {
  return is_digit(ch) || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

// \uD800..\uDFFF (given two hex digits): the full parser wants them paired.
bool is_surrogate(char hi, char next) {
  return (hi == 'd' || hi == 'D') && !(next >= '0' && next <= '7');
}

// A JSON integer at the front of `s` with at most max_digits digits: no
// leading zeros, no "-0" (kept out so the value is exactly what nlohmann
// reads), no fraction or exponent (the next byte is checked by the caller).
// Consumes it and returns its value.
std::optional<int64_t> take_int(std::string_view& s, size_t max_digits) {
  size_t i = 0;
  const bool negative = !s.empty() && s[0] == '-';
  if (negative) ++i;
  const size_t first = i;
  int64_t v = 0;
  while (i < s.size() && is_digit(s[i])) {
    if (i - first == max_digits) return std::nullopt;
    v = v * 10 + (s[i] - '0');
    ++i;
  }
  const size_t digits = i - first;
  if (digits == 0) return std::nullopt;
  if (s[first] == '0' && (digits > 1 || negative)) return std::nullopt;
  s.remove_prefix(i);
  return negative ? -v : v;
}

bool take(std::string_view& s, std::string_view word) {
  if (!s.starts_with(word)) return false;
  s.remove_prefix(word.size());
  return true;
}

// Skips a JSON string at the front of `s` (opening quote included) that is
// printable ASCII with valid escapes; \u escapes of surrogates and any byte
// outside 0x20..0x7e are refused (the full parser checks UTF-8 and surrogate
// pairs; reasons like that are rare enough to leave to it).
bool skip_string(std::string_view& s) {
  if (s.empty() || s[0] != '"') return false;
  for (size_t i = 1; i < s.size(); ++i) {
    const char ch = s[i];
    if (ch == '"') {
      s.remove_prefix(i + 1);
      return true;
    }
    if (ch < 0x20 || ch > 0x7e) return false;  // char may be signed: >= 0x80 is negative
    if (ch != '\\') continue;
    if (++i == s.size()) return false;
    switch (s[i]) {
      case '"':
      case '\\':
      case '/':
      case 'b':
      case 'f':
      case 'n':
      case 'r':
      case 't':
        break;
      case 'u': {
        if (s.size() - i <= 4) return false;
        for (size_t k = 1; k <= 4; ++k)
          if (!is_hex_digit(s[i + k])) return false;
        if (is_surrogate(s[i + 1], s[i + 2])) return false;
        i += 4;
        break;
      }
      default:
        return false;
    }
  }
  return false;  // no closing quote
}

// Ids up to 18 digits always fit int64_t; longer ones take the full parser.
constexpr size_t kMaxIdDigits = 18;
// Codes up to 9 digits always fit int, as the full parser requires.
constexpr size_t kMaxCodeDigits = 9;

}  // namespace

std::optional<ResponseScan> scan_submit_response(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  ResponseScan out;
  std::string_view tail;
  if (take(line, kAccepted)) {
    tail = kResultTrue;
  } else if (take(line, kRefused)) {
    const auto code = take_int(line, kMaxCodeDigits);
    if (!code || !take(line, ",") || !skip_string(line) || !take(line, kReasonEnd))
      return std::nullopt;
    out.error = true;
    out.code = static_cast<int>(*code);
    tail = kResultNull;
  } else {
    return std::nullopt;
  }
  const auto id = take_int(line, kMaxIdDigits);
  if (!id || line != tail) return std::nullopt;
  out.id = *id;
  return out;
}

}  // namespace btr::tools
