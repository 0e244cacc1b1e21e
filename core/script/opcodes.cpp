#include "core/script/opcodes.h"

#include <array>
#include <string>

namespace btr::core::script {
namespace {

constexpr std::array<std::string_view, 17> kSmallNumbers = {
    "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16"};

// Names of OP_NOP (0x61) .. OP_CHECKSIGADD (0xba), in opcode order.
constexpr std::array<std::string_view, 0xbb - 0x61> kNamed = {"OP_NOP",
                                                              "OP_VER",
                                                              "OP_IF",
                                                              "OP_NOTIF",
                                                              "OP_VERIF",
                                                              "OP_VERNOTIF",
                                                              "OP_ELSE",
                                                              "OP_ENDIF",
                                                              "OP_VERIFY",
                                                              "OP_RETURN",
                                                              "OP_TOALTSTACK",
                                                              "OP_FROMALTSTACK",
                                                              "OP_2DROP",
                                                              "OP_2DUP",
                                                              "OP_3DUP",
                                                              "OP_2OVER",
                                                              "OP_2ROT",
                                                              "OP_2SWAP",
                                                              "OP_IFDUP",
                                                              "OP_DEPTH",
                                                              "OP_DROP",
                                                              "OP_DUP",
                                                              "OP_NIP",
                                                              "OP_OVER",
                                                              "OP_PICK",
                                                              "OP_ROLL",
                                                              "OP_ROT",
                                                              "OP_SWAP",
                                                              "OP_TUCK",
                                                              "OP_CAT",
                                                              "OP_SUBSTR",
                                                              "OP_LEFT",
                                                              "OP_RIGHT",
                                                              "OP_SIZE",
                                                              "OP_INVERT",
                                                              "OP_AND",
                                                              "OP_OR",
                                                              "OP_XOR",
                                                              "OP_EQUAL",
                                                              "OP_EQUALVERIFY",
                                                              "OP_RESERVED1",
                                                              "OP_RESERVED2",
                                                              "OP_1ADD",
                                                              "OP_1SUB",
                                                              "OP_2MUL",
                                                              "OP_2DIV",
                                                              "OP_NEGATE",
                                                              "OP_ABS",
                                                              "OP_NOT",
                                                              "OP_0NOTEQUAL",
                                                              "OP_ADD",
                                                              "OP_SUB",
                                                              "OP_MUL",
                                                              "OP_DIV",
                                                              "OP_MOD",
                                                              "OP_LSHIFT",
                                                              "OP_RSHIFT",
                                                              "OP_BOOLAND",
                                                              "OP_BOOLOR",
                                                              "OP_NUMEQUAL",
                                                              "OP_NUMEQUALVERIFY",
                                                              "OP_NUMNOTEQUAL",
                                                              "OP_LESSTHAN",
                                                              "OP_GREATERTHAN",
                                                              "OP_LESSTHANOREQUAL",
                                                              "OP_GREATERTHANOREQUAL",
                                                              "OP_MIN",
                                                              "OP_MAX",
                                                              "OP_WITHIN",
                                                              "OP_RIPEMD160",
                                                              "OP_SHA1",
                                                              "OP_SHA256",
                                                              "OP_HASH160",
                                                              "OP_HASH256",
                                                              "OP_CODESEPARATOR",
                                                              "OP_CHECKSIG",
                                                              "OP_CHECKSIGVERIFY",
                                                              "OP_CHECKMULTISIG",
                                                              "OP_CHECKMULTISIGVERIFY",
                                                              "OP_NOP1",
                                                              "OP_CHECKLOCKTIMEVERIFY",
                                                              "OP_CHECKSEQUENCEVERIFY",
                                                              "OP_NOP4",
                                                              "OP_NOP5",
                                                              "OP_NOP6",
                                                              "OP_NOP7",
                                                              "OP_NOP8",
                                                              "OP_NOP9",
                                                              "OP_NOP10",
                                                              "OP_CHECKSIGADD"};

}  // namespace

std::string_view op_name(uint8_t opcode) {
  if (opcode == OP_0) return kSmallNumbers[0];
  if (opcode >= OP_1 && opcode <= OP_16) return kSmallNumbers[opcode - OP_1 + 1];
  switch (opcode) {
    case OP_PUSHDATA1:
      return "OP_PUSHDATA1";
    case OP_PUSHDATA2:
      return "OP_PUSHDATA2";
    case OP_PUSHDATA4:
      return "OP_PUSHDATA4";
    case OP_1NEGATE:
      return "-1";
    case OP_RESERVED:
      return "OP_RESERVED";
    case OP_INVALIDOPCODE:
      return "OP_INVALIDOPCODE";
    default:
      break;
  }
  if (opcode >= OP_NOP && opcode <= OP_CHECKSIGADD) return kNamed[opcode - OP_NOP];
  return "OP_UNKNOWN";
}

std::optional<uint8_t> op_from_name(std::string_view name) {
  const std::string full = name.starts_with("OP_") ? std::string(name) : "OP_" + std::string(name);
  if (full == "OP_RESERVED") return uint8_t{OP_RESERVED};
  if (full == "OP_INVALIDOPCODE") return uint8_t{OP_INVALIDOPCODE};
  for (size_t i = 0; i < kNamed.size(); ++i) {
    if (kNamed[i] == full) return static_cast<uint8_t>(OP_NOP + i);
  }
  return std::nullopt;
}

}  // namespace btr::core::script
