// Mining RPCs: getblocktemplate (BIP22/23, long polling), submitblock,
// getmininginfo, getnetworkhashps, and on regtest generatetoaddress and
// generateblock.

#include <algorithm>
#include <memory>

#include "core/hex.h"
#include "core/pow.h"
#include "core/validation.h"
#include "node/block_assembly.h"
#include "node/node_context.h"
#include "node/rpc_util.h"

namespace btr::node {
namespace {

json template_json(NodeContext& ctx) {
  const ChainState& chain = ctx.chain;
  // The payout script is the pool's business: only the header fields and
  // the value matter here, so an empty script stands in.
  const BlockTemplate t = make_block_template(chain, {});
  const core::ChainParams& p = ctx.params;
  return {{"capabilities", json::array({"proposal"})},
          {"version", p.template_version},
          {"rules", json::array()},
          {"vbavailable", json::object()},
          {"vbrequired", 0},
          {"previousblockhash", t.block.header.prev_block.to_display_hex()},
          {"transactions", json::array()},
          {"coinbaseaux", json::object()},
          {"coinbasevalue", t.coinbase_value},
          {"longpollid", ctx.longpoll.current_id()},
          {"target", t.target.to_hex()},
          {"mintime", t.mintime},
          {"mutable", json::array({"time", "transactions", "prevblock"})},
          {"noncerange", "00000000ffffffff"},
          {"sigoplimit", p.max_block_sigops},
          {"sizelimit", p.max_block_size},
          {"curtime", t.block.header.time},
          {"bits", compact_hex(t.block.header.bits)},
          {"height", t.height}};
}

core::Result<core::Block> decode_block(const std::string& hex) {
  auto bytes = core::from_hex(hex);
  if (!bytes) return core::fail("Block decode failed");
  auto parsed = core::parse_block_with_witness_coinbase(*bytes);
  if (!parsed) return core::fail("Block decode failed");
  return std::move(parsed->block);
}

json proposal(NodeContext& ctx, const json& request) {
  if (!request.contains("data") || !request["data"].is_string()) {
    throw RpcException{rpc_code::kTypeError, "Missing data String key for proposal"};
  }
  auto block = decode_block(request["data"].get<std::string>());
  if (!block) throw RpcException{rpc_code::kDeserializationError, block.error()};
  if (const BlockIndex* known = ctx.chain.lookup(block->hash()); known != nullptr) {
    if (known->failed()) return "duplicate-invalid";
    if ((known->rec.status & block_status::kValid) != 0) return "duplicate";
    return "duplicate-inconclusive";
  }
  auto reason = ctx.chain.test_block_validity(*block);
  return reason ? json(*reason) : json(nullptr);
}

void getblocktemplate(NodeContext& ctx, const json& params, RpcDone done) {
  const json* req = param(params, 0);
  if (req != nullptr && !req->is_object()) {
    done(RpcOutcome::failure(rpc_code::kTypeError,
                             "JSON value is not of expected type object for template_request"));
    return;
  }
  const json request = req != nullptr ? *req : json::object();
  const std::string mode = request.value("mode", std::string("template"));
  if (mode == "proposal") {
    sync_handler([&ctx, request](const json&) { return proposal(ctx, request); })(params, done);
    return;
  }
  if (mode != "template") {
    done(RpcOutcome::failure(rpc_code::kInvalidParameter, "Invalid mode"));
    return;
  }
  const bool wait = request.contains("longpollid") && request["longpollid"].is_string() &&
                    request["longpollid"].get<std::string>() == ctx.longpoll.current_id();
  if (!wait) {
    done(RpcOutcome::success(template_json(ctx)));
    return;
  }
  ctx.longpoll.wait([&ctx, done] { done(RpcOutcome::success(template_json(ctx))); });
}

json submitblock(NodeContext& ctx, const json& params) {
  auto block = decode_block(param_string(params, 0, "hexdata"));
  if (!block) throw RpcException{rpc_code::kDeserializationError, block.error()};
  const SubmitResult r = ctx.chain.submit_block(*block);
  switch (r.kind) {
    case SubmitResult::Kind::kAccepted:
      return nullptr;
    case SubmitResult::Kind::kDuplicate:
      return "duplicate";
    case SubmitResult::Kind::kInconclusive:
      return "inconclusive";
    case SubmitResult::Kind::kRejected:
      return r.reason;
  }
  return nullptr;
}

// Core's GetNetworkHashPS: work done over the last `lookup` blocks divided
// by the time they took.
double network_hashps(const ChainState& chain, int64_t lookup, int64_t height) {
  const BlockIndex* tip = chain.tip();
  const BlockIndex* b =
      height >= 0 && height < tip->height() ? chain.at_height(static_cast<int32_t>(height)) : tip;
  if (b == nullptr || b->height() == 0) return 0;
  if (lookup <= 0) lookup = b->height() % 1440 + 1;  // Core: since the last retarget
  lookup = std::min<int64_t>(lookup, b->height());
  const BlockIndex* first = b->ancestor(b->height() - static_cast<int32_t>(lookup));
  int64_t min_time = first->rec.header.time;
  int64_t max_time = min_time;
  for (const BlockIndex* p = b; p != first; p = p->prev) {
    min_time = std::min<int64_t>(min_time, p->rec.header.time);
    max_time = std::max<int64_t>(max_time, p->rec.header.time);
  }
  if (min_time == max_time) return 0;
  const core::Uint256 work = b->rec.chain_work - first->rec.chain_work;
  return work.to_double() / static_cast<double>(max_time - min_time);
}

core::Address decode_address_or_throw(NodeContext& ctx, const std::string& text) {
  auto addr = core::decode_address(text, ctx.params.prefixes);
  if (!addr) throw RpcException{rpc_code::kInvalidAddressOrKey, "Error: Invalid address"};
  return *addr;
}

core::Hash256 mine_and_submit(NodeContext& ctx, std::span<const uint8_t> script,
                              std::vector<core::Transaction> txs, uint64_t& tries_left, bool submit,
                              std::string* hex_out) {
  BlockTemplate t = make_block_template(ctx.chain, script, std::move(txs));
  const uint64_t before = tries_left;
  (void)before;
  if (!mine_block(t.block, ctx.params.pow_limit, tries_left)) {
    throw RpcException{rpc_code::kMiscError, "Exhausted maxtries without finding a block"};
  }
  tries_left -= std::min<uint64_t>(tries_left, t.block.header.nonce + 1ull);
  if (hex_out != nullptr) *hex_out = core::to_hex(t.block.serialize());
  if (submit) {
    const SubmitResult r = ctx.chain.submit_block(t.block);
    if (r.kind != SubmitResult::Kind::kAccepted) {
      throw RpcException{rpc_code::kVerifyError,
                         "ProcessNewBlock, block not accepted: " + r.reason};
    }
  }
  return t.block.hash();
}

json generatetoaddress(NodeContext& ctx, const json& params) {
  const int64_t n = param_int(params, 0, "nblocks");
  const core::Address addr = decode_address_or_throw(ctx, param_string(params, 1, "address"));
  uint64_t tries = static_cast<uint64_t>(param_int_opt(params, 2, "maxtries").value_or(1000000));
  const std::vector<uint8_t> script = core::address_script(addr);
  json hashes = json::array();
  for (int64_t i = 0; i < n; ++i) {
    hashes.push_back(mine_and_submit(ctx, script, {}, tries, true, nullptr).to_display_hex());
  }
  return hashes;
}

json generateblock(NodeContext& ctx, const json& params) {
  const core::Address addr = decode_address_or_throw(ctx, param_string(params, 0, "output"));
  std::vector<core::Transaction> txs;
  if (const json* list = param(params, 1); list != nullptr) {
    if (!list->is_array())
      throw RpcException{rpc_code::kTypeError, "transactions must be an array"};
    for (const json& item : *list) {
      if (!item.is_string())
        throw RpcException{rpc_code::kTypeError, "transactions must be strings"};
      const std::string s = item.get<std::string>();
      auto bytes = core::from_hex(s);
      auto tx = bytes ? core::Transaction::parse(*bytes)
                      : core::Result<core::Transaction>(core::fail("x"));
      if (!tx) {
        // A txid would name a mempool transaction; there is no mempool yet.
        throw RpcException{rpc_code::kInvalidAddressOrKey,
                           "Transaction decode failed for " + s + " (txids need the mempool)"};
      }
      txs.push_back(std::move(*tx));
    }
  }
  const bool submit = param_bool(params, 2, true);
  uint64_t tries = 1000000;
  std::string hex;
  const core::Hash256 hash =
      mine_and_submit(ctx, core::address_script(addr), std::move(txs), tries, submit, &hex);
  json out = {{"hash", hash.to_display_hex()}};
  if (!submit) out["hex"] = hex;
  return out;
}

}  // namespace

void register_mining_rpcs(NodeContext& ctx) {
  RpcDispatcher& d = ctx.dispatcher;
  d.add({"getblocktemplate",
         "mining",
         {"template_request"},
         "getblocktemplate ( \"template_request\" )\n"
         "Returns a block template (BIP22/23). template_request: {\"mode\": "
         "\"template\"|\"proposal\", "
         "\"data\": hex (proposal), \"longpollid\": id (waits for a new tip)}.",
         [&ctx](const json& params, RpcDone done) {
           getblocktemplate(ctx, params, std::move(done));
         }});
  d.add({"submitblock",
         "mining",
         {"hexdata", "dummy"},
         "submitblock \"hexdata\" ( \"dummy\" )\n"
         "Submits a block. Returns null, \"duplicate\", \"inconclusive\" or the rejection reason "
         "(BIP22).",
         sync_handler([&ctx](const json& p) { return submitblock(ctx, p); })});
  d.add({"getmininginfo",
         "mining",
         {},
         "getmininginfo\nReturns blocks, difficulty, networkhashps, pooledtx, chain.",
         sync_handler([&ctx](const json&) {
           const BlockIndex* t = ctx.chain.tip();
           return json{{"blocks", t->height()},
                       {"difficulty", core::difficulty_from_bits(t->rec.header.bits)},
                       {"networkhashps", network_hashps(ctx.chain, 120, -1)},
                       {"pooledtx", 0},
                       {"chain", ctx.params.network == core::Network::kTestnet
                                     ? "test"
                                     : std::string(ctx.params.name)},
                       {"warnings", ""}};
         })});
  d.add({"getnetworkhashps",
         "mining",
         {"nblocks", "height"},
         "getnetworkhashps ( nblocks height )\nEstimated hashes per second over the last nblocks "
         "(default 120).",
         sync_handler([&ctx](const json& p) {
           return network_hashps(ctx.chain, param_int_opt(p, 0, "nblocks").value_or(120),
                                 param_int_opt(p, 1, "height").value_or(-1));
         })});
  if (ctx.params.network != core::Network::kRegtest) return;
  d.add(
      {"generatetoaddress",
       "generating",
       {"nblocks", "address", "maxtries"},
       "generatetoaddress nblocks \"address\" ( maxtries )\nMines blocks to the address (regtest).",
       sync_handler([&ctx](const json& p) { return generatetoaddress(ctx, p); })});
  d.add({"generateblock",
         "generating",
         {"output", "transactions", "submit"},
         "generateblock \"output\" ( [\"rawtx\",...] submit )\nMines one block with these raw "
         "transactions (regtest).",
         sync_handler([&ctx](const json& p) { return generateblock(ctx, p); })});
}

}  // namespace btr::node
