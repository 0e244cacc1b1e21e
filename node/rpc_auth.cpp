#include "node/rpc_auth.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <random>

#include "core/hex.h"

namespace btr::node {
namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Compares without an early exit so timing does not leak the password.
bool equal_const_time(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned diff = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    diff |=
        static_cast<unsigned>(static_cast<unsigned char>(a[i]) ^ static_cast<unsigned char>(b[i]));
  }
  return diff == 0;
}

}  // namespace

std::string base64_encode(std::string_view in) {
  std::string out;
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const uint32_t v = uint32_t{static_cast<uint8_t>(in[i])} << 16 |
                       uint32_t{static_cast<uint8_t>(in[i + 1])} << 8 |
                       static_cast<uint8_t>(in[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  const size_t rest = in.size() - i;
  if (rest > 0) {
    uint32_t v = uint32_t{static_cast<uint8_t>(in[i])} << 16;
    if (rest == 2) v |= uint32_t{static_cast<uint8_t>(in[i + 1])} << 8;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += rest == 2 ? kAlphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view in) {
  if (in.size() % 4 != 0) return std::nullopt;
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  size_t pad = 0;
  for (size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '=') {
      if (i + 2 < in.size()) return std::nullopt;
      ++pad;
      continue;
    }
    if (pad != 0) return std::nullopt;
    const size_t v = kAlphabet.find(c);
    if (v == std::string_view::npos) return std::nullopt;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return out;
}

std::string random_hex32() {
  std::array<uint8_t, 32> bytes{};
  std::FILE* f = std::fopen("/dev/urandom", "rb");
  const bool read_ok = f != nullptr && std::fread(bytes.data(), 1, bytes.size(), f) == bytes.size();
  if (f != nullptr) std::fclose(f);
  if (!read_ok) {
    std::random_device rd;
    for (auto& b : bytes) b = static_cast<uint8_t>(rd());
  }
  return core::to_hex(bytes);
}

void RpcAuth::add_credentials(std::string user, std::string password) {
  accepted_.push_back(user + ":" + password);
}

core::Status RpcAuth::create_cookie(const std::filesystem::path& path) {
  const std::string secret = std::string(kCookieUser) + ":" + random_hex32();
  const std::filesystem::path tmp = path.string() + ".tmp";
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return core::fail("cannot write cookie file " + tmp.string());
  const bool written =
      ::write(fd, secret.data(), secret.size()) == static_cast<ssize_t>(secret.size());
  ::close(fd);
  std::error_code ec;
  if (written) std::filesystem::rename(tmp, path, ec);
  if (!written || ec) return core::fail("cannot write cookie file " + path.string());
  cookie_path_ = path;
  accepted_.push_back(secret);
  return core::Status::success();
}

void RpcAuth::remove_cookie() {
  if (cookie_path_.empty()) return;
  std::error_code ec;
  std::filesystem::remove(cookie_path_, ec);
  cookie_path_.clear();
}

bool RpcAuth::check(std::optional<std::string_view> authorization) const {
  if (!authorization) return false;
  std::string_view value = *authorization;
  constexpr std::string_view kBasic = "Basic ";
  if (value.substr(0, kBasic.size()) != kBasic) return false;
  value.remove_prefix(kBasic.size());
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  const auto decoded = base64_decode(value);
  if (!decoded) return false;
  bool ok = false;
  for (const std::string& a : accepted_) ok |= equal_const_time(*decoded, a);
  return ok;
}

}  // namespace btr::node
