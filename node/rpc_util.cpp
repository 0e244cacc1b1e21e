#include "node/rpc_util.h"

#include <cstdio>

#include "core/hex.h"
#include "core/script.h"

namespace btr::node {
namespace {

const char* json_type_name(const json& v) {
  if (v.is_string()) return "string";
  if (v.is_number()) return "number";
  if (v.is_boolean()) return "bool";
  if (v.is_array()) return "array";
  if (v.is_object()) return "object";
  return "null";
}

[[noreturn]] void type_error(const json& v, const char* expected) {
  throw RpcException{rpc_code::kTypeError, std::string("JSON value of type ") + json_type_name(v) +
                                               " is not of expected type " + expected};
}

const char* opcode_name(uint8_t op) {
  switch (op) {
    case 0x00:
      return "0";
    case 0x4f:
      return "-1";
    case 0x61:
      return "OP_NOP";
    case 0x63:
      return "OP_IF";
    case 0x64:
      return "OP_NOTIF";
    case 0x67:
      return "OP_ELSE";
    case 0x68:
      return "OP_ENDIF";
    case 0x69:
      return "OP_VERIFY";
    case 0x6a:
      return "OP_RETURN";
    case 0x75:
      return "OP_DROP";
    case 0x76:
      return "OP_DUP";
    case 0x87:
      return "OP_EQUAL";
    case 0x88:
      return "OP_EQUALVERIFY";
    case 0xa8:
      return "OP_SHA256";
    case 0xa9:
      return "OP_HASH160";
    case 0xaa:
      return "OP_HASH256";
    case 0xac:
      return "OP_CHECKSIG";
    case 0xad:
      return "OP_CHECKSIGVERIFY";
    case 0xae:
      return "OP_CHECKMULTISIG";
    case 0xaf:
      return "OP_CHECKMULTISIGVERIFY";
    case 0xb1:
      return "OP_CHECKLOCKTIMEVERIFY";
    case 0xb2:
      return "OP_CHECKSEQUENCEVERIFY";
    default:
      return nullptr;
  }
}

}  // namespace

const json* param(const json& params, size_t i) {
  if (!params.is_array() || i >= params.size() || params[i].is_null()) return nullptr;
  return &params[i];
}

std::string param_string(const json& params, size_t i, const char* name) {
  const json* v = param(params, i);
  if (v == nullptr) throw RpcException{rpc_code::kInvalidParameter, std::string("Missing ") + name};
  if (!v->is_string()) type_error(*v, "string");
  return v->get<std::string>();
}

std::optional<int64_t> param_int_opt(const json& params, size_t i, const char*) {
  const json* v = param(params, i);
  if (v == nullptr) return std::nullopt;
  if (!v->is_number_integer()) type_error(*v, "number");
  return v->get<int64_t>();
}

int64_t param_int(const json& params, size_t i, const char* name) {
  auto v = param_int_opt(params, i, name);
  if (!v) throw RpcException{rpc_code::kInvalidParameter, std::string("Missing ") + name};
  return *v;
}

bool param_bool(const json& params, size_t i, bool fallback) {
  const json* v = param(params, i);
  if (v == nullptr) return fallback;
  if (v->is_boolean()) return v->get<bool>();
  if (v->is_number_integer()) return v->get<int64_t>() != 0;  // Core's verbose=1 style
  type_error(*v, "bool");
}

core::Hash256 param_hash(const json& params, size_t i, const char* name) {
  const std::string s = param_string(params, i, name);
  if (s.size() != 64) {
    throw RpcException{rpc_code::kInvalidParameter,
                       std::string(name) + " must be of length 64 (not " +
                           std::to_string(s.size()) + ", for '" + s + "')"};
  }
  auto h = core::Hash256::from_display_hex(s);
  if (!h) {
    throw RpcException{rpc_code::kInvalidParameter,
                       std::string(name) + " must be hexadecimal string (not '" + s + "')"};
  }
  return *h;
}

std::vector<uint8_t> param_hex(const json& params, size_t i, const char* name) {
  auto bytes = core::from_hex(param_string(params, i, name));
  if (!bytes) {
    throw RpcException{rpc_code::kDeserializationError, std::string(name) + " must be hexadecimal"};
  }
  return std::move(*bytes);
}

RpcHandler sync_handler(std::function<json(const json& params)> fn) {
  return [fn = std::move(fn)](const json& params, RpcDone done) {
    RpcOutcome out;
    try {
      out = RpcOutcome::success(fn(params));
    } catch (const RpcException& e) {
      out = RpcOutcome::failure(e.code, e.message);
    } catch (const json::exception& e) {
      out = RpcOutcome::failure(rpc_code::kInternalError, e.what());
    }
    done(std::move(out));
  };
}

json amount_json(core::Amount value) {
  // Exact for every amount below 2^53 units (90 million BTR); the JSON text
  // has no binary artefacts for values with at most 8 decimals.
  return static_cast<double>(value) / static_cast<double>(core::kCoin);
}

std::string compact_hex(uint32_t bits) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%08x", bits);
  return buf;
}

std::string script_asm(std::span<const uint8_t> script) {
  std::string out;
  size_t pos = 0;
  while (pos < script.size()) {
    auto op = core::next_script_op(script, pos);
    if (!out.empty()) out += ' ';
    if (!op) {
      out += "[error]";
      break;
    }
    if (op->opcode >= 0x01 && op->opcode <= core::OP_PUSHDATA4) {
      out += core::to_hex(op->data);
    } else if (op->opcode >= core::OP_1 && op->opcode <= core::OP_16) {
      out += std::to_string(op->opcode - core::OP_1 + 1);
    } else if (const char* name = opcode_name(op->opcode); name != nullptr) {
      out += name;
    } else {
      char buf[24];
      std::snprintf(buf, sizeof buf, "OP_UNKNOWN(0x%02x)", op->opcode);
      out += buf;
    }
  }
  return out;
}

std::string script_type(std::span<const uint8_t> s) {
  if (s.size() == 25 && s[0] == core::OP_DUP && s[1] == core::OP_HASH160 && s[2] == 20 &&
      s[23] == core::OP_EQUALVERIFY && s[24] == core::OP_CHECKSIG) {
    return "pubkeyhash";
  }
  if (s.size() == 23 && s[0] == core::OP_HASH160 && s[1] == 20 && s[22] == core::OP_EQUAL) {
    return "scripthash";
  }
  if ((s.size() == 35 && s[0] == 33 && s[34] == core::OP_CHECKSIG) ||
      (s.size() == 67 && s[0] == 65 && s[66] == core::OP_CHECKSIG)) {
    return "pubkey";
  }
  if (!s.empty() && s[0] == core::OP_RETURN) return "nulldata";
  if (s.size() >= 3 && s.back() == core::OP_CHECKMULTISIG && s[0] >= core::OP_1 &&
      s[0] <= core::OP_16) {
    return "multisig";
  }
  return "nonstandard";
}

json script_pubkey_json(std::span<const uint8_t> script, const core::AddressPrefixes& prefixes) {
  json j = {{"asm", script_asm(script)}, {"hex", core::to_hex(script)}};
  const std::string type = script_type(script);
  core::Address addr;
  if (type == "pubkeyhash") {
    std::copy(script.begin() + 3, script.begin() + 23, addr.hash.bytes.begin());
    j["address"] = core::encode_address(addr, prefixes);
  } else if (type == "scripthash") {
    addr.type = core::AddressType::kP2sh;
    std::copy(script.begin() + 2, script.begin() + 22, addr.hash.bytes.begin());
    j["address"] = core::encode_address(addr, prefixes);
  }
  j["type"] = type;
  return j;
}

json tx_json(const core::Transaction& tx, const core::AddressPrefixes& prefixes) {
  const std::string txid = tx.txid().to_display_hex();
  const size_t size = tx.serialized_size();
  json vin = json::array();
  for (const core::TxIn& in : tx.inputs) {
    if (tx.is_coinbase()) {
      vin.push_back({{"coinbase", core::to_hex(in.script_sig)}, {"sequence", in.sequence}});
    } else {
      vin.push_back({{"txid", in.prevout.txid.to_display_hex()},
                     {"vout", in.prevout.index},
                     {"scriptSig",
                      {{"asm", script_asm(in.script_sig)}, {"hex", core::to_hex(in.script_sig)}}},
                     {"sequence", in.sequence}});
    }
  }
  json vout = json::array();
  for (size_t n = 0; n < tx.outputs.size(); ++n) {
    vout.push_back({{"value", amount_json(tx.outputs[n].value)},
                    {"n", n},
                    {"scriptPubKey", script_pubkey_json(tx.outputs[n].script_pubkey, prefixes)}});
  }
  return {{"txid", txid},  {"hash", txid},       {"version", tx.version},   {"size", size},
          {"vsize", size}, {"weight", size * 4}, {"locktime", tx.locktime}, {"vin", vin},
          {"vout", vout}};
}

}  // namespace btr::node
