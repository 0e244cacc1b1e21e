#pragma once
// Shared pieces of the RPC methods: typed parameter access with Core's error
// codes and messages, amounts as JSON numbers of coins, and the JSON shapes
// of headers, scripts and transactions (Core's getblockheader /
// decoderawtransaction layouts).

#include <cstdint>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/address.h"
#include "core/block.h"
#include "core/chain_params.h"
#include "core/transaction.h"
#include "node/rpc_dispatcher.h"

namespace btr::node {

// Thrown by the parameter helpers; RPC wrappers turn it into an error reply.
// (Exceptions stay inside the RPC edge: never across a libuv callback.)
struct RpcException {
  int code;
  std::string message;
};

const json* param(const json& params, size_t i);  // nullptr when absent or null
std::string param_string(const json& params, size_t i, const char* name);
int64_t param_int(const json& params, size_t i, const char* name);
std::optional<int64_t> param_int_opt(const json& params, size_t i, const char* name);
bool param_bool(const json& params, size_t i, bool fallback);
core::Hash256 param_hash(const json& params, size_t i, const char* name);
std::vector<uint8_t> param_hex(const json& params, size_t i, const char* name);

// Wraps a handler that throws RpcException (or returns a json result).
RpcHandler sync_handler(std::function<json(const json& params)> fn);

json amount_json(core::Amount value);
std::string script_asm(std::span<const uint8_t> script);
// "pubkeyhash", "scripthash", "pubkey", "multisig", "nulldata", "nonstandard".
std::string script_type(std::span<const uint8_t> script);
json script_pubkey_json(std::span<const uint8_t> script, const core::AddressPrefixes& prefixes);
json tx_json(const core::Transaction& tx, const core::AddressPrefixes& prefixes);
std::string compact_hex(uint32_t bits);  // "207fffff"

}  // namespace btr::node
