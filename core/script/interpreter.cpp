#include "core/script/interpreter.h"

#include <algorithm>
#include <cassert>
#include <utility>

#include "core/crypto/hash160.h"
#include "core/crypto/ripemd160.h"
#include "core/crypto/sha1.h"
#include "core/crypto/sha256.h"
#include "core/key.h"
#include "core/script.h"
#include "core/script/opcodes.h"
#include "core/script/sighash.h"

namespace btr::core::script {
namespace {

using Bytes = std::vector<uint8_t>;
using Span = std::span<const uint8_t>;

const Bytes kTrue = {1};
const Bytes kFalse = {};

// Failures are rare next to successes, so building the message only then
// keeps the happy path allocation-free.
Error script_error(const char* name) {
  return fail(name);
}

bool cast_to_bool(const Bytes& v) {
  for (size_t i = 0; i < v.size(); ++i) {
    if (v[i] != 0) {
      // Negative zero (0x80 in the last byte, zeros elsewhere) is false.
      return !(i == v.size() - 1 && v[i] == 0x80);
    }
  }
  return false;
}

bool is_disabled(uint8_t op) {
  switch (op) {
    case OP_CAT:
    case OP_SUBSTR:
    case OP_LEFT:
    case OP_RIGHT:
    case OP_INVERT:
    case OP_AND:
    case OP_OR:
    case OP_XOR:
    case OP_2MUL:
    case OP_2DIV:
    case OP_MUL:
    case OP_DIV:
    case OP_MOD:
    case OP_LSHIFT:
    case OP_RSHIFT:
      return true;
    default:
      return false;
  }
}

// MINIMALDATA: the push must use the shortest form for its data.
bool is_minimal_push(uint8_t opcode, Span data) {
  if (data.empty()) return opcode == OP_0;
  if (data.size() == 1 && data[0] >= 1 && data[0] <= 16) return false;  // OP_1..OP_16
  if (data.size() == 1 && data[0] == 0x81) return false;                // OP_1NEGATE
  if (data.size() <= 75) return opcode == data.size();
  if (data.size() <= 255) return opcode == OP_PUSHDATA1;
  if (data.size() <= 65535) return opcode == OP_PUSHDATA2;
  return true;
}

// Bitcoin's IsValidSignatureEncoding: strict DER followed by the hash type.
bool is_valid_signature_encoding(Span sig) {
  return !sig.empty() && is_strict_der(sig.first(sig.size() - 1));
}

bool is_defined_hashtype(Span sig) {
  if (sig.empty()) return false;
  const int base = sig.back() & ~kSighashAnyoneCanPay;
  return base >= kSighashAll && base <= kSighashSingle;
}

Status check_signature_encoding(Span sig, uint32_t f) {
  // An empty signature is a compact way to fail CHECK(MULTI)SIG on purpose.
  if (sig.empty()) return Status::success();
  if ((f & (flags::kDerSig | flags::kLowS | flags::kStrictEnc)) != 0 &&
      !is_valid_signature_encoding(sig)) {
    return script_error("SIG_DER");
  }
  if ((f & flags::kLowS) != 0 && !is_low_s(sig.first(sig.size() - 1))) {
    return script_error("SIG_HIGH_S");
  }
  if ((f & flags::kStrictEnc) != 0 && !is_defined_hashtype(sig)) {
    return script_error("SIG_HASHTYPE");
  }
  return Status::success();
}

bool is_compressed_or_uncompressed_pubkey(Span key) {
  if (key.size() < kCompressedPubKeySize) return false;
  if (key[0] == 0x04) return key.size() == kUncompressedPubKeySize;
  if (key[0] == 0x02 || key[0] == 0x03) return key.size() == kCompressedPubKeySize;
  return false;
}

Status check_pubkey_encoding(Span key, uint32_t f) {
  if ((f & flags::kStrictEnc) != 0 && !is_compressed_or_uncompressed_pubkey(key)) {
    return script_error("PUBKEYTYPE");
  }
  return Status::success();
}

// Bitcoin's FindAndDelete: removes every occurrence of `pattern` that starts
// at an opcode boundary. Returns how many were removed.
int find_and_delete(Bytes& script, Span pattern) {
  if (pattern.empty()) return 0;
  int found = 0;
  Bytes result;
  size_t pos = 0;
  size_t copied_to = 0;
  const Span s(script);
  while (true) {
    result.insert(result.end(), s.begin() + copied_to, s.begin() + pos);
    while (s.size() - pos >= pattern.size() &&
           std::equal(pattern.begin(), pattern.end(), s.begin() + pos)) {
      pos += pattern.size();
      ++found;
    }
    copied_to = pos;
    if (!next_script_op(s, pos)) break;
  }
  if (found > 0) {
    result.insert(result.end(), s.begin() + copied_to, s.end());
    script = std::move(result);
  }
  return found;
}

// The executing state of one EvalScript call.
class Machine {
 public:
  Machine(Stack& stack, Span script, uint32_t f, const SignatureChecker& checker)
      : stack_(stack),
        script_(script),
        flags_(f),
        checker_(checker),
        require_minimal_((f & flags::kMinimalData) != 0) {}

  Status run();

 private:
  Bytes& top(size_t from_top) { return stack_[stack_.size() - from_top]; }  // 1 = top
  void pop() { stack_.pop_back(); }
  bool need(size_t n) const { return stack_.size() >= n; }
  Result<int64_t> number(size_t from_top, size_t max_size = 4) {
    auto n = script_num_decode(top(from_top), require_minimal_, max_size);
    if (!n) return script_error("UNKNOWN_ERROR");  // Bitcoin's scriptnum_error
    return *n;
  }
  void push_number(int64_t v) { stack_.push_back(script_num_encode(v)); }
  void push_bool(bool v) { stack_.push_back(v ? kTrue : kFalse); }
  bool executing() const { return false_branches_ == 0; }

  Status step(uint8_t op, Span data);
  Status op_stack(uint8_t op);
  Status op_numeric(uint8_t op);
  Status op_hash(uint8_t op);
  Status op_lock(uint8_t op);
  Status op_checksig(uint8_t op);
  Status op_checkmultisig(uint8_t op);
  Bytes script_code() const { return Bytes(script_.begin() + code_begin_, script_.end()); }
  Status remove_signature(Bytes& code, Span sig) const;

  Stack& stack_;
  Stack alt_;
  Span script_;
  uint32_t flags_;
  const SignatureChecker& checker_;
  bool require_minimal_;
  std::vector<bool> conditions_;  // one entry per open IF
  size_t false_branches_ = 0;     // entries of conditions_ that are false
  size_t op_count_ = 0;
  size_t code_begin_ = 0;  // just after the last executed OP_CODESEPARATOR
  size_t pos_ = 0;
};

Status Machine::run() {
  if (script_.size() > kMaxScriptSize) return script_error("SCRIPT_SIZE");
  while (pos_ < script_.size()) {
    const auto op = next_script_op(script_, pos_);
    if (!op) return script_error("BAD_OPCODE");
    if (op->data.size() > kMaxScriptElementSize) return script_error("PUSH_SIZE");
    if (op->opcode > OP_16 && ++op_count_ > kMaxOpsPerScript) return script_error("OP_COUNT");
    // Disabled opcodes fail even in an unexecuted branch.
    if (is_disabled(op->opcode)) return script_error("DISABLED_OPCODE");
    if (op->opcode == OP_CODESEPARATOR && (flags_ & flags::kConstScriptCode) != 0) {
      return script_error("OP_CODESEPARATOR");
    }
    if (auto st = step(op->opcode, op->data); !st) return st;
    if (stack_.size() + alt_.size() > kMaxStackSize) return script_error("STACK_SIZE");
  }
  if (!conditions_.empty()) return script_error("UNBALANCED_CONDITIONAL");
  return Status::success();
}

Status Machine::step(uint8_t op, Span data) {
  const bool exec = executing();
  if (op <= OP_PUSHDATA4) {
    if (!exec) return Status::success();
    if (require_minimal_ && !is_minimal_push(op, data)) return script_error("MINIMALDATA");
    stack_.emplace_back(data.begin(), data.end());
    return Status::success();
  }
  // Conditionals are tracked even inside unexecuted branches.
  if (!exec && (op < OP_IF || op > OP_ENDIF)) return Status::success();
  switch (op) {
    case OP_1NEGATE:
    case OP_1:
    case OP_2:
    case OP_3:
    case OP_4:
    case OP_5:
    case OP_6:
    case OP_7:
    case OP_8:
    case OP_9:
    case OP_10:
    case OP_11:
    case OP_12:
    case OP_13:
    case OP_14:
    case OP_15:
    case OP_16:
      push_number(int64_t{op} - (OP_1 - 1));
      return Status::success();
    case OP_NOP:
      return Status::success();
    case OP_CHECKLOCKTIMEVERIFY:
    case OP_CHECKSEQUENCEVERIFY:
      return op_lock(op);
    case OP_NOP1:
    case OP_NOP4:
    case OP_NOP5:
    case OP_NOP6:
    case OP_NOP7:
    case OP_NOP8:
    case OP_NOP9:
    case OP_NOP10:
      if ((flags_ & flags::kDiscourageUpgradableNops) != 0) {
        return script_error("DISCOURAGE_UPGRADABLE_NOPS");
      }
      return Status::success();
    case OP_IF:
    case OP_NOTIF: {
      bool value = false;
      if (exec) {
        if (!need(1)) return script_error("UNBALANCED_CONDITIONAL");
        value = cast_to_bool(top(1));
        if (op == OP_NOTIF) value = !value;
        pop();
      }
      conditions_.push_back(value);
      if (!value) ++false_branches_;
      return Status::success();
    }
    case OP_ELSE:
      if (conditions_.empty()) return script_error("UNBALANCED_CONDITIONAL");
      if (conditions_.back()) {
        ++false_branches_;
      } else {
        --false_branches_;
      }
      conditions_.back() = !conditions_.back();
      return Status::success();
    case OP_ENDIF:
      if (conditions_.empty()) return script_error("UNBALANCED_CONDITIONAL");
      if (!conditions_.back()) --false_branches_;
      conditions_.pop_back();
      return Status::success();
    case OP_VERIFY:
      if (!need(1)) return script_error("INVALID_STACK_OPERATION");
      if (!cast_to_bool(top(1))) return script_error("VERIFY");
      pop();
      return Status::success();
    case OP_RETURN:
      return script_error("OP_RETURN");
    case OP_CODESEPARATOR:
      code_begin_ = pos_;
      return Status::success();
    case OP_CHECKSIG:
    case OP_CHECKSIGVERIFY:
      return op_checksig(op);
    case OP_CHECKMULTISIG:
    case OP_CHECKMULTISIGVERIFY:
      return op_checkmultisig(op);
    default:
      break;
  }
  if (op >= OP_TOALTSTACK && op <= OP_TUCK) return op_stack(op);
  if (op == OP_SIZE) {
    if (!need(1)) return script_error("INVALID_STACK_OPERATION");
    push_number(static_cast<int64_t>(top(1).size()));
    return Status::success();
  }
  if (op == OP_EQUAL || op == OP_EQUALVERIFY) {
    if (!need(2)) return script_error("INVALID_STACK_OPERATION");
    const bool equal = top(2) == top(1);
    pop();
    pop();
    push_bool(equal);
    if (op == OP_EQUALVERIFY) {
      if (!equal) return script_error("EQUALVERIFY");
      pop();
    }
    return Status::success();
  }
  if (op >= OP_1ADD && op <= OP_WITHIN) return op_numeric(op);
  if (op >= OP_RIPEMD160 && op <= OP_HASH256) return op_hash(op);
  // OP_RESERVED, OP_VER, OP_VERIF, OP_VERNOTIF, OP_RESERVED1/2, unassigned.
  return script_error("BAD_OPCODE");
}

Status Machine::op_stack(uint8_t op) {
  auto underflow = [] { return Status(script_error("INVALID_STACK_OPERATION")); };
  switch (op) {
    case OP_TOALTSTACK:
      if (!need(1)) return underflow();
      alt_.push_back(std::move(top(1)));
      pop();
      break;
    case OP_FROMALTSTACK:
      if (alt_.empty()) return script_error("INVALID_ALTSTACK_OPERATION");
      stack_.push_back(std::move(alt_.back()));
      alt_.pop_back();
      break;
    case OP_2DROP:
      if (!need(2)) return underflow();
      pop();
      pop();
      break;
    case OP_2DUP:
    case OP_3DUP: {
      const size_t n = op == OP_2DUP ? 2 : 3;
      if (!need(n)) return underflow();
      for (size_t i = 0; i < n; ++i) stack_.push_back(top(n));
      break;
    }
    case OP_2OVER:
      if (!need(4)) return underflow();
      stack_.push_back(top(4));
      stack_.push_back(top(4));
      break;
    case OP_2ROT: {
      if (!need(6)) return underflow();
      Bytes a = top(6);
      Bytes b = top(5);
      stack_.erase(stack_.end() - 6, stack_.end() - 4);
      stack_.push_back(std::move(a));
      stack_.push_back(std::move(b));
      break;
    }
    case OP_2SWAP:
      if (!need(4)) return underflow();
      std::swap(top(4), top(2));
      std::swap(top(3), top(1));
      break;
    case OP_IFDUP:
      if (!need(1)) return underflow();
      if (cast_to_bool(top(1))) stack_.push_back(top(1));
      break;
    case OP_DEPTH:
      push_number(static_cast<int64_t>(stack_.size()));
      break;
    case OP_DROP:
      if (!need(1)) return underflow();
      pop();
      break;
    case OP_DUP:
      if (!need(1)) return underflow();
      stack_.push_back(top(1));
      break;
    case OP_NIP:
      if (!need(2)) return underflow();
      stack_.erase(stack_.end() - 2);
      break;
    case OP_OVER:
      if (!need(2)) return underflow();
      stack_.push_back(top(2));
      break;
    case OP_PICK:
    case OP_ROLL: {
      if (!need(2)) return underflow();
      auto n = number(1);
      if (!n) return Error{n.error()};
      pop();
      if (*n < 0 || static_cast<uint64_t>(*n) >= stack_.size()) return underflow();
      const size_t depth = static_cast<size_t>(*n) + 1;
      Bytes v = top(depth);
      if (op == OP_ROLL) stack_.erase(stack_.end() - static_cast<std::ptrdiff_t>(depth));
      stack_.push_back(std::move(v));
      break;
    }
    case OP_ROT:
      if (!need(3)) return underflow();
      std::swap(top(3), top(2));
      std::swap(top(2), top(1));
      break;
    case OP_SWAP:
      if (!need(2)) return underflow();
      std::swap(top(2), top(1));
      break;
    case OP_TUCK:
      if (!need(2)) return underflow();
      stack_.insert(stack_.end() - 2, top(1));
      break;
    default:
      assert(false);
  }
  return Status::success();
}

Status Machine::op_numeric(uint8_t op) {
  const size_t arity = op <= OP_0NOTEQUAL ? 1 : op == OP_WITHIN ? 3 : 2;
  if (!need(arity)) return script_error("INVALID_STACK_OPERATION");
  int64_t v[3] = {0, 0, 0};
  for (size_t i = 0; i < arity; ++i) {
    auto n = number(arity - i);
    if (!n) return Error{n.error()};
    v[i] = *n;
  }
  const int64_t a = v[0];
  const int64_t b = v[1];
  int64_t r = 0;
  switch (op) {
    case OP_1ADD:
      r = a + 1;
      break;
    case OP_1SUB:
      r = a - 1;
      break;
    case OP_NEGATE:
      r = -a;
      break;
    case OP_ABS:
      r = a < 0 ? -a : a;
      break;
    case OP_NOT:
      r = a == 0;
      break;
    case OP_0NOTEQUAL:
      r = a != 0;
      break;
    case OP_ADD:
      r = a + b;
      break;
    case OP_SUB:
      r = a - b;
      break;
    case OP_BOOLAND:
      r = a != 0 && b != 0;
      break;
    case OP_BOOLOR:
      r = a != 0 || b != 0;
      break;
    case OP_NUMEQUAL:
    case OP_NUMEQUALVERIFY:
      r = a == b;
      break;
    case OP_NUMNOTEQUAL:
      r = a != b;
      break;
    case OP_LESSTHAN:
      r = a < b;
      break;
    case OP_GREATERTHAN:
      r = a > b;
      break;
    case OP_LESSTHANOREQUAL:
      r = a <= b;
      break;
    case OP_GREATERTHANOREQUAL:
      r = a >= b;
      break;
    case OP_MIN:
      r = std::min(a, b);
      break;
    case OP_MAX:
      r = std::max(a, b);
      break;
    case OP_WITHIN:
      r = b <= a && a < v[2];
      break;
    default:
      return script_error("BAD_OPCODE");  // disabled ones never get here
  }
  for (size_t i = 0; i < arity; ++i) pop();
  push_number(r);
  if (op == OP_NUMEQUALVERIFY) {
    if (r == 0) return script_error("NUMEQUALVERIFY");
    pop();
  }
  return Status::success();
}

Status Machine::op_hash(uint8_t op) {
  if (!need(1)) return script_error("INVALID_STACK_OPERATION");
  const Bytes& in = top(1);
  Bytes out;
  switch (op) {
    case OP_RIPEMD160: {
      const auto h = ripemd160(in);
      out.assign(h.begin(), h.end());
      break;
    }
    case OP_SHA1: {
      const auto h = sha1(in);
      out.assign(h.begin(), h.end());
      break;
    }
    case OP_SHA256: {
      const auto h = sha256(in);
      out.assign(h.bytes.begin(), h.bytes.end());
      break;
    }
    case OP_HASH160: {
      const auto h = hash160(in);
      out.assign(h.bytes.begin(), h.bytes.end());
      break;
    }
    default: {  // OP_HASH256
      const auto h = sha256d(in);
      out.assign(h.bytes.begin(), h.bytes.end());
      break;
    }
  }
  top(1) = std::move(out);
  return Status::success();
}

Status Machine::op_lock(uint8_t op) {
  const bool cltv = op == OP_CHECKLOCKTIMEVERIFY;
  // Without its flag each is the plain NOP it replaced (NOP2/NOP3), not a
  // discouraged one: current Bitcoin Core behaves so since both are buried.
  if ((flags_ & (cltv ? flags::kCheckLockTimeVerify : flags::kCheckSequenceVerify)) == 0) {
    return Status::success();
  }
  if (!need(1)) return script_error("INVALID_STACK_OPERATION");
  // 5 bytes: times and heights reach 2^32 - 1, beyond 4-byte numbers.
  auto n = number(1, 5);
  if (!n) return Error{n.error()};
  if (*n < 0) return script_error("NEGATIVE_LOCKTIME");
  if (cltv) {
    if (!checker_.check_lock_time(*n)) return script_error("UNSATISFIED_LOCKTIME");
  } else {
    constexpr int64_t kSequenceDisable = int64_t{1} << 31;
    // A disabled relative lock time in the script makes the opcode a NOP.
    if ((*n & kSequenceDisable) != 0) return Status::success();
    if (!checker_.check_sequence(*n)) return script_error("UNSATISFIED_LOCKTIME");
  }
  return Status::success();
}

// The signature may sit in the script code it signs (it cannot sign itself),
// so it is removed first, as Bitcoin does for legacy scripts.
Status Machine::remove_signature(Bytes& code, Span sig) const {
  Script pattern;
  push_data(pattern, sig);
  if (find_and_delete(code, pattern) > 0 && (flags_ & flags::kConstScriptCode) != 0) {
    return script_error("SIG_FINDANDDELETE");
  }
  return Status::success();
}

Status Machine::op_checksig(uint8_t op) {
  if (!need(2)) return script_error("INVALID_STACK_OPERATION");
  const Bytes& sig = top(2);
  const Bytes& key = top(1);
  Bytes code = script_code();
  if (auto st = remove_signature(code, sig); !st) return st;
  if (auto st = check_signature_encoding(sig, flags_); !st) return st;
  if (auto st = check_pubkey_encoding(key, flags_); !st) return st;
  const bool ok = checker_.check_sig(sig, key, code);
  if (!ok && (flags_ & flags::kNullFail) != 0 && !sig.empty()) return script_error("NULLFAIL");
  pop();
  pop();
  push_bool(ok);
  if (op == OP_CHECKSIGVERIFY) {
    if (!ok) return script_error("CHECKSIGVERIFY");
    pop();
  }
  return Status::success();
}

Status Machine::op_checkmultisig(uint8_t op) {
  // Layout from the top: n, n keys, m, m signatures, and one extra element
  // (Bitcoin's off-by-one, which NULLDUMMY requires to be empty).
  size_t i = 1;
  if (!need(i)) return script_error("INVALID_STACK_OPERATION");
  auto keys = number(i);
  if (!keys) return Error{keys.error()};
  if (*keys < 0 || *keys > kMaxPubkeysPerMultisig) return script_error("PUBKEY_COUNT");
  int64_t key_count = *keys;
  op_count_ += static_cast<size_t>(key_count);
  if (op_count_ > kMaxOpsPerScript) return script_error("OP_COUNT");
  size_t ikey = ++i;
  // Keys not yet consumed that NULLFAIL requires nothing of (Bitcoin's ikey2).
  size_t ikey2 = static_cast<size_t>(key_count) + 2;
  i += static_cast<size_t>(key_count);
  if (!need(i)) return script_error("INVALID_STACK_OPERATION");
  auto sigs = number(i);
  if (!sigs) return Error{sigs.error()};
  if (*sigs < 0 || *sigs > key_count) return script_error("SIG_COUNT");
  int64_t sig_count = *sigs;
  size_t isig = ++i;
  i += static_cast<size_t>(sig_count);
  if (!need(i)) return script_error("INVALID_STACK_OPERATION");

  Bytes code = script_code();
  for (int64_t k = 0; k < sig_count; ++k) {
    if (auto st = remove_signature(code, top(isig + static_cast<size_t>(k))); !st) return st;
  }
  bool success = true;
  while (success && sig_count > 0) {
    const Bytes& sig = top(isig);
    const Bytes& key = top(ikey);
    if (auto st = check_signature_encoding(sig, flags_); !st) return st;
    if (auto st = check_pubkey_encoding(key, flags_); !st) return st;
    if (checker_.check_sig(sig, key, code)) {
      ++isig;
      --sig_count;
    }
    ++ikey;
    --key_count;
    // Fewer keys left than signatures: cannot succeed.
    if (sig_count > key_count) success = false;
  }
  while (i-- > 1) {
    if (!success && (flags_ & flags::kNullFail) != 0 && ikey2 == 0 && !top(1).empty()) {
      return script_error("NULLFAIL");
    }
    if (ikey2 > 0) --ikey2;
    pop();
  }
  if (!need(1)) return script_error("INVALID_STACK_OPERATION");
  if ((flags_ & flags::kNullDummy) != 0 && !top(1).empty()) return script_error("SIG_NULLDUMMY");
  pop();
  push_bool(success);
  if (op == OP_CHECKMULTISIGVERIFY) {
    if (!success) return script_error("CHECKMULTISIGVERIFY");
    pop();
  }
  return Status::success();
}

}  // namespace

Status eval_script(Stack& stack, std::span<const uint8_t> script, uint32_t f,
                   const SignatureChecker& checker) {
  return Machine(stack, script, f, checker).run();
}

bool is_push_only(std::span<const uint8_t> script) {
  size_t pos = 0;
  while (pos < script.size()) {
    const auto op = next_script_op(script, pos);
    // OP_RESERVED (0x50) counts as a push here, as in Bitcoin.
    if (!op || op->opcode > OP_16) return false;
  }
  return true;
}

bool is_p2sh(std::span<const uint8_t> s) {
  return s.size() == 23 && s[0] == OP_HASH160 && s[1] == 0x14 && s[22] == OP_EQUAL;
}

bool is_witness_program(std::span<const uint8_t> s) {
  if (s.size() < 4 || s.size() > 42) return false;
  if (s[0] != OP_0 && (s[0] < OP_1 || s[0] > OP_16)) return false;
  return s[1] + 2u == s.size();
}

Status verify_script(std::span<const uint8_t> script_sig, std::span<const uint8_t> script_pubkey,
                     uint32_t f, const SignatureChecker& checker) {
  // CLEANSTACK is only meaningful with P2SH (a redeem script leaves its
  // result alone on the stack).
  assert((f & flags::kCleanStack) == 0 || (f & flags::kP2sh) != 0);
  if ((f & flags::kSigPushOnly) != 0 && !is_push_only(script_sig)) {
    return script_error("SIG_PUSHONLY");
  }
  Stack stack;
  if (auto st = eval_script(stack, script_sig, f, checker); !st) return st;
  const bool p2sh = (f & flags::kP2sh) != 0 && is_p2sh(script_pubkey);
  Stack after_sig;
  if (p2sh) after_sig = stack;
  if (auto st = eval_script(stack, script_pubkey, f, checker); !st) return st;
  if (stack.empty() || !cast_to_bool(stack.back())) return script_error("EVAL_FALSE");

  if (p2sh) {
    // BIP16: the scriptSig must be data only; its last push is the redeem
    // script, run on the rest of the stack.
    if (!is_push_only(script_sig)) return script_error("SIG_PUSHONLY");
    stack = std::move(after_sig);
    assert(!stack.empty());  // else HASH160 above had nothing to hash
    const Bytes redeem = std::move(stack.back());
    stack.pop_back();
    if (auto st = eval_script(stack, redeem, f, checker); !st) return st;
    if (stack.empty() || !cast_to_bool(stack.back())) return script_error("EVAL_FALSE");
  }
  if ((f & flags::kCleanStack) != 0 && stack.size() != 1) return script_error("CLEANSTACK");
  return Status::success();
}

Status verify_input(const Transaction& tx, size_t input_index,
                    std::span<const uint8_t> spent_script_pubkey, uint32_t f,
                    SignatureCache* cache) {
  assert(input_index < tx.inputs.size());
  const TransactionSignatureChecker checker(tx, input_index, cache);
  return verify_script(tx.inputs[input_index].script_sig, spent_script_pubkey, f, checker);
}

}  // namespace btr::core::script
