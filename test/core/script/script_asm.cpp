#include "test/core/script/script_asm.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <stdexcept>
#include <vector>

#include "core/hex.h"
#include "core/script/interpreter.h"
#include "core/script/opcodes.h"

namespace btr::test {
namespace {

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n') {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
    } else {
      word.push_back(c);
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  return words;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

core::Script parse_script_asm(std::string_view text) {
  core::Script out;
  for (const std::string& w : split_words(text)) {
    const bool negative = w.size() > 1 && w[0] == '-';
    if (all_digits(negative ? std::string_view(w).substr(1) : std::string_view(w))) {
      const int64_t n = std::stoll(w);
      if (n > int64_t{0xffffffff} || n < -int64_t{0xffffffff}) {
        throw std::runtime_error("number out of range: " + w);
      }
      core::push_int(out, n);
    } else if (w.size() > 2 && w.starts_with("0x")) {
      auto bytes = core::from_hex(std::string_view(w).substr(2));
      if (!bytes) throw std::runtime_error("bad hex: " + w);
      out.insert(out.end(), bytes->begin(), bytes->end());
    } else if (w.size() >= 2 && w.front() == '\'' && w.back() == '\'') {
      const std::string_view s = std::string_view(w).substr(1, w.size() - 2);
      core::push_data(out, {reinterpret_cast<const uint8_t*>(s.data()), s.size()});
    } else if (const auto op = core::script::op_from_name(w)) {
      out.push_back(*op);
    } else {
      throw std::runtime_error("unknown script word: " + w);
    }
  }
  return out;
}

std::optional<core::Script> last_push(const core::Script& script_sig) {
  size_t pos = 0;
  std::optional<core::Script> last;
  while (pos < script_sig.size()) {
    const auto op = core::next_script_op(script_sig, pos);
    if (!op || op->opcode > core::OP_16) return std::nullopt;
    last = core::Script(op->data.begin(), op->data.end());
  }
  return last;
}

ParsedFlags parse_flags(std::string_view text) {
  namespace f = core::script::flags;
  static const std::map<std::string, uint32_t, std::less<>> kNames = {
      {"P2SH", f::kP2sh},
      {"STRICTENC", f::kStrictEnc},
      {"DERSIG", f::kDerSig},
      {"LOW_S", f::kLowS},
      {"NULLDUMMY", f::kNullDummy},
      {"SIGPUSHONLY", f::kSigPushOnly},
      {"MINIMALDATA", f::kMinimalData},
      {"DISCOURAGE_UPGRADABLE_NOPS", f::kDiscourageUpgradableNops},
      {"CLEANSTACK", f::kCleanStack},
      {"CHECKLOCKTIMEVERIFY", f::kCheckLockTimeVerify},
      {"CHECKSEQUENCEVERIFY", f::kCheckSequenceVerify},
      {"NULLFAIL", f::kNullFail},
      {"CONST_SCRIPTCODE", f::kConstScriptCode},
      // Witness-only rules: no effect on legacy scripts in Bitcoin either.
      {"MINIMALIF", 0},
      {"WITNESS_PUBKEYTYPE", 0},
      {"DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM", 0},
      {"DISCOURAGE_UPGRADABLE_TAPROOT_VERSION", 0},
      {"DISCOURAGE_OP_SUCCESS", 0},
      {"DISCOURAGE_UPGRADABLE_PUBKEYTYPE", 0},
  };
  ParsedFlags out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view name = text.substr(start, end - start);
    start = end + 1;
    if (name.empty() || name == "NONE") continue;
    if (name == "WITNESS") {
      out.witness = true;
    } else if (name == "TAPROOT") {
      out.taproot = true;
    } else if (auto it = kNames.find(name); it != kNames.end()) {
      out.flags |= it->second;
    } else {
      out.unknown = std::string(name);
    }
  }
  return out;
}

core::Transaction crediting_tx(const core::Script& script_pubkey, core::Amount amount) {
  core::Transaction tx;
  tx.version = 1;
  core::TxIn in;
  in.prevout.index = core::OutPoint::kNullIndex;
  in.script_sig = {core::OP_0, core::OP_0};
  tx.inputs.push_back(in);
  tx.outputs.push_back({amount, script_pubkey});
  return tx;
}

core::Transaction spending_tx(const core::Script& script_sig, const core::Transaction& credit) {
  core::Transaction tx;
  tx.version = 1;
  core::TxIn in;
  in.prevout = {credit.txid(), 0};
  in.script_sig = script_sig;
  tx.inputs.push_back(in);
  tx.outputs.push_back({credit.outputs[0].value, {}});
  return tx;
}

}  // namespace btr::test
