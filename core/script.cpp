#include "core/script.h"

#include <cassert>

namespace btr::core {

namespace {

uint32_t read_le(std::span<const uint8_t> b) {
  uint32_t v = 0;
  for (size_t i = b.size(); i-- > 0;) v = v << 8 | b[i];
  return v;
}

void append_le(Script& s, uint32_t v, int nbytes) {
  for (int i = 0; i < nbytes; ++i) s.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

}  // namespace

std::optional<ScriptOp> next_script_op(std::span<const uint8_t> script, size_t& pos) {
  if (pos >= script.size()) return std::nullopt;
  const uint8_t op = script[pos++];
  if (op > OP_PUSHDATA4) return ScriptOp{op, {}};
  size_t len = op;
  if (op >= OP_PUSHDATA1) {
    const size_t width = op == OP_PUSHDATA1 ? 1 : op == OP_PUSHDATA2 ? 2 : 4;
    if (script.size() - pos < width) return std::nullopt;
    len = read_le(script.subspan(pos, width));
    pos += width;
  }
  if (script.size() - pos < len) return std::nullopt;
  ScriptOp out{op, script.subspan(pos, len)};
  pos += len;
  return out;
}

void push_data(Script& script, std::span<const uint8_t> data) {
  const size_t n = data.size();
  if (n < OP_PUSHDATA1) {
    script.push_back(static_cast<uint8_t>(n));
  } else if (n <= 0xff) {
    script.push_back(OP_PUSHDATA1);
    append_le(script, static_cast<uint32_t>(n), 1);
  } else if (n <= 0xffff) {
    script.push_back(OP_PUSHDATA2);
    append_le(script, static_cast<uint32_t>(n), 2);
  } else {
    assert(n <= 0xffffffff);
    script.push_back(OP_PUSHDATA4);
    append_le(script, static_cast<uint32_t>(n), 4);
  }
  script.insert(script.end(), data.begin(), data.end());
}

void push_int(Script& script, int64_t value) {
  if (value == 0) {
    script.push_back(OP_0);
  } else if (value == -1) {
    script.push_back(OP_1NEGATE);
  } else if (value >= 1 && value <= 16) {
    script.push_back(static_cast<uint8_t>(OP_1 + value - 1));
  } else {
    push_data(script, script_num_encode(value));
  }
}

std::vector<uint8_t> script_num_encode(int64_t value) {
  std::vector<uint8_t> out;
  if (value == 0) return out;
  const bool negative = value < 0;
  // Unsigned negation is well defined even for INT64_MIN.
  uint64_t magnitude = negative ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
  while (magnitude != 0) {
    out.push_back(static_cast<uint8_t>(magnitude & 0xff));
    magnitude >>= 8;
  }
  // The top bit of the last byte is the sign: add a byte when it is taken.
  if (out.back() & 0x80) {
    out.push_back(negative ? 0x80 : 0x00);
  } else if (negative) {
    out.back() |= 0x80;
  }
  return out;
}

Result<int64_t> script_num_decode(std::span<const uint8_t> bytes, bool require_minimal,
                                  size_t max_size) {
  assert(max_size <= 8);
  if (bytes.size() > max_size) return fail("script-num-overflow");
  if (bytes.empty()) return int64_t{0};
  const size_t n = bytes.size();
  if (require_minimal && (bytes[n - 1] & 0x7f) == 0) {
    // A zero last byte (apart from the sign) is only needed when the byte
    // before it has its top bit set.
    if (n == 1 || (bytes[n - 2] & 0x80) == 0) return fail("script-num-non-minimal");
  }
  uint64_t magnitude = 0;
  for (size_t i = 0; i < n; ++i) magnitude |= uint64_t{bytes[i]} << (8 * i);
  const uint64_t sign_bit = uint64_t{0x80} << (8 * (n - 1));
  if (magnitude & sign_bit) return -static_cast<int64_t>(magnitude & ~sign_bit);
  return static_cast<int64_t>(magnitude);
}

Script coinbase_height_script(int64_t height) {
  assert(height >= 0);
  Script s;
  push_int(s, height);
  return s;
}

Result<int64_t> parse_coinbase_height(std::span<const uint8_t> script_sig) {
  size_t pos = 0;
  const auto op = next_script_op(script_sig, pos);
  if (!op) return fail("bad-cb-height");
  if (op->opcode == OP_0) return int64_t{0};
  if (op->opcode >= OP_1 && op->opcode <= OP_16) return int64_t{op->opcode - OP_1 + 1};
  // Only direct pushes of 1..4 bytes: PUSHDATA forms are never minimal here.
  if (op->opcode < 1 || op->opcode > 4) return fail("bad-cb-height");
  if (op->data.size() == 1 && op->data[0] >= 1 && op->data[0] <= 16) return int64_t{op->data[0]};
  auto value = script_num_decode(op->data, /*require_minimal=*/true);
  if (!value || *value < 0) return fail("bad-cb-height");
  return *value;
}

Script p2pkh_script(std::span<const uint8_t, 20> key_hash) {
  Script s = {OP_DUP, OP_HASH160};
  push_data(s, key_hash);
  s.push_back(OP_EQUALVERIFY);
  s.push_back(OP_CHECKSIG);
  return s;
}

Script p2sh_script(std::span<const uint8_t, 20> script_hash) {
  Script s = {OP_HASH160};
  push_data(s, script_hash);
  s.push_back(OP_EQUAL);
  return s;
}

unsigned legacy_sigop_count(std::span<const uint8_t> script) {
  unsigned count = 0;
  size_t pos = 0;
  while (const auto op = next_script_op(script, pos)) {
    if (op->opcode == OP_CHECKSIG || op->opcode == OP_CHECKSIGVERIFY) {
      count += 1;
    } else if (op->opcode == OP_CHECKMULTISIG || op->opcode == OP_CHECKMULTISIGVERIFY) {
      count += 20;  // MAX_PUBKEYS_PER_MULTISIG: the legacy count does not look at the key count
    }
  }
  return count;
}

}  // namespace btr::core
