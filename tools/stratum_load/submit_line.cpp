#include "tools/stratum_load/submit_line.h"

#include <array>
#include <charconv>

namespace btr::tools {
namespace {

constexpr char kDigits[] = "0123456789abcdef";

void append_hex(std::string& out, std::span<const uint8_t> bytes) {
  const size_t at = out.size();
  out.resize(at + 2 * bytes.size());
  char* p = out.data() + at;
  for (const uint8_t b : bytes) {
    *p++ = kDigits[b >> 4];
    *p++ = kDigits[b & 0x0f];
  }
}

// Eight lowercase hex digits, most significant first (stratum::u32_to_hex8).
void append_hex8(std::string& out, uint32_t v) {
  std::array<char, 8> buf;
  for (int i = 7; i >= 0; --i) {
    buf[static_cast<size_t>(i)] = kDigits[v & 0xf];
    v >>= 4;
  }
  out.append(buf.data(), buf.size());
}

}  // namespace

void append_submit_line(std::string& out, std::string_view user, uint32_t id,
                        std::string_view job_id, std::span<const uint8_t> en2, uint32_t ntime,
                        uint32_t nonce) {
  // One reservation for the whole line: the fixed text is under 100 bytes.
  out.reserve(out.size() + 100 + user.size() + job_id.size() + 2 * en2.size());
  out += R"({"id":)";
  std::array<char, 10> id_buf;  // a uint32_t has at most 10 digits
  const auto id_end = std::to_chars(id_buf.data(), id_buf.data() + id_buf.size(), id).ptr;
  out.append(id_buf.data(), id_end);
  out += R"(,"method":"mining.submit","params":[")";
  out += user;
  out += R"(",")";
  out += job_id;
  out += R"(",")";
  append_hex(out, en2);
  out += R"(",")";
  append_hex8(out, ntime);
  out += R"(",")";
  append_hex8(out, nonce);
  out += "\",\"00000000\"]}\n";
}

}  // namespace btr::tools
