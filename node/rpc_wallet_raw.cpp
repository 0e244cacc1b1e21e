// createrawtransaction and signrawtransactionwithkey (Core's shapes): they
// need no wallet, so they exist with -disablewallet too.

#include <cmath>
#include <map>
#include <set>

#include "core/hex.h"
#include "core/script/sighash.h"
#include "core/script/standard.h"
#include "node/mempool.h"
#include "node/rpc_util.h"
#include "node/rpc_wallet.h"
#include "node/tx_amount.h"
#include "node/wallet/signing.h"

namespace btr::node {

core::Amount coin_amount_param(const json& v) {
  core::Amount units = 0;
  if (v.is_number_integer()) {
    const int64_t whole = v.get<int64_t>();
    if (whole < 0 || whole > core::kMaxMoney / core::kCoin) {
      throw RpcException{rpc_code::kTypeError, "Amount out of range"};
    }
    units = whole * core::kCoin;
  } else if (v.is_number()) {
    const double coins = v.get<double>();
    const double scaled = coins * static_cast<double>(core::kCoin);
    if (!std::isfinite(scaled) || std::abs(scaled - std::round(scaled)) > 1e-3) {
      throw RpcException{rpc_code::kTypeError, "Invalid amount"};
    }
    if (scaled < 0 || scaled > static_cast<double>(core::kMaxMoney)) {
      throw RpcException{rpc_code::kTypeError, "Amount out of range"};
    }
    units = std::llround(scaled);
  } else if (v.is_string()) {
    auto parsed = parse_coin_amount(v.get<std::string>());
    if (!parsed) throw RpcException{rpc_code::kTypeError, parsed.error()};
    units = *parsed;
  } else {
    throw RpcException{rpc_code::kTypeError, "Amount is not a number or string"};
  }
  if (!core::money_range(units)) throw RpcException{rpc_code::kTypeError, "Amount out of range"};
  return units;
}

core::Address address_param(const NodeContext& ctx, const std::string& text) {
  auto addr = core::decode_address(text, ctx.params.prefixes);
  if (!addr) throw RpcException{rpc_code::kInvalidAddressOrKey, "Invalid address: " + text};
  return *addr;
}

namespace {

int64_t int_field(const json& obj, const char* key, const char* missing) {
  if (!obj.contains(key)) throw RpcException{rpc_code::kInvalidParameter, missing};
  const json& v = obj[key];
  if (!v.is_number_integer()) throw RpcException{rpc_code::kInvalidParameter, missing};
  return v.get<int64_t>();
}

core::Hash256 txid_field(const json& obj) {
  json wrapped = json::array({obj.contains("txid") ? obj["txid"] : json(nullptr)});
  return param_hash(wrapped, 0, "txid");
}

void add_inputs(core::Transaction& tx, const json& inputs, bool replaceable) {
  if (!inputs.is_array()) throw RpcException{rpc_code::kTypeError, "inputs must be an array"};
  for (const json& in : inputs) {
    if (!in.is_object()) throw RpcException{rpc_code::kTypeError, "inputs must be objects"};
    core::TxIn txin;
    txin.prevout.txid = txid_field(in);
    const int64_t vout = int_field(in, "vout", "Invalid parameter, missing vout key");
    if (vout < 0)
      throw RpcException{rpc_code::kInvalidParameter, "Invalid parameter, vout cannot be negative"};
    txin.prevout.index = static_cast<uint32_t>(vout);
    // Core: final unless a locktime (or replaceability) needs a lower one.
    txin.sequence = replaceable ? 0xfffffffd
                                : (tx.locktime != 0 ? core::TxIn::kFinalSequence - 1
                                                    : core::TxIn::kFinalSequence);
    if (in.contains("sequence")) {
      const int64_t seq =
          int_field(in, "sequence", "Invalid parameter, sequence number is out of range");
      if (seq < 0 || seq > 0xffffffffLL) {
        throw RpcException{rpc_code::kInvalidParameter,
                           "Invalid parameter, sequence number is out of range"};
      }
      txin.sequence = static_cast<uint32_t>(seq);
    }
    tx.inputs.push_back(std::move(txin));
  }
}

void add_output(NodeContext& ctx, core::Transaction& tx, const std::string& key, const json& value,
                std::set<std::string>& seen) {
  if (key == "data") {
    auto data = core::from_hex(value.is_string() ? value.get<std::string>() : "");
    if (!data) throw RpcException{rpc_code::kInvalidParameter, "Data must be hexadecimal string"};
    tx.outputs.push_back({0, core::script::null_data_script(*data)});
    return;
  }
  if (!seen.insert(key).second) {
    throw RpcException{rpc_code::kInvalidParameter,
                       "Invalid parameter, duplicated address: " + key};
  }
  const core::Address addr = address_param(ctx, key);
  tx.outputs.push_back({coin_amount_param(value), core::address_script(addr)});
}

json createrawtransaction(NodeContext& ctx, const json& p) {
  core::Transaction tx;
  tx.version = 2;
  if (auto lt = param_int_opt(p, 2, "locktime"); lt) {
    if (*lt < 0 || *lt > 0xffffffffLL) {
      throw RpcException{rpc_code::kInvalidParameter, "Invalid parameter, locktime out of range"};
    }
    tx.locktime = static_cast<uint32_t>(*lt);
  }
  const json* inputs = param(p, 0);
  const json* outputs = param(p, 1);
  if (inputs == nullptr || outputs == nullptr) {
    throw RpcException{rpc_code::kInvalidParameter, "Missing inputs or outputs"};
  }
  add_inputs(tx, *inputs, param_bool(p, 3, false));
  std::set<std::string> seen;
  if (outputs->is_object()) {
    for (const auto& [key, value] : outputs->items()) add_output(ctx, tx, key, value, seen);
  } else if (outputs->is_array()) {
    for (const json& o : *outputs) {
      if (!o.is_object() || o.size() != 1) {
        throw RpcException{rpc_code::kInvalidParameter,
                           "Invalid parameter, key-value pair must contain exactly one key"};
      }
      add_output(ctx, tx, o.begin().key(), o.begin().value(), seen);
    }
  } else {
    throw RpcException{rpc_code::kTypeError, "outputs must be an object or an array"};
  }
  return core::to_hex(tx.serialize());
}

}  // namespace

int32_t sighash_param(const json& params, size_t i) {
  const json* v = param(params, i);
  if (v == nullptr) return core::script::kSighashAll;
  static const std::map<std::string, int32_t> kTypes = {
      {"ALL", core::script::kSighashAll},
      {"NONE", core::script::kSighashNone},
      {"SINGLE", core::script::kSighashSingle},
      {"ALL|ANYONECANPAY", core::script::kSighashAll | core::script::kSighashAnyoneCanPay},
      {"NONE|ANYONECANPAY", core::script::kSighashNone | core::script::kSighashAnyoneCanPay},
      {"SINGLE|ANYONECANPAY", core::script::kSighashSingle | core::script::kSighashAnyoneCanPay}};
  const std::string s = v->is_string() ? v->get<std::string>() : v->dump();
  const auto it = kTypes.find(s);
  if (it == kTypes.end()) {
    throw RpcException{rpc_code::kInvalidParameter,
                       "'" + s + "' is not a valid sighash parameter."};
  }
  return it->second;
}

core::Transaction tx_param(const json& params, size_t i) {
  auto bytes = core::from_hex(param_string(params, i, "hexstring"));
  auto tx = bytes ? core::Transaction::parse(*bytes)
                  : core::Result<core::Transaction>(core::fail("bad hex"));
  if (!tx) throw RpcException{rpc_code::kDeserializationError, "TX decode failed"};
  return std::move(*tx);
}

// The outputs the inputs spend: prevtxs first, then the pool and the UTXO set.
std::vector<wallet::InputToSign> spent_outputs(NodeContext& ctx, const core::Transaction& tx,
                                               const json* prevtxs) {
  std::map<core::OutPoint, wallet::InputToSign> given;
  if (prevtxs != nullptr) {
    if (!prevtxs->is_array()) throw RpcException{rpc_code::kTypeError, "prevtxs must be an array"};
    for (const json& prev : *prevtxs) {
      if (!prev.is_object()) throw RpcException{rpc_code::kTypeError, "expected object"};
      core::OutPoint op{txid_field(prev), 0};
      const int64_t vout = int_field(prev, "vout", "vout must be positive");
      if (vout < 0) throw RpcException{rpc_code::kDeserializationError, "vout cannot be negative"};
      op.index = static_cast<uint32_t>(vout);
      auto spk = core::from_hex(prev.value("scriptPubKey", std::string()));
      if (!spk || spk->empty())
        throw RpcException{rpc_code::kDeserializationError, "scriptPubKey must be hexadecimal"};
      wallet::InputToSign in;
      in.spent.script_pubkey = std::move(*spk);
      if (prev.contains("amount")) in.spent.value = coin_amount_param(prev["amount"]);
      if (prev.contains("redeemScript")) {
        auto rs = core::from_hex(
            prev["redeemScript"].is_string() ? prev["redeemScript"].get<std::string>() : "");
        if (!rs)
          throw RpcException{rpc_code::kDeserializationError, "redeemScript must be hexadecimal"};
        in.redeem_script = std::move(*rs);
      }
      given[op] = std::move(in);
    }
  }
  std::vector<wallet::InputToSign> out;
  for (const core::TxIn& in : tx.inputs) {
    if (auto it = given.find(in.prevout); it != given.end()) {
      out.push_back(it->second);
      continue;
    }
    wallet::InputToSign found;
    core::Result<std::optional<Coin>> coin = ctx.mempool != nullptr
                                                 ? ctx.mempool->get_coin(in.prevout)
                                                 : ctx.chain.store().get_coin(in.prevout);
    if (coin && coin->has_value()) found.spent = (*coin)->out;
    out.push_back(std::move(found));
  }
  return out;
}

json sign_result(const core::Transaction& tx, const std::vector<std::string>& errors) {
  json j = {{"hex", core::to_hex(tx.serialize())}};
  json errs = json::array();
  for (size_t i = 0; i < errors.size(); ++i) {
    if (errors[i].empty()) continue;
    errs.push_back({{"txid", tx.inputs[i].prevout.txid.to_display_hex()},
                    {"vout", tx.inputs[i].prevout.index},
                    {"scriptSig", core::to_hex(tx.inputs[i].script_sig)},
                    {"sequence", tx.inputs[i].sequence},
                    {"error", errors[i]}});
  }
  j["complete"] = errs.empty();
  if (!errs.empty()) j["errors"] = std::move(errs);
  return j;
}

namespace {

json signrawtransactionwithkey(NodeContext& ctx, const json& p) {
  core::Transaction tx = tx_param(p, 0);
  const json* keys_json = param(p, 1);
  if (keys_json == nullptr || !keys_json->is_array()) {
    throw RpcException{rpc_code::kTypeError, "privkeys must be an array"};
  }
  std::vector<core::PrivateKey> keys;
  for (const json& k : *keys_json) {
    auto wif = core::decode_wif(k.is_string() ? k.get<std::string>() : "", ctx.params.prefixes);
    if (!wif) throw RpcException{rpc_code::kInvalidAddressOrKey, "Invalid private key"};
    keys.push_back(wif->key);
  }
  const auto inputs = spent_outputs(ctx, tx, param(p, 2));
  const int32_t hash_type = sighash_param(p, 3);
  const wallet::KeyLookup lookup =
      [&keys](const core::TxOut&) -> core::Result<std::vector<core::PrivateKey>> { return keys; };
  const auto errors = wallet::sign_inputs(tx, inputs, lookup, hash_type);
  return sign_result(tx, errors);
}

}  // namespace

void register_raw_transaction_rpcs(NodeContext& ctx) {
  RpcDispatcher& d = ctx.dispatcher;
  d.add({"createrawtransaction",
         "rawtransactions",
         {"inputs", "outputs", "locktime", "replaceable"},
         "createrawtransaction [{\"txid\":\"hex\",\"vout\":n,\"sequence\":n},...] "
         "{\"address\":amount,\"data\":\"hex\",...} ( locktime replaceable )\n"
         "Creates an unsigned transaction spending the inputs to the outputs; returns its hex.",
         sync_handler([&ctx](const json& p) { return createrawtransaction(ctx, p); })});
  d.add({"signrawtransactionwithkey",
         "rawtransactions",
         {"hexstring", "privkeys", "prevtxs", "sighashtype"},
         "signrawtransactionwithkey \"hexstring\" [\"privatekey\",...] ( "
         "[{\"txid\":\"hex\",\"vout\":n,\"scriptPubKey\":\"hex\",\"redeemScript\":\"hex\","
         "\"amount\":amount},...] \"sighashtype\" )\n"
         "Signs the inputs it can with the given WIF keys; returns {hex, complete, errors}.",
         sync_handler([&ctx](const json& p) { return signrawtransactionwithkey(ctx, p); })});
}

}  // namespace btr::node
