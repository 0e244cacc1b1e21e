// Mining RPCs: getblocktemplate (BIP22/23, long polling), submitblock,
// getmininginfo, getnetworkhashps, and on regtest generatetoaddress and
// generateblock.

#include <algorithm>
#include <memory>

#include "core/crypto/sha256.h"
#include "core/hex.h"
#include "core/pow.h"
#include "core/subsidy.h"
#include "core/validation.h"
#include "node/block_assembly.h"
#include "node/mempool.h"
#include "node/node_context.h"
#include "node/rpc_util.h"

namespace btr::node {
namespace {

// The `transactions` array as JSON text, written directly: every value is
// hex or a number, so nothing needs escaping, and a 2,000-transaction list
// is written in a fraction of the time a JSON tree takes.
std::string template_transactions(const BlockTemplate& t) {
  std::string out = "[";
  for (size_t i = 1; i < t.block.transactions.size(); ++i) {
    const core::Transaction& tx = t.block.transactions[i];
    const TemplateTx& info = t.tx_info[i - 1];
    const std::vector<uint8_t> raw = tx.serialize();
    const std::string txid = core::sha256d(raw).to_display_hex();
    if (i > 1) out += ',';
    // No witness: hash (the wtxid) equals txid, weight is 4 x size.
    out += "{\"data\":\"" + core::to_hex(raw) + "\",\"txid\":\"" + txid + "\",\"hash\":\"" + txid +
           "\",\"depends\":[";
    for (size_t d = 0; d < info.depends.size(); ++d) {
      out += (d > 0 ? "," : "") + std::to_string(info.depends[d]);
    }
    out += "],\"fee\":" + std::to_string(info.fee) + ",\"sigops\":" + std::to_string(info.sigops) +
           ",\"weight\":" + std::to_string(raw.size() * 4) + "}";
  }
  return out + "]";
}

// The transaction part of the last template, kept as JSON text while the
// pool is unchanged: a pool polling every few hundred milliseconds asks for
// the same 2,000 transactions again and again. A new tip alone does not
// stale it: whatever a block confirms or conflicts with leaves the pool
// (changing its sequence), and what stays remains valid for the next
// height (lock times and maturity only ever loosen as the chain grows).
struct TemplateCache {
  uint64_t pool_sequence = 0;
  bool valid = false;
  std::string transactions_text;
  core::Amount fees = 0;
};

// getblocktemplate's answer as JSON text (RpcOutcome::success_raw).
std::shared_ptr<const std::string> template_text(NodeContext& ctx, TemplateCache& cache) {
  const ChainState& chain = ctx.chain;
  const uint64_t sequence = ctx.mempool != nullptr ? ctx.mempool->sequence() : 0;
  const bool fresh = cache.valid && cache.pool_sequence == sequence;
  // The payout script is the pool's business: only the header fields, the
  // transactions and the value matter here, so an empty script stands in.
  // With a fresh cache only the header part is built (no transactions).
  const BlockTemplate t = assemble_block(chain, fresh ? nullptr : ctx.mempool, {});
  if (!fresh) {
    core::Amount fees = 0;
    for (const TemplateTx& info : t.tx_info) fees += info.fee;
    cache = {sequence, true, template_transactions(t), fees};
  }
  const core::Amount coinbase_value = core::block_subsidy(t.height) + cache.fees;
  const core::ChainParams& p = ctx.params;
  static const char* kPlaceholder = "\x02transactions\x02";
  const json head = {{"capabilities", json::array({"proposal"})},
                     {"version", p.template_version},
                     {"rules", json::array()},
                     {"vbavailable", json::object()},
                     {"vbrequired", 0},
                     {"previousblockhash", t.block.header.prev_block.to_display_hex()},
                     {"transactions", kPlaceholder},
                     {"coinbaseaux", json::object()},
                     {"coinbasevalue", coinbase_value},
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
  std::string text = head.dump();
  static const std::string dumped_placeholder = json(kPlaceholder).dump();
  text.replace(text.find(dumped_placeholder), dumped_placeholder.size(), cache.transactions_text);
  return std::make_shared<const std::string>(std::move(text));
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

void getblocktemplate(NodeContext& ctx, const std::shared_ptr<TemplateCache>& cache,
                      const json& params, RpcDone done) {
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
    done(RpcOutcome::success_raw(template_text(ctx, *cache)));
    return;
  }
  ctx.longpoll.wait(
      [&ctx, cache, done] { done(RpcOutcome::success_raw(template_text(ctx, *cache))); });
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

core::Hash256 submit_mined(NodeContext& ctx, BlockTemplate t, uint64_t& tries_left, bool submit,
                           std::string* hex_out) {
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
    // As Core's generatetoaddress: the block takes the pool's best transactions.
    BlockTemplate t = assemble_block(ctx.chain, ctx.mempool, script);
    hashes.push_back(submit_mined(ctx, std::move(t), tries, true, nullptr).to_display_hex());
  }
  return hashes;
}

// generateblock's list holds raw transactions or txids of pool transactions.
core::Transaction generateblock_tx(NodeContext& ctx, const std::string& s) {
  if (s.size() == 64) {
    auto txid = core::Hash256::from_display_hex(s);
    if (txid) {
      const MempoolEntry* e = ctx.mempool != nullptr ? ctx.mempool->get(*txid) : nullptr;
      if (e == nullptr) {
        throw RpcException{rpc_code::kInvalidAddressOrKey, "Transaction " + s + " not in mempool."};
      }
      return *e->tx;
    }
  }
  auto bytes = core::from_hex(s);
  auto tx = bytes ? core::Transaction::parse(*bytes)
                  : core::Result<core::Transaction>(core::fail("not hex"));
  if (!tx) {
    throw RpcException{
        rpc_code::kDeserializationError,
        "Transaction decode failed for " + s + ". Make sure the tx has at least one input."};
  }
  return std::move(*tx);
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
      txs.push_back(generateblock_tx(ctx, item.get<std::string>()));
    }
  }
  const bool submit = param_bool(params, 2, true);
  uint64_t tries = 1000000;
  std::string hex;
  // Core's generateblock pays the subsidy only: the transactions' fees are
  // not added to the coinbase.
  BlockTemplate t = make_block_template(ctx.chain, core::address_script(addr), std::move(txs));
  const core::Hash256 hash = submit_mined(ctx, std::move(t), tries, submit, &hex);
  json out = {{"hash", hash.to_display_hex()}};
  if (!submit) out["hex"] = hex;
  return out;
}

}  // namespace

void register_mining_rpcs(NodeContext& ctx) {
  RpcDispatcher& d = ctx.dispatcher;
  auto cache = std::make_shared<TemplateCache>();
  d.add({"getblocktemplate",
         "mining",
         {"template_request"},
         "getblocktemplate ( \"template_request\" )\n"
         "Returns a block template (BIP22/23). template_request: {\"mode\": "
         "\"template\"|\"proposal\", "
         "\"data\": hex (proposal), \"longpollid\": id (waits for a new tip)}.",
         [&ctx, cache](const json& params, RpcDone done) {
           getblocktemplate(ctx, cache, params, std::move(done));
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
                       {"pooledtx", ctx.mempool != nullptr ? ctx.mempool->size() : 0},
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
