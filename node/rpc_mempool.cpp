// Mempool RPCs with Bitcoin Core's shapes and error codes:
// sendrawtransaction, testmempoolaccept, getrawmempool, getmempoolentry,
// getmempoolancestors, getmempooldescendants, getmempoolinfo and
// estimatesmartfee.

#include <cmath>
#include <cstdio>

#include "core/hex.h"
#include "node/fee_estimator.h"
#include "node/mempool.h"
#include "node/node_context.h"
#include "node/rpc_util.h"
#include "node/tx_amount.h"

namespace btr::node {
namespace {

using Kind = MempoolAcceptResult::Kind;

// Core's DEFAULT_MAX_RAW_TX_FEE_RATE: 0.10 per 1000 bytes.
constexpr core::Amount kDefaultMaxFeeRate = core::kCoin / 10;
constexpr size_t kMaxPackageCount = 25;

Mempool& pool(NodeContext& ctx) {
  if (ctx.mempool == nullptr) throw RpcException{rpc_code::kMiscError, "Mempool disabled"};
  return *ctx.mempool;
}

// Core's AmountFromValue: a JSON number or numeric string of coins.
core::Amount amount_from_json(const json& v) {
  std::string text;
  if (v.is_number_integer()) {
    text = std::to_string(v.get<int64_t>());
  } else if (v.is_number()) {
    // Coins with at most 8 decimals: more precision than that is refused.
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.8f", v.get<double>());
    text = buf;
    if (std::abs(v.get<double>() * 1e8 - std::round(v.get<double>() * 1e8)) > 1e-3) {
      throw RpcException{rpc_code::kTypeError, "Invalid amount"};
    }
  } else if (v.is_string()) {
    text = v.get<std::string>();
  } else {
    throw RpcException{rpc_code::kTypeError, "Amount is not a number or string"};
  }
  auto amount = parse_coin_amount(text);
  if (!amount) throw RpcException{rpc_code::kTypeError, amount.error()};
  return *amount;
}

core::Amount max_fee_rate_param(const json& params, size_t i) {
  const json* v = param(params, i);
  return v == nullptr ? kDefaultMaxFeeRate : amount_from_json(*v);
}

core::Transaction decode_tx(const std::string& hex) {
  auto bytes = core::from_hex(hex);
  auto tx = bytes ? core::Transaction::parse(*bytes)
                  : core::Result<core::Transaction>(core::fail("not hex"));
  if (!tx) {
    throw RpcException{rpc_code::kDeserializationError,
                       "TX decode failed. Make sure the tx has at least one input."};
  }
  return std::move(*tx);
}

bool fee_above_max(const MempoolAcceptResult& r, core::Amount max_fee_rate) {
  return max_fee_rate > 0 && r.fee > core::script::fee_for_size(max_fee_rate, r.size);
}

json sendrawtransaction(NodeContext& ctx, const json& params) {
  const core::Transaction tx = decode_tx(param_string(params, 0, "hexstring"));
  const core::Amount max_fee_rate = max_fee_rate_param(params, 1);
  Mempool& mp = pool(ctx);
  const core::Hash256 txid = tx.txid();
  // Already known: Core answers with the txid again (and re-relays it).
  if (mp.contains(txid)) return txid.to_display_hex();
  if (max_fee_rate > 0) {
    const MempoolAcceptResult test = mp.accept(tx, true);
    if (test.accepted && fee_above_max(test, max_fee_rate)) {
      throw RpcException{rpc_code::kVerifyError,
                         "Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)"};
    }
  }
  const MempoolAcceptResult r = mp.accept(tx, false);
  switch (r.kind) {
    case Kind::kAccepted:
    case Kind::kAlreadyInMempool:
      return txid.to_display_hex();
    case Kind::kAlreadyInChain:
      throw RpcException{rpc_code::kVerifyAlreadyInChain, "Transaction already in block chain"};
    case Kind::kMissingInputs:
      throw RpcException{rpc_code::kVerifyError, r.message()};
    case Kind::kInvalid:
      break;
  }
  throw RpcException{rpc_code::kVerifyRejected, r.message()};
}

json testmempoolaccept(NodeContext& ctx, const json& params) {
  const json* raw = param(params, 0);
  if (raw == nullptr || !raw->is_array()) {
    throw RpcException{rpc_code::kTypeError, "Expected type array for rawtxs"};
  }
  if (raw->empty() || raw->size() > kMaxPackageCount) {
    throw RpcException{
        rpc_code::kInvalidParameter,
        "Array must contain between 1 and " + std::to_string(kMaxPackageCount) + " transactions."};
  }
  const core::Amount max_fee_rate = max_fee_rate_param(params, 1);
  std::vector<core::Transaction> txs;
  for (const json& item : *raw) {
    if (!item.is_string()) throw RpcException{rpc_code::kTypeError, "rawtxs must be strings"};
    txs.push_back(decode_tx(item.get<std::string>()));
  }
  Mempool& mp = pool(ctx);
  json out = json::array();
  for (const core::Transaction& tx : txs) {
    const MempoolAcceptResult r = mp.accept(tx, true);
    const std::string txid = r.txid.to_display_hex();
    json item = {{"txid", txid}, {"wtxid", txid}};
    if (r.accepted && fee_above_max(r, max_fee_rate)) {
      item["allowed"] = false;
      item["reject-reason"] = "max-fee-exceeded";
    } else if (r.accepted) {
      item["allowed"] = true;
      item["vsize"] = r.size;
      item["fees"] = {{"base", amount_json(r.fee)},
                      {"effective-feerate", amount_json(FeeRateKey{r.fee, r.size}.per_kb())},
                      {"effective-includes", json::array({txid})}};
    } else {
      item["allowed"] = false;
      item["reject-reason"] = r.kind == Kind::kMissingInputs ? "missing-inputs" : r.reject_reason;
    }
    out.push_back(std::move(item));
  }
  return out;
}

json entry_json(const Mempool& mp, const MempoolEntry& e) {
  json depends = json::array();
  for (const core::Hash256& p : e.parents) depends.push_back(p.to_display_hex());
  json spentby = json::array();
  for (const core::Hash256& c : e.children) spentby.push_back(c.to_display_hex());
  (void)mp;
  return {{"vsize", e.size},
          {"weight", e.size * 4},
          {"time", e.time},
          {"height", e.entry_height},
          {"descendantcount", e.descendants.count},
          {"descendantsize", e.descendants.size},
          {"ancestorcount", e.ancestors.count},
          {"ancestorsize", e.ancestors.size},
          {"wtxid", e.txid.to_display_hex()},
          {"fees",
           {{"base", amount_json(e.fee)},
            {"modified", amount_json(e.fee)},
            {"ancestor", amount_json(e.ancestors.fees)},
            {"descendant", amount_json(e.descendants.fees)}}},
          {"depends", depends},
          {"spentby", spentby},
          {"bip125-replaceable", false},
          {"unbroadcast", false}};
}

json getrawmempool(NodeContext& ctx, const json& params) {
  Mempool& mp = pool(ctx);
  const bool verbose = param_bool(params, 0, false);
  const bool with_sequence = param_bool(params, 1, false);
  if (verbose && with_sequence) {
    throw RpcException{rpc_code::kInvalidParameter,
                       "Verbose results cannot contain mempool sequence values."};
  }
  if (verbose) {
    json out = json::object();
    for (const MempoolEntry* e : mp.entries()) out[e->txid.to_display_hex()] = entry_json(mp, *e);
    return out;
  }
  json ids = json::array();
  for (const core::Hash256& t : mp.txids()) ids.push_back(t.to_display_hex());
  if (!with_sequence) return ids;
  return {{"txids", ids}, {"mempool_sequence", mp.sequence()}};
}

const MempoolEntry& entry_or_throw(Mempool& mp, const core::Hash256& txid) {
  const MempoolEntry* e = mp.get(txid);
  if (e == nullptr)
    throw RpcException{rpc_code::kInvalidAddressOrKey, "Transaction not in mempool"};
  return *e;
}

// getmempoolancestors / getmempooldescendants.
json relatives(NodeContext& ctx, const json& params, bool ancestors) {
  Mempool& mp = pool(ctx);
  const MempoolEntry& e = entry_or_throw(mp, param_hash(params, 0, "txid"));
  const std::set<core::Hash256> set = ancestors ? mp.ancestors_of(e) : mp.descendants_of(e);
  if (!param_bool(params, 1, false)) {
    json ids = json::array();
    for (const core::Hash256& t : set) ids.push_back(t.to_display_hex());
    return ids;
  }
  json out = json::object();
  for (const core::Hash256& t : set) out[t.to_display_hex()] = entry_json(mp, *mp.get(t));
  return out;
}

json getmempoolinfo(NodeContext& ctx) {
  Mempool& mp = pool(ctx);
  const MempoolOptions& o = mp.options();
  const core::Amount floor = std::max(mp.min_fee_per_kb(), o.policy.min_relay_fee_per_kb);
  return {{"loaded", true},
          {"size", mp.size()},
          {"bytes", mp.bytes()},
          {"usage", mp.usage()},
          {"total_fee", amount_json(mp.total_fee())},
          {"maxmempool", o.max_bytes},
          {"mempoolminfee", amount_json(floor)},
          {"minrelaytxfee", amount_json(o.policy.min_relay_fee_per_kb)},
          {"incrementalrelayfee", amount_json(o.incremental_fee_per_kb)},
          {"unbroadcastcount", 0},
          {"fullrbf", false}};
}

json estimatesmartfee(NodeContext& ctx, const json& params) {
  const int64_t target = param_int(params, 0, "conf_target");
  if (target < 1 || target > 1008) {
    throw RpcException{rpc_code::kInvalidParameter,
                       "Invalid conf_target, must be between 1 and 1008"};
  }
  if (const json* mode = param(params, 1); mode != nullptr) {
    const std::string m = mode->is_string() ? mode->get<std::string>() : "";
    if (m != "unset" && m != "economical" && m != "conservative" && m != "UNSET" &&
        m != "ECONOMICAL" && m != "CONSERVATIVE") {
      throw RpcException{rpc_code::kInvalidParameter,
                         "Invalid estimate_mode parameter, must be one of: \"unset\", "
                         "\"economical\", \"conservative\""};
    }
  }
  const auto estimate = ctx.fee_estimator != nullptr
                            ? ctx.fee_estimator->estimate(static_cast<int>(target))
                            : std::nullopt;
  if (!estimate) {
    return {{"errors", json::array({"Insufficient data or no feerate found"})}, {"blocks", 0}};
  }
  core::Amount rate = *estimate;
  // Never below what this node would relay now (Core does the same).
  if (ctx.mempool != nullptr) {
    rate = std::max(
        {rate, ctx.mempool->min_fee_per_kb(), ctx.mempool->options().policy.min_relay_fee_per_kb});
  }
  return {{"feerate", amount_json(rate)}, {"blocks", target}};
}

}  // namespace

void register_mempool_rpcs(NodeContext& ctx) {
  RpcDispatcher& d = ctx.dispatcher;
  d.add({"sendrawtransaction",
         "rawtransactions",
         {"hexstring", "maxfeerate"},
         "sendrawtransaction \"hexstring\" ( maxfeerate )\n"
         "Checks a raw transaction and adds it to the mempool; returns its txid. maxfeerate "
         "(default 0.10 per kvB, 0 = no limit) refuses higher fee rates.",
         sync_handler([&ctx](const json& p) { return sendrawtransaction(ctx, p); })});
  d.add({"testmempoolaccept",
         "rawtransactions",
         {"rawtxs", "maxfeerate"},
         "testmempoolaccept [\"rawtx\",...] ( maxfeerate )\n"
         "Would these transactions enter the mempool? Each is judged alone; nothing changes.",
         sync_handler([&ctx](const json& p) { return testmempoolaccept(ctx, p); })});
  d.add({"getrawmempool",
         "blockchain",
         {"verbose", "mempool_sequence"},
         "getrawmempool ( verbose mempool_sequence )\n"
         "The txids in the mempool, or (verbose) an object of their entries.",
         sync_handler([&ctx](const json& p) { return getrawmempool(ctx, p); })});
  d.add({"getmempoolentry",
         "blockchain",
         {"txid"},
         "getmempoolentry \"txid\"\nThe mempool entry of a transaction.",
         sync_handler([&ctx](const json& p) {
           Mempool& mp = pool(ctx);
           return entry_json(mp, entry_or_throw(mp, param_hash(p, 0, "txid")));
         })});
  d.add({"getmempoolancestors",
         "blockchain",
         {"txid", "verbose"},
         "getmempoolancestors \"txid\" ( verbose )\nIn-mempool ancestors of a transaction.",
         sync_handler([&ctx](const json& p) { return relatives(ctx, p, true); })});
  d.add({"getmempooldescendants",
         "blockchain",
         {"txid", "verbose"},
         "getmempooldescendants \"txid\" ( verbose )\nIn-mempool descendants of a transaction.",
         sync_handler([&ctx](const json& p) { return relatives(ctx, p, false); })});
  d.add({"getmempoolinfo",
         "blockchain",
         {},
         "getmempoolinfo\nSize, memory use, limits and fee floors of the mempool.",
         sync_handler([&ctx](const json&) { return getmempoolinfo(ctx); })});
  d.add({"estimatesmartfee",
         "util",
         {"conf_target", "estimate_mode"},
         "estimatesmartfee conf_target ( \"estimate_mode\" )\n"
         "Fee rate (per kvB) to confirm within conf_target blocks, from the fee rates paid in "
         "recent blocks: a high quantile for short targets, the median from 6 blocks, a low "
         "quantile from 25.",
         sync_handler([&ctx](const json& p) { return estimatesmartfee(ctx, p); })});
}

}  // namespace btr::node
