// Wallet RPCs with Bitcoin Core's names, argument lists, result shapes and
// error codes: addresses, balances, listings, sending, key import/export and
// the passphrase commands. The wallet itself (node/wallet/) knows nothing of
// JSON; reasons it returns are mapped to Core's codes and messages here.

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <map>

#include "core/hex.h"
#include "core/script/standard.h"
#include "node/chain_state.h"
#include "node/fee_estimator.h"
#include "node/rpc_util.h"
#include "node/rpc_wallet.h"
#include "node/wallet/wallet.h"

namespace btr::node {
namespace {

using wallet::Wallet;

constexpr const char* kUnlockNeeded =
    "Error: Please enter the wallet passphrase with walletpassphrase first.";
constexpr int64_t kMaxUnlockSeconds = 100'000'000;  // Core's cap

[[noreturn]] void throw_wallet_error(const std::string& reason) {
  if (reason == "wallet-locked") throw RpcException{rpc_code::kWalletUnlockNeeded, kUnlockNeeded};
  if (reason == "wallet-passphrase-incorrect") {
    throw RpcException{rpc_code::kWalletPassphraseIncorrect,
                       "Error: The wallet passphrase entered was incorrect."};
  }
  if (reason == "insufficient-funds") {
    throw RpcException{rpc_code::kWalletInsufficientFunds, "Insufficient funds"};
  }
  if (reason == "amount-too-small") {
    throw RpcException{rpc_code::kWalletInsufficientFunds, "Transaction amount too small"};
  }
  if (reason == "fee-too-high") {
    throw RpcException{rpc_code::kWalletInsufficientFunds,
                       "Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)"};
  }
  throw RpcException{rpc_code::kWalletError, reason};
}

std::string address_of(const NodeContext& ctx, const core::Hash160& key_hash) {
  return core::encode_address({core::AddressType::kP2pkh, key_hash}, ctx.params.prefixes);
}

// The address an output pays to ("" for scripts without one).
std::string output_address(const NodeContext& ctx, const core::TxOut& out) {
  const auto cls = core::script::classify_output(out.script_pubkey);
  core::Address a;
  if (cls.type == core::script::OutputType::kPubKeyHash ||
      cls.type == core::script::OutputType::kScriptHash) {
    a.type = cls.type == core::script::OutputType::kPubKeyHash ? core::AddressType::kP2pkh
                                                               : core::AddressType::kP2sh;
    std::copy(cls.solutions[0].begin(), cls.solutions[0].end(), a.hash.bytes.begin());
    return core::encode_address(a, ctx.params.prefixes);
  }
  if (cls.type == core::script::OutputType::kPubKey) {
    return address_of(ctx, core::hash160(cls.solutions[0]));
  }
  return "";
}

std::string label_of(const Wallet& w, const core::Hash160& h) {
  const wallet::KeyRow* k = const_cast<Wallet&>(w).keys().find(h);
  return k != nullptr ? k->label : "";
}

std::string label_param(const json& p, size_t i) {
  const json* v = param(p, i);
  if (v == nullptr) return "";
  if (!v->is_string()) throw RpcException{rpc_code::kTypeError, "label must be a string"};
  if (v->get<std::string>() == "*") {
    throw RpcException{-11, "Invalid label name"};  // Core's RPC_WALLET_INVALID_LABEL_NAME
  }
  return v->get<std::string>();
}

// --- addresses and keys -----------------------------------------------------

json getnewaddress(NodeContext& ctx, Wallet& w, const json& p, int chain) {
  const std::string label = chain == wallet::kExternalChain ? label_param(p, 0) : "";
  if (const json* type = param(p, chain == wallet::kExternalChain ? 1 : 0); type != nullptr) {
    if (!type->is_string() || type->get<std::string>() != "legacy") {
      throw RpcException{rpc_code::kInvalidAddressOrKey,
                         "Unknown address type '" +
                             (type->is_string() ? type->get<std::string>() : type->dump()) +
                             "' (BitSilver has legacy addresses only)"};
    }
  }
  auto h = w.keys().new_key(chain, label);
  if (!h) throw RpcException{rpc_code::kWalletError, "Error: " + h.error()};
  return address_of(ctx, *h);
}

json dumpprivkey(NodeContext& ctx, Wallet& w, const json& p) {
  const std::string text = param_string(p, 0, "address");
  auto addr = core::decode_address(text, ctx.params.prefixes);
  if (!addr) throw RpcException{rpc_code::kInvalidAddressOrKey, "Invalid address"};
  if (addr->type != core::AddressType::kP2pkh) {
    throw RpcException{rpc_code::kTypeError, "Address does not refer to a key"};
  }
  w.keys().relock_if_due();
  const wallet::KeyRow* row = w.keys().find(addr->hash);
  if (row == nullptr) {
    throw RpcException{rpc_code::kWalletError, "Private key for address " + text + " is not known"};
  }
  auto key = w.keys().private_key(addr->hash);
  if (!key) throw_wallet_error(key.error());
  return core::encode_wif(*key, row->pubkey.size() == core::kCompressedPubKeySize,
                          ctx.params.prefixes);
}

json importprivkey(NodeContext& ctx, Wallet& w, const json& p) {
  const std::string text = param_string(p, 0, "privkey");
  const std::string label = label_param(p, 1);
  const bool rescan = param_bool(p, 2, true);
  w.keys().relock_if_due();
  if (w.keys().locked()) throw_wallet_error("wallet-locked");
  auto wif = core::decode_wif(text, ctx.params.prefixes);
  if (!wif) throw RpcException{rpc_code::kInvalidAddressOrKey, "Invalid private key encoding"};
  auto h = w.keys().import_key(wif->key, wif->compressed, label);
  if (!h) throw_wallet_error(h.error());
  if (rescan) {
    if (auto st = w.rescan(0); !st) throw RpcException{rpc_code::kMiscError, st.error()};
  }
  return nullptr;
}

json getaddressinfo(NodeContext& ctx, Wallet& w, const json& p) {
  const std::string text = param_string(p, 0, "address");
  auto addr = core::decode_address(text, ctx.params.prefixes);
  if (!addr) throw RpcException{rpc_code::kInvalidAddressOrKey, "Invalid address"};
  const core::Script script = core::address_script(*addr);
  const wallet::KeyRow* key =
      addr->type == core::AddressType::kP2pkh ? w.keys().find(addr->hash) : nullptr;
  json j = {{"address", text},
            {"scriptPubKey", core::to_hex(script)},
            {"ismine", key != nullptr},
            {"iswatchonly", false},
            {"solvable", key != nullptr},
            {"isscript", addr->type == core::AddressType::kP2sh},
            {"iswitness", false},
            {"ischange", key != nullptr && key->chain == wallet::kInternalChain},
            {"labels", json::array()}};
  if (key == nullptr) return j;
  j["pubkey"] = core::to_hex(key->pubkey);
  j["iscompressed"] = key->pubkey.size() == core::kCompressedPubKeySize;
  j["timestamp"] = key->created;
  if (key->chain != wallet::kImportedChain) {
    j["hdkeypath"] = "m/0'/" + std::to_string(key->chain) + "/" + std::to_string(key->index);
    j["hdseedid"] = core::to_hex(w.keys().seed_id().bytes);
  }
  j["labels"].push_back(key->label);
  return j;
}

// --- balances -----------------------------------------------------------------

int32_t minconf_param(const json& p, size_t i, int32_t fallback) {
  const auto v = param_int_opt(p, i, "minconf");
  if (!v) return fallback;
  if (*v < 0) throw RpcException{rpc_code::kInvalidParameter, "Invalid minconf (must be >= 0)"};
  return static_cast<int32_t>(std::min<int64_t>(*v, INT32_MAX));
}

json getbalance(Wallet& w, const json& p) {
  if (const json* dummy = param(p, 0); dummy != nullptr && *dummy != "*") {
    throw RpcException{-32,  // Core's RPC_METHOD_DEPRECATED
                       "dummy first argument must be excluded or set to \"*\"."};
  }
  // Default: funds that have "arrived" (chain.md: 6 confirmations).
  return amount_json(w.balance(minconf_param(p, 1, w.params().arrival_confirmations)));
}

json getbalances(Wallet& w) {
  const wallet::Balances b = w.balances();
  json j = {{"mine",
             {{"trusted", amount_json(b.trusted)},
              {"untrusted_pending", amount_json(b.untrusted_pending)},
              {"immature", amount_json(b.immature)},
              {"arrived", amount_json(b.arrived)}}}};
  if (const BlockIndex* last = w.last_processed(); last != nullptr) {
    j["lastprocessedblock"] = {{"hash", last->hash().to_display_hex()}, {"height", last->height()}};
  }
  return j;
}

json getwalletinfo(Wallet& w) {
  w.keys().relock_if_due();
  const wallet::Balances b = w.balances();
  json j = {{"walletname", ""},
            {"walletversion", 169900},
            {"format", "sqlite"},
            {"balance", amount_json(b.trusted)},
            {"unconfirmed_balance", amount_json(b.untrusted_pending)},
            {"immature_balance", amount_json(b.immature)},
            {"arrived_balance", amount_json(b.arrived)},
            {"txcount", w.transactions().size()},
            {"keypoolsize", w.keys().pool_size(wallet::kExternalChain)},
            {"keypoolsize_hd_internal", w.keys().pool_size(wallet::kInternalChain)},
            {"paytxfee", amount_json(w.pay_tx_fee())},
            {"hdseedid", core::to_hex(w.keys().seed_id().bytes)},
            {"private_keys_enabled", true},
            {"avoid_reuse", false},
            {"scanning", false},
            {"descriptors", false}};
  if (w.keys().encrypted()) j["unlocked_until"] = w.keys().unlocked_until();
  return j;
}

// --- listings -------------------------------------------------------------

json listunspent(NodeContext& ctx, Wallet& w, const json& p) {
  const int32_t minconf = minconf_param(p, 0, 1);
  const int64_t maxconf = param_int_opt(p, 1, "maxconf").value_or(9'999'999);
  std::set<core::Hash160> only;
  if (const json* addrs = param(p, 2); addrs != nullptr) {
    if (!addrs->is_array()) throw RpcException{rpc_code::kTypeError, "addresses must be an array"};
    for (const json& a : *addrs) {
      const std::string s = a.is_string() ? a.get<std::string>() : a.dump();
      if (!only.insert(address_param(ctx, s).hash).second) {
        throw RpcException{rpc_code::kInvalidParameter,
                           "Invalid parameter, duplicated address: " + s};
      }
    }
  }
  const bool include_unsafe = param_bool(p, 3, true);
  json out = json::array();
  for (const wallet::WalletOutput& o : w.outputs()) {
    const wallet::OutputState& s = o.state;
    if (s.spent || s.depth < 0 || wallet::is_immature(s, w.rules())) continue;
    if (s.depth < minconf || s.depth > maxconf) continue;
    const bool safe = s.depth > 0 || s.trusted;
    if (!safe && !include_unsafe) continue;
    if (!only.empty() && only.count(o.key_hash) == 0) continue;
    out.push_back({{"txid", o.outpoint.txid.to_display_hex()},
                   {"vout", o.outpoint.index},
                   {"address", address_of(ctx, o.key_hash)},
                   {"label", label_of(w, o.key_hash)},
                   {"scriptPubKey", core::to_hex(o.out.script_pubkey)},
                   {"amount", amount_json(o.out.value)},
                   {"confirmations", s.depth},
                   {"spendable", true},
                   {"solvable", true},
                   {"safe", safe}});
  }
  return out;
}

// The fields every listtransactions entry of a transaction shares.
void add_tx_fields(NodeContext& ctx, Wallet& w, const wallet::WalletTx& wtx, json& e) {
  const int32_t depth = w.depth(wtx);
  e["confirmations"] = std::max(depth, 0);
  if (wtx.tx.is_coinbase()) e["generated"] = true;
  if (depth > 0) {
    const BlockIndex* b = ctx.chain.lookup(*wtx.row.block_hash);
    e["blockhash"] = b->hash().to_display_hex();
    e["blockheight"] = b->height();
    e["blockindex"] = wtx.row.block_pos;
    e["blocktime"] = b->rec.header.time;
  } else {
    e["trusted"] = w.trusted(wtx);
  }
  e["txid"] = wtx.row.txid.to_display_hex();
  e["time"] = wtx.row.time_received;
  e["timereceived"] = wtx.row.time_received;
  e["bip125-replaceable"] = "no";
}

void tx_entries(NodeContext& ctx, Wallet& w, const wallet::WalletTx& wtx, json& out) {
  const core::Amount debit = w.debit(wtx.tx);
  const int32_t depth = w.depth(wtx);
  core::Amount fee = 0;
  if (debit > 0) {
    core::Amount outs = 0;
    for (const core::TxOut& o : wtx.tx.outputs) outs += o.value;
    fee = debit - outs;
  }
  for (size_t n = 0; n < wtx.tx.outputs.size(); ++n) {
    const core::TxOut& o = wtx.tx.outputs[n];
    const auto mine = w.is_mine(o);
    const wallet::KeyRow* key = mine ? w.keys().find(*mine) : nullptr;
    if (debit > 0 && (key == nullptr || key->chain != wallet::kInternalChain)) {
      json e = {{"address", output_address(ctx, o)}, {"category", "send"},
                {"amount", amount_json(-o.value)},   {"vout", n},
                {"fee", amount_json(-fee)},          {"abandoned", false}};
      if (mine) e["label"] = key->label;
      add_tx_fields(ctx, w, wtx, e);
      out.push_back(std::move(e));
    }
    if (!mine || (debit > 0 && key->chain == wallet::kInternalChain)) continue;  // change
    std::string category = "receive";
    if (wtx.tx.is_coinbase()) {
      category = depth < 1                              ? "orphan"
                 : depth < w.params().coinbase_maturity ? "immature"
                                                        : "generate";
    }
    json e = {{"address", address_of(ctx, *mine)},
              {"category", category},
              {"amount", amount_json(o.value)},
              {"label", key->label},
              {"vout", n}};
    add_tx_fields(ctx, w, wtx, e);
    out.push_back(std::move(e));
  }
}

json listtransactions(NodeContext& ctx, Wallet& w, const json& p) {
  if (const json* label = param(p, 0); label != nullptr && !label->is_string()) {
    throw RpcException{rpc_code::kTypeError, "label must be a string"};
  }
  const std::string label = param(p, 0) != nullptr ? p[0].get<std::string>() : "*";
  const int64_t count = param_int_opt(p, 1, "count").value_or(10);
  const int64_t skip = param_int_opt(p, 2, "skip").value_or(0);
  if (count < 0) throw RpcException{rpc_code::kInvalidParameter, "Negative count"};
  if (skip < 0) throw RpcException{rpc_code::kInvalidParameter, "Negative from"};
  // Oldest first: chain order, then the unconfirmed by arrival.
  std::vector<const wallet::WalletTx*> order;
  for (const auto& [txid, wtx] : w.transactions()) order.push_back(&wtx);
  const auto key = [&w](const wallet::WalletTx* t) {
    const int32_t d = w.depth(*t);
    return std::make_tuple(d > 0 ? t->row.block_height : INT32_MAX, d > 0 ? t->row.block_pos : 0,
                           t->row.time_received, t->row.txid);
  };
  std::sort(order.begin(), order.end(), [&](auto* a, auto* b) { return key(a) < key(b); });
  json all = json::array();
  for (const wallet::WalletTx* t : order) tx_entries(ctx, w, *t, all);
  json out = json::array();
  if (label != "*") {
    for (json& e : all) {
      if (e.value("label", std::string()) == label) out.push_back(std::move(e));
    }
    all = std::move(out);
    out = json::array();
  }
  const int64_t total = static_cast<int64_t>(all.size());
  const int64_t end = std::max<int64_t>(0, total - skip);
  const int64_t begin = std::max<int64_t>(0, end - count);
  for (int64_t i = begin; i < end; ++i) out.push_back(std::move(all[static_cast<size_t>(i)]));
  return out;
}

json gettransaction(NodeContext& ctx, Wallet& w, const json& p) {
  const core::Hash256 txid = param_hash(p, 0, "txid");
  const wallet::WalletTx* wtx = w.find_tx(txid);
  if (wtx == nullptr) {
    throw RpcException{rpc_code::kInvalidAddressOrKey, "Invalid or non-wallet transaction id"};
  }
  const core::Amount debit = w.debit(wtx->tx);
  core::Amount outs = 0;
  for (const core::TxOut& o : wtx->tx.outputs) outs += o.value;
  json j = {{"amount", amount_json(w.credit(wtx->tx) - debit + (debit > 0 ? debit - outs : 0))}};
  if (debit > 0) j["fee"] = amount_json(outs - debit);
  add_tx_fields(ctx, w, *wtx, j);
  json details = json::array();
  tx_entries(ctx, w, *wtx, details);
  for (json& d : details) {
    for (const char* k :
         {"confirmations", "blockhash", "blockheight", "blockindex", "blocktime", "txid", "time",
          "timereceived", "bip125-replaceable", "trusted", "generated"}) {
      d.erase(k);
    }
  }
  j["details"] = std::move(details);
  j["hex"] = core::to_hex(wtx->row.raw);
  return j;
}

// --- sending -----------------------------------------------------------------

// fee_rate (units per byte, Core's sat/vB) or conf_target; never both.
core::Amount send_fee_rate(Wallet& w, const json& p, size_t conf_i, size_t rate_i,
                           std::string* reason) {
  const json* target = param(p, conf_i);
  const json* rate = param(p, rate_i);
  if (target != nullptr && rate != nullptr) {
    throw RpcException{rpc_code::kInvalidParameter,
                       "Cannot specify both conf_target and fee_rate. Please provide either a "
                       "confirmation target in blocks for automatic fee estimation, or an explicit "
                       "fee rate."};
  }
  std::optional<core::Amount> explicit_rate;
  if (rate != nullptr) {
    // sat/vB as a number of base units per byte, 3 decimals at most.
    double per_byte = -1;
    if (rate->is_number()) {
      per_byte = rate->get<double>();
    } else if (rate->is_string()) {
      const std::string text = rate->get<std::string>();
      char* end = nullptr;
      per_byte = std::strtod(text.c_str(), &end);
      if (text.empty() || end != text.c_str() + text.size()) per_byte = -1;
    }
    if (!(per_byte >= 0) || per_byte > 1e8) {
      throw RpcException{rpc_code::kInvalidParameter, "Invalid fee_rate"};
    }
    explicit_rate = static_cast<core::Amount>(std::llround(per_byte * 1000));
  }
  const int conf = static_cast<int>(param_int_opt(p, conf_i, "conf_target").value_or(6));
  return w.fee_rate(explicit_rate, conf, reason);
}

json send(Wallet& w, const std::vector<wallet::Recipient>& to, core::Amount rate,
          const std::string& fee_reason, int32_t minconf, bool verbose) {
  auto created = w.create_transaction(to, rate, minconf);
  if (!created) throw_wallet_error(created.error());
  const MempoolAcceptResult r = w.commit(created->tx);
  if (!r.accepted) {
    throw RpcException{r.kind == MempoolAcceptResult::Kind::kMissingInputs
                           ? rpc_code::kVerifyError
                           : rpc_code::kVerifyRejected,
                       r.message()};
  }
  const std::string txid = created->tx.txid().to_display_hex();
  if (!verbose) return txid;
  return {{"txid", txid}, {"fee_reason", fee_reason}};
}

json sendtoaddress(NodeContext& ctx, Wallet& w, const json& p) {
  const core::Address addr = address_param(ctx, param_string(p, 0, "address"));
  const json* amount = param(p, 1);
  if (amount == nullptr) throw RpcException{rpc_code::kInvalidParameter, "Missing amount"};
  const core::Amount value = coin_amount_param(*amount);
  if (value <= 0) throw RpcException{rpc_code::kTypeError, "Invalid amount for send"};
  wallet::Recipient r{core::address_script(addr), value, param_bool(p, 4, false)};
  std::string reason;
  const core::Amount rate = send_fee_rate(w, p, 6, 9, &reason);
  return send(w, {r}, rate, reason, 1, param_bool(p, 10, false));
}

json sendmany(NodeContext& ctx, Wallet& w, const json& p) {
  if (const json* dummy = param(p, 0); dummy != nullptr && *dummy != "") {
    throw RpcException{rpc_code::kInvalidParameter, "Dummy value must be set to \"\", or excluded"};
  }
  const json* amounts = param(p, 1);
  if (amounts == nullptr || !amounts->is_object() || amounts->empty()) {
    throw RpcException{rpc_code::kInvalidParameter, "Transaction must have at least one recipient"};
  }
  std::set<std::string> subtract;
  if (const json* s = param(p, 4); s != nullptr) {
    if (!s->is_array())
      throw RpcException{rpc_code::kTypeError, "subtractfeefrom must be an array"};
    for (const json& a : *s) subtract.insert(a.is_string() ? a.get<std::string>() : a.dump());
  }
  std::vector<wallet::Recipient> to;
  for (const auto& [address, amount] : amounts->items()) {
    const core::Address addr = address_param(ctx, address);
    const core::Amount value = coin_amount_param(amount);
    if (value <= 0) throw RpcException{rpc_code::kTypeError, "Invalid amount for send"};
    to.push_back({core::address_script(addr), value, subtract.count(address) != 0});
  }
  std::string reason;
  const core::Amount rate = send_fee_rate(w, p, 6, 8, &reason);
  return send(w, to, rate, reason, minconf_param(p, 2, 1), param_bool(p, 9, false));
}

json settxfee(Wallet& w, const json& p) {
  const json* v = param(p, 0);
  if (v == nullptr) throw RpcException{rpc_code::kInvalidParameter, "Missing amount"};
  const core::Amount per_kb = coin_amount_param(*v);
  if (per_kb != 0 && per_kb < w.relay_floor()) {
    throw RpcException{rpc_code::kInvalidParameter, "txfee cannot be less than min relay tx fee"};
  }
  if (per_kb > w.options().max_fee) {
    throw RpcException{rpc_code::kInvalidParameter, "txfee cannot be more than wallet max tx fee"};
  }
  w.set_pay_tx_fee(per_kb);
  return true;
}

json signrawtransactionwithwallet(NodeContext& ctx, Wallet& w, const json& p) {
  core::Transaction tx = tx_param(p, 0);
  const auto inputs = spent_outputs(ctx, tx, param(p, 1));
  const int32_t hash_type = sighash_param(p, 2);
  std::vector<core::TxOut> spent;
  for (const auto& in : inputs) spent.push_back(in.spent);
  const auto errors = w.sign(tx, spent, hash_type);
  return sign_result(tx, errors);
}

// --- passphrase ----------------------------------------------------------------

json encryptwallet(Wallet& w, const json& p) {
  const std::string pass = param_string(p, 0, "passphrase");
  if (w.keys().encrypted()) {
    throw RpcException{rpc_code::kWalletWrongEncState,
                       "Error: running with an encrypted wallet, but encryptwallet was called."};
  }
  if (pass.empty()) throw RpcException{rpc_code::kInvalidParameter, "passphrase cannot be empty"};
  if (auto st = w.keys().encrypt(pass); !st) {
    throw RpcException{-16, "Error: Failed to encrypt the wallet: " + st.error()};
  }
  // The HD seed is kept (it is now stored encrypted), so older unencrypted
  // backups of wallet.sqlite still hold it: the message says so.
  return "wallet encrypted; the HD seed and imported keys are stored encrypted from now on. "
         "Earlier unencrypted backups still hold the seed: replace them with a new backup.";
}

void require_encrypted(Wallet& w, const char* method) {
  if (!w.keys().encrypted()) {
    throw RpcException{
        rpc_code::kWalletWrongEncState,
        std::string("Error: running with an unencrypted wallet, but ") + method + " was called."};
  }
}

json walletpassphrase(Wallet& w, const json& p) {
  require_encrypted(w, "walletpassphrase");
  const std::string pass = param_string(p, 0, "passphrase");
  int64_t timeout = param_int(p, 1, "timeout");
  if (timeout < 0) {
    throw RpcException{rpc_code::kInvalidParameter, "Timeout cannot be negative."};
  }
  timeout = std::min(timeout, kMaxUnlockSeconds);
  if (pass.empty()) throw RpcException{rpc_code::kInvalidParameter, "passphrase cannot be empty"};
  if (auto st = w.keys().unlock(pass, timeout); !st) throw_wallet_error(st.error());
  return nullptr;
}

json walletpassphrasechange(Wallet& w, const json& p) {
  require_encrypted(w, "walletpassphrasechange");
  const std::string old_pass = param_string(p, 0, "oldpassphrase");
  const std::string new_pass = param_string(p, 1, "newpassphrase");
  if (old_pass.empty() || new_pass.empty()) {
    throw RpcException{rpc_code::kInvalidParameter, "passphrase cannot be empty"};
  }
  if (auto st = w.keys().change_passphrase(old_pass, new_pass); !st) throw_wallet_error(st.error());
  return nullptr;
}

json walletlock(Wallet& w) {
  require_encrypted(w, "walletlock");
  w.keys().lock();
  return nullptr;
}

}  // namespace

void register_wallet_rpcs(NodeContext& ctx, Wallet& w) {
  RpcDispatcher& d = ctx.dispatcher;
  const auto add = [&d](std::string name, std::vector<std::string> args, std::string help,
                        std::function<json(const json&)> fn) {
    d.add(
        {std::move(name), "wallet", std::move(args), std::move(help), sync_handler(std::move(fn))});
  };
  add("getnewaddress", {"label", "address_type"},
      "getnewaddress ( \"label\" \"address_type\" )\nA new receiving address (P2PKH).",
      [&ctx, &w](const json& p) { return getnewaddress(ctx, w, p, wallet::kExternalChain); });
  add("getrawchangeaddress", {"address_type"},
      "getrawchangeaddress ( \"address_type\" )\nA new change address.",
      [&ctx, &w](const json& p) { return getnewaddress(ctx, w, p, wallet::kInternalChain); });
  add("getaddressinfo", {"address"},
      "getaddressinfo \"address\"\nWhat the wallet knows of an address (ismine, hdkeypath, ...).",
      [&ctx, &w](const json& p) { return getaddressinfo(ctx, w, p); });
  add("getbalance", {"dummy", "minconf", "include_watchonly", "avoid_reuse"},
      "getbalance ( \"*\" minconf )\nSpendable balance with at least minconf confirmations "
      "(default 6: arrived funds, chain.md); coinbases count once mature (100).",
      [&w](const json& p) { return getbalance(w, p); });
  add("getbalances", {}, "getbalances\nTrusted, pending, immature and arrived balances.",
      [&w](const json&) { return getbalances(w); });
  add("getwalletinfo", {}, "getwalletinfo\nWallet state.",
      [&w](const json&) { return getwalletinfo(w); });
  add("listunspent", {"minconf", "maxconf", "addresses", "include_unsafe", "query_options"},
      "listunspent ( minconf maxconf [\"address\",...] include_unsafe )\nSpendable outputs.",
      [&ctx, &w](const json& p) { return listunspent(ctx, w, p); });
  add("listtransactions", {"label", "count", "skip", "include_watchonly"},
      "listtransactions ( \"label\" count skip )\nThe most recent wallet transactions.",
      [&ctx, &w](const json& p) { return listtransactions(ctx, w, p); });
  add("gettransaction", {"txid", "include_watchonly", "verbose"},
      "gettransaction \"txid\"\nA wallet transaction.",
      [&ctx, &w](const json& p) { return gettransaction(ctx, w, p); });
  add("sendtoaddress",
      {"address", "amount", "comment", "comment_to", "subtractfeefromamount", "replaceable",
       "conf_target", "estimate_mode", "avoid_reuse", "fee_rate", "verbose"},
      "sendtoaddress \"address\" amount ( \"comment\" \"comment_to\" subtractfeefromamount "
      "replaceable conf_target \"estimate_mode\" avoid_reuse fee_rate verbose )\nPays an amount; "
      "fee_rate in base units per byte.",
      [&ctx, &w](const json& p) { return sendtoaddress(ctx, w, p); });
  add("sendmany",
      {"dummy", "amounts", "minconf", "comment", "subtractfeefrom", "replaceable", "conf_target",
       "estimate_mode", "fee_rate", "verbose"},
      "sendmany \"\" {\"address\":amount,...} ( minconf \"comment\" [\"address\",...] replaceable "
      "conf_target \"estimate_mode\" fee_rate verbose )\nPays several addresses in one "
      "transaction.",
      [&ctx, &w](const json& p) { return sendmany(ctx, w, p); });
  add("settxfee", {"amount"},
      "settxfee amount\nFee rate for sends, in coins per 1000 bytes (0: estimate).",
      [&w](const json& p) { return settxfee(w, p); });
  add("dumpprivkey", {"address"}, "dumpprivkey \"address\"\nThe address's private key (WIF).",
      [&ctx, &w](const json& p) { return dumpprivkey(ctx, w, p); });
  add("importprivkey", {"privkey", "label", "rescan"},
      "importprivkey \"privkey\" ( \"label\" rescan )\nAdds a WIF key; rescans the chain for its "
      "outputs (default true).",
      [&ctx, &w](const json& p) { return importprivkey(ctx, w, p); });
  add("signrawtransactionwithwallet", {"hexstring", "prevtxs", "sighashtype"},
      "signrawtransactionwithwallet \"hexstring\" ( prevtxs \"sighashtype\" )\nSigns with the "
      "wallet's keys.",
      [&ctx, &w](const json& p) { return signrawtransactionwithwallet(ctx, w, p); });
  add("encryptwallet", {"passphrase"},
      "encryptwallet \"passphrase\"\nEncrypts the wallet's seed and keys; the wallet is locked "
      "afterwards.",
      [&w](const json& p) { return encryptwallet(w, p); });
  add("walletpassphrase", {"passphrase", "timeout"},
      "walletpassphrase \"passphrase\" timeout\nUnlocks the wallet for timeout seconds.",
      [&w](const json& p) { return walletpassphrase(w, p); });
  add("walletpassphrasechange", {"oldpassphrase", "newpassphrase"},
      "walletpassphrasechange \"oldpassphrase\" \"newpassphrase\"\nChanges the passphrase.",
      [&w](const json& p) { return walletpassphrasechange(w, p); });
  add("walletlock", {}, "walletlock\nForgets the decryption key now.",
      [&w](const json&) { return walletlock(w); });
}

}  // namespace btr::node
