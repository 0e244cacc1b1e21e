// Chain RPCs with Bitcoin Core's shapes: block and header queries, chain
// info and tips, the UTXO set (gettxout, gettxoutsetinfo), raw transactions
// and Merkle proofs (gettxoutproof / verifytxoutproof).

#include "core/hex.h"
#include "core/pow.h"
#include "core/txout_proof.h"
#include "node/node_context.h"
#include "node/rpc_util.h"

namespace btr::node {
namespace {

std::string chain_name(const core::ChainParams& p) {
  return p.network == core::Network::kTestnet ? "test" : std::string(p.name);
}

const BlockIndex* find_block(NodeContext& ctx, const core::Hash256& hash) {
  const BlockIndex* b = ctx.chain.lookup(hash);
  if (b == nullptr) throw RpcException{rpc_code::kInvalidAddressOrKey, "Block not found"};
  return b;
}

core::Block read_block_or_throw(NodeContext& ctx, const BlockIndex* b) {
  auto block = ctx.chain.read_block(b);
  if (!block) throw RpcException{rpc_code::kMiscError, "Block not available (pruned data)"};
  return std::move(*block);
}

json header_json(NodeContext& ctx, const BlockIndex* b) {
  const core::BlockHeader& h = b->rec.header;
  const BlockIndex* tip = ctx.chain.tip();
  const int confirmations = ctx.chain.in_active_chain(b) ? tip->height() - b->height() + 1 : -1;
  json j = {{"hash", b->hash().to_display_hex()},
            {"confirmations", confirmations},
            {"height", b->height()},
            {"version", h.version},
            {"versionHex", compact_hex(static_cast<uint32_t>(h.version))},
            {"merkleroot", h.merkle_root.to_display_hex()},
            {"time", h.time},
            {"mediantime", b->median_time_past()},
            {"nonce", h.nonce},
            {"bits", compact_hex(h.bits)},
            {"target", core::decode_compact(h.bits).target.to_hex()},
            {"difficulty", core::difficulty_from_bits(h.bits)},
            {"chainwork", b->rec.chain_work.to_hex()},
            {"nTx", b->rec.tx_count}};
  if (b->prev != nullptr) j["previousblockhash"] = b->prev->hash().to_display_hex();
  if (const BlockIndex* next = ctx.chain.next_in_chain(b); next != nullptr) {
    j["nextblockhash"] = next->hash().to_display_hex();
  }
  return j;
}

json getblock(NodeContext& ctx, const json& p) {
  const BlockIndex* b = find_block(ctx, param_hash(p, 0, "blockhash"));
  int64_t verbosity = 1;
  if (const json* v = param(p, 1); v != nullptr) {
    verbosity = v->is_boolean() ? (v->get<bool>() ? 1 : 0) : param_int(p, 1, "verbosity");
  }
  if (verbosity <= 0) {
    auto raw = ctx.chain.read_raw_block(b);
    if (!raw) throw RpcException{rpc_code::kMiscError, "Block not available (pruned data)"};
    return core::to_hex(*raw);
  }
  const core::Block block = read_block_or_throw(ctx, b);
  json j = header_json(ctx, b);
  j["size"] = b->rec.size;
  j["strippedsize"] = b->rec.size;
  j["weight"] = b->rec.size * 4;
  json txs = json::array();
  for (const core::Transaction& tx : block.transactions) {
    if (verbosity == 1)
      txs.push_back(tx.txid().to_display_hex());
    else
      txs.push_back(tx_json(tx, ctx.params.prefixes));
  }
  j["tx"] = std::move(txs);
  return j;
}

json getchaintips(NodeContext& ctx) {
  json out = json::array();
  for (const BlockIndex* t : ctx.chain.chain_tips()) {
    const BlockIndex* fork = t;
    while (fork != nullptr && !ctx.chain.in_active_chain(fork)) fork = fork->prev;
    std::string status = "active";
    if (!ctx.chain.in_active_chain(t)) {
      if (t->failed())
        status = "invalid";
      else if (!t->have_data())
        status = "headers-only";
      else if ((t->rec.status & block_status::kValid) != 0)
        status = "valid-fork";
      else
        status = "valid-headers";
    }
    out.push_back({{"height", t->height()},
                   {"hash", t->hash().to_display_hex()},
                   {"branchlen", fork != nullptr ? t->height() - fork->height() : t->height()},
                   {"status", status}});
  }
  return out;
}

json getblockchaininfo(NodeContext& ctx) {
  const BlockIndex* t = ctx.chain.tip();
  std::error_code ec;
  const auto db_size = std::filesystem::file_size(ctx.config.datadir / "chainstate.sqlite", ec);
  json j = {{"chain", chain_name(ctx.params)},
            {"blocks", t->height()},
            {"headers", t->height()},
            {"bestblockhash", t->hash().to_display_hex()},
            {"bits", compact_hex(t->rec.header.bits)},
            {"target", core::decode_compact(t->rec.header.bits).target.to_hex()},
            {"difficulty", core::difficulty_from_bits(t->rec.header.bits)},
            {"time", t->rec.header.time},
            {"mediantime", t->median_time_past()},
            {"verificationprogress", 1.0},
            {"initialblockdownload", false},
            {"chainwork", t->rec.chain_work.to_hex()},
            {"size_on_disk", ec ? 0 : db_size},
            {"pruned", ctx.config.prune_mib > 0},
            {"warnings", ""}};
  if (ctx.config.prune_mib > 0) j["prune_target_size"] = ctx.config.prune_mib * 1024 * 1024;
  return j;
}

json gettxout(NodeContext& ctx, const json& p) {
  const core::OutPoint op{param_hash(p, 0, "txid"), static_cast<uint32_t>(param_int(p, 1, "n"))};
  auto coin = ctx.chain.store().get_coin(op);
  if (!coin) throw RpcException{rpc_code::kInternalError, coin.error()};
  if (!*coin) return nullptr;
  const BlockIndex* t = ctx.chain.tip();
  return {{"bestblock", t->hash().to_display_hex()},
          {"confirmations", t->height() - static_cast<int32_t>((*coin)->height) + 1},
          {"value", amount_json((*coin)->out.value)},
          {"scriptPubKey", script_pubkey_json((*coin)->out.script_pubkey, ctx.params.prefixes)},
          {"coinbase", (*coin)->coinbase}};
}

json utxo_stats_json(NodeContext& ctx, const UtxoStats& s) {
  const BlockIndex* t = ctx.chain.tip();
  return {{"height", t->height()},
          {"bestblock", t->hash().to_display_hex()},
          {"txouts", s.txouts},
          {"transactions", s.transactions},
          {"bogosize", s.serialized_size},
          {"hash_serialized_3", s.hash.to_display_hex()},
          {"total_amount", amount_json(s.total_amount)}};
}

// Finds a transaction in a block (given, or from the transaction index).
json getrawtransaction(NodeContext& ctx, const json& p) {
  const core::Hash256 txid = param_hash(p, 0, "txid");
  int64_t verbosity = 0;
  if (const json* v = param(p, 1); v != nullptr) {
    verbosity = v->is_boolean() ? (v->get<bool>() ? 1 : 0) : param_int(p, 1, "verbose");
  }
  const BlockIndex* b = nullptr;
  if (param(p, 2) != nullptr) {
    b = find_block(ctx, param_hash(p, 2, "blockhash"));
  } else if (ctx.config.txindex) {
    if (auto h = ctx.chain.store().find_tx(txid)) b = ctx.chain.lookup(*h);
  } else {
    throw RpcException{
        rpc_code::kInvalidAddressOrKey,
        "No such mempool transaction. Use -txindex or provide a block hash to enable "
        "blockchain transaction queries."};
  }
  if (b == nullptr) {
    throw RpcException{rpc_code::kInvalidAddressOrKey,
                       "No such mempool or blockchain transaction."};
  }
  const core::Block block = read_block_or_throw(ctx, b);
  for (const core::Transaction& tx : block.transactions) {
    if (tx.txid() != txid) continue;
    const std::string hex = core::to_hex(tx.serialize());
    if (verbosity == 0) return hex;
    json j = tx_json(tx, ctx.params.prefixes);
    j["hex"] = hex;
    j["blockhash"] = b->hash().to_display_hex();
    if (ctx.chain.in_active_chain(b)) {
      j["confirmations"] = ctx.chain.tip()->height() - b->height() + 1;
      j["time"] = b->rec.header.time;
      j["blocktime"] = b->rec.header.time;
    }
    return j;
  }
  throw RpcException{rpc_code::kInvalidAddressOrKey,
                     "No such transaction found in the provided block."};
}

json gettxoutproof(NodeContext& ctx, const json& p) {
  const json* list = param(p, 0);
  if (list == nullptr || !list->is_array() || list->empty()) {
    throw RpcException{rpc_code::kInvalidParameter, "Parameter 'txids' must be a non-empty array"};
  }
  std::vector<core::Hash256> wanted;
  for (size_t i = 0; i < list->size(); ++i) wanted.push_back(param_hash(*list, i, "txid"));
  const BlockIndex* b = nullptr;
  if (param(p, 1) != nullptr) {
    b = find_block(ctx, param_hash(p, 1, "blockhash"));
  } else if (auto h = ctx.chain.store().find_tx(wanted[0])) {
    b = ctx.chain.lookup(*h);
  }
  if (b == nullptr)
    throw RpcException{rpc_code::kInvalidAddressOrKey, "Transaction not yet in block"};
  const core::Block block = read_block_or_throw(ctx, b);
  const std::vector<core::Hash256> txids = block.txids();
  std::vector<bool> match(txids.size(), false);
  size_t found = 0;
  for (size_t i = 0; i < txids.size(); ++i) {
    if (std::find(wanted.begin(), wanted.end(), txids[i]) != wanted.end()) {
      match[i] = true;
      ++found;
    }
  }
  if (found != wanted.size()) {
    throw RpcException{rpc_code::kInvalidAddressOrKey,
                       "Not all transactions found in specified or retrieved block"};
  }
  return core::to_hex(core::make_txout_proof(block.header, txids, match).encode());
}

json verifytxoutproof(NodeContext& ctx, const json& p) {
  auto proof = core::TxOutProof::decode(param_hex(p, 0, "proof"));
  if (!proof)
    throw RpcException{rpc_code::kDeserializationError, "Proof decode failed: " + proof.error()};
  auto txids = core::verify_txout_proof(*proof);
  json out = json::array();
  if (!txids) return out;
  const BlockIndex* b = ctx.chain.lookup(proof->header.hash());
  if (b == nullptr || !ctx.chain.in_active_chain(b)) {
    throw RpcException{rpc_code::kInvalidAddressOrKey, "Block not found in chain"};
  }
  for (const core::Hash256& id : *txids) out.push_back(id.to_display_hex());
  return out;
}

json validateaddress(NodeContext& ctx, const json& p) {
  const std::string text = param_string(p, 0, "address");
  auto addr = core::decode_address(text, ctx.params.prefixes);
  if (!addr) return {{"isvalid", false}, {"error", addr.error()}};
  return {{"isvalid", true},
          {"address", core::encode_address(*addr, ctx.params.prefixes)},
          {"scriptPubKey", core::to_hex(core::address_script(*addr))},
          {"isscript", addr->type == core::AddressType::kP2sh},
          {"iswitness", false}};
}

}  // namespace

void register_blockchain_rpcs(NodeContext& ctx) {
  RpcDispatcher& d = ctx.dispatcher;
  auto add = [&d](std::string name, std::vector<std::string> args, std::string help,
                  std::function<json(const json&)> fn) {
    d.add({std::move(name), "blockchain", std::move(args), std::move(help),
           sync_handler(std::move(fn))});
  };
  add("getbestblockhash", {}, "getbestblockhash\nHash of the best (tip) block.",
      [&ctx](const json&) { return ctx.chain.tip()->hash().to_display_hex(); });
  add("getblockcount", {}, "getblockcount\nHeight of the best block.",
      [&ctx](const json&) { return ctx.chain.tip()->height(); });
  add("getblockhash", {"height"}, "getblockhash height\nHash of the active-chain block at height.",
      [&ctx](const json& p) {
        const int64_t h = param_int(p, 0, "height");
        const BlockIndex* b = h >= 0 && h <= ctx.chain.tip()->height()
                                  ? ctx.chain.at_height(static_cast<int32_t>(h))
                                  : nullptr;
        if (b == nullptr)
          throw RpcException{rpc_code::kInvalidParameter, "Block height out of range"};
        return b->hash().to_display_hex();
      });
  add("getblockheader", {"blockhash", "verbose"},
      "getblockheader \"blockhash\" ( verbose )\nHeader as an object, or hex with verbose=false.",
      [&ctx](const json& p) -> json {
        const BlockIndex* b = find_block(ctx, param_hash(p, 0, "blockhash"));
        if (!param_bool(p, 1, true)) return core::to_hex(b->rec.header.serialize());
        return header_json(ctx, b);
      });
  add("getblock", {"blockhash", "verbosity"},
      "getblock \"blockhash\" ( verbosity )\n0: hex, 1: object with txids (default), 2: with "
      "decoded transactions.",
      [&ctx](const json& p) { return getblock(ctx, p); });
  add("getblockchaininfo", {}, "getblockchaininfo\nState of the chain.",
      [&ctx](const json&) { return getblockchaininfo(ctx); });
  add("getchaintips", {}, "getchaintips\nEvery tip of the block tree, with its status.",
      [&ctx](const json&) { return getchaintips(ctx); });
  add("getdifficulty", {},
      "getdifficulty\nDifficulty of the best block (difficulty 1 = 0x1d00ffff).",
      [&ctx](const json&) { return core::difficulty_from_bits(ctx.chain.tip()->rec.header.bits); });
  add("preciousblock", {"blockhash"},
      "preciousblock \"blockhash\"\nTreats the block as received first among chains of equal work.",
      [&ctx](const json& p) -> json {
        const core::Hash256 h = param_hash(p, 0, "blockhash");
        if (auto st = ctx.chain.precious_block(h); !st) {
          throw RpcException{rpc_code::kInvalidAddressOrKey, st.error()};
        }
        return nullptr;
      });
  add("gettxout", {"txid", "n", "include_mempool"},
      "gettxout \"txid\" n ( include_mempool )\nAn unspent output, or null.",
      [&ctx](const json& p) { return gettxout(ctx, p); });
  add("gettxoutsetinfo", {"hash_type", "hash_or_height", "use_index"},
      "gettxoutsetinfo\nStatistics of the UTXO set; hash_serialized_3 is SHA256d over the coins in "
      "(txid, n) order, the same hash btr-node --verify-utxo computes by replay.",
      [&ctx](const json&) {
        auto s = ctx.chain.store().utxo_stats();
        if (!s) throw RpcException{rpc_code::kInternalError, s.error()};
        return utxo_stats_json(ctx, *s);
      });
  add("getrawtransaction", {"txid", "verbose", "blockhash"},
      "getrawtransaction \"txid\" ( verbose \"blockhash\" )\nA transaction from a block (needs "
      "-txindex or the block hash).",
      [&ctx](const json& p) { return getrawtransaction(ctx, p); });
  add("decoderawtransaction", {"hexstring", "iswitness"},
      "decoderawtransaction \"hexstring\"\nThe transaction as an object.", [&ctx](const json& p) {
        auto bytes = param_hex(p, 0, "hexstring");
        auto tx = core::parse_transaction_bip144(bytes);
        if (!tx) throw RpcException{rpc_code::kDeserializationError, "TX decode failed"};
        return tx_json(tx->tx, ctx.params.prefixes);
      });
  add("gettxoutproof", {"txids", "blockhash"},
      "gettxoutproof [\"txid\",...] ( \"blockhash\" )\nHex proof that the transactions are in a "
      "block.",
      [&ctx](const json& p) { return gettxoutproof(ctx, p); });
  add("verifytxoutproof", {"proof"},
      "verifytxoutproof \"proof\"\nThe txids the proof commits to, if its block is in the best "
      "chain.",
      [&ctx](const json& p) { return verifytxoutproof(ctx, p); });
  add("validateaddress", {"address"},
      "validateaddress \"address\"\nisvalid, address, scriptPubKey, isscript, iswitness.",
      [&ctx](const json& p) { return validateaddress(ctx, p); });
}

}  // namespace btr::node
