#include "core/base58.h"

#include <algorithm>
#include <array>

#include "core/crypto/sha256.h"

namespace btr::core {
namespace {

constexpr char kAlphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

// Digit value of each ASCII character, -1 where it is not in the alphabet.
constexpr std::array<int8_t, 256> make_digit_table() {
  std::array<int8_t, 256> t{};
  t.fill(-1);
  for (int i = 0; i < 58; ++i) t[static_cast<uint8_t>(kAlphabet[i])] = static_cast<int8_t>(i);
  return t;
}
constexpr std::array<int8_t, 256> kDigit = make_digit_table();

std::array<uint8_t, 4> checksum(std::span<const uint8_t> payload) {
  const Hash256 h = sha256d(payload);
  return {h.bytes[0], h.bytes[1], h.bytes[2], h.bytes[3]};
}

}  // namespace

std::string encode_base58(std::span<const uint8_t> data) {
  // Leading zero bytes are written as '1' each; the rest is a big-endian
  // number converted to base 58 by repeated multiply-add (quadratic, fine for
  // the short strings Base58 is used for).
  const size_t zeros = static_cast<size_t>(
      std::find_if(data.begin(), data.end(), [](uint8_t b) { return b != 0; }) - data.begin());
  std::vector<uint8_t> digits;  // base-58 digits, least significant first
  digits.reserve(data.size() * 138 / 100 + 1);
  for (size_t i = zeros; i < data.size(); ++i) {
    uint32_t carry = data[i];
    for (uint8_t& d : digits) {
      carry += uint32_t{d} << 8;
      d = static_cast<uint8_t>(carry % 58);
      carry /= 58;
    }
    for (; carry != 0; carry /= 58) digits.push_back(static_cast<uint8_t>(carry % 58));
  }
  std::string out(zeros, '1');
  for (auto it = digits.rbegin(); it != digits.rend(); ++it) out.push_back(kAlphabet[*it]);
  return out;
}

Result<std::vector<uint8_t>> decode_base58(std::string_view text, size_t max_len) {
  // Each character carries log(58)/log(256) < 0.733 bytes; a '1' is one byte.
  if (text.size() > max_len * 138 / 100 + 1) return fail("base58-too-long");
  const size_t ones = static_cast<size_t>(
      std::find_if(text.begin(), text.end(), [](char c) { return c != '1'; }) - text.begin());
  if (ones > max_len) return fail("base58-too-long");
  std::vector<uint8_t> bytes;  // base-256 digits, least significant first
  bytes.reserve(text.size() * 733 / 1000 + 1);
  for (size_t i = ones; i < text.size(); ++i) {
    const int digit = kDigit[static_cast<uint8_t>(text[i])];
    if (digit < 0) return fail("base58-bad-char");
    uint32_t carry = static_cast<uint32_t>(digit);
    for (uint8_t& b : bytes) {
      carry += uint32_t{b} * 58;
      b = static_cast<uint8_t>(carry);
      carry >>= 8;
    }
    for (; carry != 0; carry >>= 8) bytes.push_back(static_cast<uint8_t>(carry));
  }
  if (ones + bytes.size() > max_len) return fail("base58-too-long");
  std::vector<uint8_t> out(ones, 0);
  out.insert(out.end(), bytes.rbegin(), bytes.rend());
  return out;
}

std::string encode_base58check(std::span<const uint8_t> payload) {
  std::vector<uint8_t> buf(payload.begin(), payload.end());
  const std::array<uint8_t, 4> sum = checksum(payload);
  buf.insert(buf.end(), sum.begin(), sum.end());
  return encode_base58(buf);
}

Result<std::vector<uint8_t>> decode_base58check(std::string_view text, size_t max_payload_len) {
  Result<std::vector<uint8_t>> raw = decode_base58(text, max_payload_len + 4);
  if (!raw) return raw;
  std::vector<uint8_t>& bytes = *raw;
  if (bytes.size() < 4) return fail("base58-bad-checksum");
  const std::span<const uint8_t> payload(bytes.data(), bytes.size() - 4);
  if (!std::equal(bytes.end() - 4, bytes.end(), checksum(payload).begin())) {
    return fail("base58-bad-checksum");
  }
  bytes.resize(bytes.size() - 4);
  return raw;
}

}  // namespace btr::core
