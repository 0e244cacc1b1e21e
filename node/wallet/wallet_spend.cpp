// Wallet: funding, signing and submitting transactions.

#include <algorithm>
#include <random>

#include "core/script/sighash.h"
#include "core/script/standard.h"
#include "node/chain_state.h"
#include "node/wallet/signing.h"
#include "node/wallet/wallet.h"

namespace btr::node::wallet {
namespace {

size_t output_size(const core::TxOut& out) {
  const size_t n = out.script_pubkey.size();
  return 8 + (n < 253 ? 1 : 3) + n;
}

// Coins eligible at a tier: at least `min_depth` deep (0 = trusted unconfirmed too).
std::vector<CoinCandidate> candidates(const std::vector<WalletOutput>& outs, int32_t min_depth,
                                      const BalanceRules& rules, const KeyManager& keys) {
  std::vector<CoinCandidate> c;
  for (const WalletOutput& o : outs) {
    if (!counts_at(o.state, min_depth, rules)) continue;
    const KeyRow* k = keys.find(o.key_hash);
    const bool uncompressed = k != nullptr && k->pubkey.size() == core::kUncompressedPubKeySize;
    c.push_back(
        {o.outpoint, o.state.value, uncompressed ? kP2pkhInputSizeUncompressed : kP2pkhInputSize});
  }
  return c;
}

}  // namespace

core::Amount Wallet::relay_floor() const {
  const core::script::PolicyParams defaults;
  if (mempool_ == nullptr) return defaults.min_relay_fee_per_kb;
  return std::max(mempool_->min_fee_per_kb(), mempool_->options().policy.min_relay_fee_per_kb);
}

core::Amount Wallet::fee_rate(std::optional<core::Amount> explicit_rate, int conf_target,
                              std::string* reason) const {
  core::Amount rate = options_.fallback_fee_per_kb;
  std::string why = "Fallback fee";
  if (explicit_rate) {
    rate = *explicit_rate;
    why = "";
  } else if (pay_tx_fee_per_kb_ > 0) {
    rate = pay_tx_fee_per_kb_;
    why = "PayTxFee set";
  } else if (estimator_) {
    if (auto e = estimator_(conf_target); e && *e > 0) {
      rate = *e;
      why = "Estimate of recent blocks' fee rates";
    }
  }
  const core::Amount floor = relay_floor();
  if (rate < floor) {
    rate = floor;
    why = "Minimum Required Fee";
  }
  if (reason != nullptr) *reason = why;
  return rate;
}

core::Result<CreatedTx> Wallet::create_transaction(const std::vector<Recipient>& recipients,
                                                   core::Amount fee_per_kb, int32_t minconf) {
  keys_->relock_if_due();
  if (keys_->locked()) return core::fail("wallet-locked");
  if (recipients.empty()) return core::fail("amount-too-small");
  core::Amount target = 0;
  size_t base_size = kTxOverheadSize;
  size_t subtractors = 0;
  for (const Recipient& r : recipients) {
    if (r.amount <= 0 || !core::money_range(r.amount)) return core::fail("amount-too-small");
    target += r.amount;  // both within MAX_MONEY: no overflow
    if (!core::money_range(target)) return core::fail("insufficient-funds");
    base_size += output_size({r.amount, r.script_pubkey});
    if (r.subtract_fee) ++subtractors;
  }
  // Subtracting the fee from the amounts: select for the amounts alone, then
  // take the fee out of the marked outputs.
  SelectionParams sp;
  sp.target = target;
  sp.base_size = base_size;
  sp.fee_per_kb = subtractors > 0 ? 0 : fee_per_kb;
  sp.min_change = core::script::dust_threshold({0, core::Script(25, 0)});
  const std::vector<WalletOutput> outs = outputs();
  std::optional<Selection> sel;
  for (int32_t tier : {std::max(minconf, 1), 0}) {
    if (tier == 0 && minconf > 1) break;
    sel = select_coins(candidates(outs, tier, rules(), *keys_), sp);
    if (sel) break;
  }
  if (!sel) return core::fail("insufficient-funds");

  CreatedTx created;
  core::Transaction& tx = created.tx;
  tx.version = 2;
  // Anti fee sniping, as Core does: valid only on top of the current tip.
  tx.locktime = static_cast<uint32_t>(chain_.tip()->height());
  for (const CoinCandidate& c : sel->coins) {
    core::TxIn in;
    in.prevout = c.outpoint;
    in.sequence = core::TxIn::kFinalSequence - 1;
    tx.inputs.push_back(in);
  }
  for (const Recipient& r : recipients) tx.outputs.push_back({r.amount, r.script_pubkey});
  core::Amount fee = sel->fee;
  core::Amount change = sel->change;
  if (subtractors > 0) {
    size_t size = base_size;
    for (const CoinCandidate& c : sel->coins) size += c.input_size;
    if (change > 0) size += kP2pkhOutputSize;
    const core::Amount need = fee_for(fee_per_kb, size);
    const core::Amount from_outputs = std::max<core::Amount>(0, need - fee);
    fee = std::max(fee, need);
    size_t seen = 0;
    for (size_t i = 0; i < recipients.size(); ++i) {
      if (!recipients[i].subtract_fee) continue;
      core::Amount share = from_outputs / static_cast<core::Amount>(subtractors);
      if (seen++ == 0) share += from_outputs % static_cast<core::Amount>(subtractors);
      tx.outputs[i].value -= share;
      if (core::script::is_dust(tx.outputs[i])) return core::fail("amount-too-small");
    }
  }
  if (fee > options_.max_fee) return core::fail("fee-too-high");
  if (change > 0) {
    auto key = keys_->new_key(kInternalChain, "");
    if (!key) return core::fail(key.error());
    std::random_device rd;
    const size_t pos = std::uniform_int_distribution<size_t>(0, tx.outputs.size())(rd);
    tx.outputs.insert(tx.outputs.begin() + static_cast<std::ptrdiff_t>(pos),
                      core::TxOut{change, core::p2pkh_script(key->bytes)});
    created.change_position = static_cast<int>(pos);
  }
  created.fee = fee;
  std::vector<core::TxOut> spent;
  for (const core::TxIn& in : tx.inputs) {
    spent.push_back(find_tx(in.prevout.txid)->tx.outputs[in.prevout.index]);
  }
  const auto errors = sign(tx, spent, core::script::kSighashAll);
  for (const std::string& e : errors) {
    if (!e.empty()) return core::fail("signing failed: " + e);
  }
  return created;
}

MempoolAcceptResult Wallet::commit(const core::Transaction& tx) {
  MempoolAcceptResult r;
  r.txid = tx.txid();
  if (mempool_ == nullptr) {
    r.reject_reason = "mempool-unavailable";
    return r;
  }
  r = mempool_->accept(tx);
  if (r.accepted) {
    if (auto st = record(tx, nullptr, -1); !st) r.debug_message = "wallet: " + st.error();
  }
  return r;
}

std::vector<std::string> Wallet::sign(core::Transaction& tx, const std::vector<core::TxOut>& spent,
                                      int32_t hash_type) {
  keys_->relock_if_due();
  std::vector<InputToSign> inputs;
  for (const core::TxOut& out : spent) inputs.push_back({out, {}});
  const KeyLookup lookup =
      [this](const core::TxOut& out) -> core::Result<std::vector<core::PrivateKey>> {
    const auto mine = is_mine(out);
    if (!mine) return core::fail("Unable to sign input, key not in wallet");
    auto key = keys_->private_key(*mine);
    if (!key) {
      return core::fail(key.error() == "wallet-locked" ? "Unable to sign input, wallet locked"
                                                       : key.error());
    }
    return std::vector<core::PrivateKey>{*key};
  };
  return sign_inputs(tx, inputs, lookup, hash_type);
}

}  // namespace btr::node::wallet
