#include "node/wallet/wallet.h"

#include <algorithm>

#include "core/script/standard.h"
#include "node/chain_state.h"
#include "node/log.h"

namespace btr::node::wallet {

core::Result<std::unique_ptr<Wallet>> Wallet::open(const std::filesystem::path& path,
                                                   const core::ChainParams& params,
                                                   ChainState& chain, Mempool* mempool,
                                                   WalletOptions options, Clock clock) {
  std::unique_ptr<Wallet> w(new Wallet(params, chain, mempool, options, std::move(clock)));
  auto db = WalletDb::open(path);
  if (!db) return core::fail(db.error());
  w->db_ = std::move(*db);
  const auto net = w->db_->get_meta("network");
  const std::string name(params.name);
  if (net && std::string(net->begin(), net->end()) != name) {
    return core::fail("wallet belongs to network " + std::string(net->begin(), net->end()));
  }
  if (!net) {
    if (auto st = w->db_->put_meta("network", std::vector<uint8_t>(name.begin(), name.end())); !st)
      return core::fail(st.error());
  }
  auto keys = KeyManager::open(*w->db_, w->clock_);
  if (!keys) return core::fail(keys.error());
  w->keys_ = std::move(*keys);
  if (auto st = w->load_txs(); !st) return core::fail(st.error());
  if (auto st = w->catch_up(); !st) return core::fail(st.error());
  chain.add_listener(w.get());
  if (mempool != nullptr) mempool->add_listener(w.get());
  w->listening_ = true;
  w->resubmit();
  return w;
}

Wallet::~Wallet() {
  if (!listening_) return;
  chain_.remove_listener(this);
  if (mempool_ != nullptr) mempool_->remove_listener(this);
}

BalanceRules Wallet::rules() const {
  return {params_.coinbase_maturity, params_.arrival_confirmations};
}

core::Status Wallet::load_txs() {
  auto rows = db_->load_txs();
  if (!rows) return core::fail(rows.error());
  for (TxRow& row : *rows) {
    auto tx = core::Transaction::parse(row.raw);
    if (!tx) return core::fail("wallet: damaged transaction " + row.txid.to_display_hex());
    const core::Hash256 txid = row.txid;
    txs_[txid] = WalletTx{std::move(*tx), std::move(row)};
  }
  return core::Status::success();
}

// Forgets blocks that left the active chain while the wallet was closed and
// scans the blocks it has not seen.
core::Status Wallet::catch_up() {
  for (auto& [txid, wtx] : txs_) {
    if (!wtx.row.block_hash) continue;
    const BlockIndex* b = chain_.lookup(*wtx.row.block_hash);
    if (b != nullptr && chain_.in_active_chain(b)) continue;
    wtx.row.block_hash.reset();
    wtx.row.block_height = wtx.row.block_pos = -1;
    if (auto st = db_->put_tx(wtx.row); !st) return st;
  }
  const auto best = db_->get_meta("best_block");
  if (!best || best->size() != 32) {
    // A new wallet: its keys are new, so no earlier block can pay them.
    return db_->put_meta("best_block", chain_.tip()->hash().bytes);
  }
  const BlockIndex* fork = chain_.lookup(core::Hash256::from_bytes(std::span(*best).first<32>()));
  while (fork != nullptr && !chain_.in_active_chain(fork)) fork = fork->prev;
  return rescan(fork != nullptr ? fork->height() + 1 : 0);
}

core::Status Wallet::rescan(int32_t from_height) {
  const int32_t tip = chain_.tip()->height();
  if (from_height <= tip) {
    log_info("wallet: scanning blocks " + std::to_string(from_height) + ".." + std::to_string(tip));
  }
  for (int32_t h = std::max(0, from_height); h <= tip; ++h) {
    const BlockIndex* index = chain_.at_height(h);
    auto block = chain_.read_block(index);
    if (!block)
      return core::fail("wallet rescan: block " + std::to_string(h) + " unavailable (pruned?)");
    if (auto st = scan_block(*block, *index); !st) return st;
  }
  return db_->put_meta("best_block", chain_.tip()->hash().bytes);
}

void Wallet::resubmit() {
  if (mempool_ == nullptr) return;
  std::vector<const WalletTx*> pending;
  for (const auto& [txid, wtx] : txs_) {
    if (!wtx.row.block_hash && !wtx.row.abandoned && !wtx.tx.is_coinbase() &&
        !mempool_->contains(txid)) {
      pending.push_back(&wtx);
    }
  }
  // A child refused for a missing parent gets another pass once the parent is in.
  for (bool progress = true; progress && !pending.empty();) {
    progress = false;
    for (auto it = pending.begin(); it != pending.end();) {
      const MempoolAcceptResult r = mempool_->accept((*it)->tx);
      if (r.accepted || r.kind != MempoolAcceptResult::Kind::kMissingInputs) {
        progress = progress || r.accepted;
        it = pending.erase(it);
      } else {
        ++it;
      }
    }
  }
}

std::optional<core::Hash160> Wallet::is_mine(const core::TxOut& out) const {
  const auto cls = core::script::classify_output(out.script_pubkey);
  if (cls.type == core::script::OutputType::kPubKeyHash) {
    core::Hash160 h;
    std::copy(cls.solutions[0].begin(), cls.solutions[0].end(), h.bytes.begin());
    if (keys_->find(h) != nullptr) return h;
  } else if (cls.type == core::script::OutputType::kPubKey) {
    if (const KeyRow* k = keys_->find_pubkey(cls.solutions[0]); k != nullptr) return k->key_hash;
  }
  return std::nullopt;
}

const WalletTx* Wallet::find_tx(const core::Hash256& txid) const {
  const auto it = txs_.find(txid);
  return it == txs_.end() ? nullptr : &it->second;
}

core::Amount Wallet::debit(const core::Transaction& tx) const {
  core::Amount sum = 0;
  if (tx.is_coinbase()) return 0;
  for (const core::TxIn& in : tx.inputs) {
    const WalletTx* prev = find_tx(in.prevout.txid);
    if (prev == nullptr || in.prevout.index >= prev->tx.outputs.size()) continue;
    const core::TxOut& out = prev->tx.outputs[in.prevout.index];
    if (is_mine(out)) sum += out.value;
  }
  return sum;
}

core::Amount Wallet::credit(const core::Transaction& tx) const {
  core::Amount sum = 0;
  for (const core::TxOut& out : tx.outputs) {
    if (is_mine(out)) sum += out.value;
  }
  return sum;
}

bool Wallet::relevant(const core::Transaction& tx) const {
  return debit(tx) > 0 || std::any_of(tx.outputs.begin(), tx.outputs.end(),
                                      [&](const core::TxOut& o) { return is_mine(o).has_value(); });
}

int32_t Wallet::depth(const WalletTx& wtx) const {
  if (wtx.row.block_hash) {
    const BlockIndex* b = chain_.lookup(*wtx.row.block_hash);
    if (b != nullptr && chain_.in_active_chain(b)) return chain_.tip()->height() - b->height() + 1;
  }
  if (mempool_ == nullptr) return 0;  // no pool to ask: unconfirmed
  return mempool_->contains(wtx.row.txid) ? 0 : -1;
}

bool Wallet::trusted(const WalletTx& wtx) const {
  const int32_t d = depth(wtx);
  if (d >= 1) return true;
  if (d < 0 || wtx.tx.is_coinbase()) return false;
  for (const core::TxIn& in : wtx.tx.inputs) {
    const WalletTx* prev = find_tx(in.prevout.txid);
    if (prev == nullptr || in.prevout.index >= prev->tx.outputs.size()) return false;
    if (!is_mine(prev->tx.outputs[in.prevout.index])) return false;
    if (!trusted(*prev)) return false;
  }
  return true;
}

std::map<core::OutPoint, int32_t> Wallet::spent_outpoints() const {
  std::map<core::OutPoint, int32_t> spent;
  for (const auto& [txid, wtx] : txs_) {
    if (wtx.tx.is_coinbase()) continue;
    const int32_t d = depth(wtx);
    if (d < 0) continue;  // conflicted or dropped: its spends do not count
    for (const core::TxIn& in : wtx.tx.inputs) spent[in.prevout] = d;
  }
  return spent;
}

std::vector<WalletOutput> Wallet::outputs() const {
  const auto spent = spent_outpoints();
  std::vector<WalletOutput> out;
  for (const auto& [txid, wtx] : txs_) {
    const int32_t d = depth(wtx);
    const bool trust = d == 0 && trusted(wtx);
    for (size_t n = 0; n < wtx.tx.outputs.size(); ++n) {
      const auto mine = is_mine(wtx.tx.outputs[n]);
      if (!mine) continue;
      WalletOutput o;
      o.outpoint = {txid, static_cast<uint32_t>(n)};
      o.out = wtx.tx.outputs[n];
      o.key_hash = *mine;
      o.state.value = o.out.value;
      o.state.depth = d;
      o.state.coinbase = wtx.tx.is_coinbase();
      o.state.trusted = trust;
      o.state.spent = spent.count(o.outpoint) != 0;
      o.wtx = &wtx;
      out.push_back(std::move(o));
    }
  }
  return out;
}

std::vector<OutputState> Wallet::states() const {
  std::vector<OutputState> s;
  for (const WalletOutput& o : outputs()) s.push_back(o.state);
  return s;
}

const BlockIndex* Wallet::last_processed() const {
  const auto best = db_->get_meta("best_block");
  if (!best || best->size() != 32) return nullptr;
  return chain_.lookup(core::Hash256::from_bytes(std::span(*best).first<32>()));
}

core::Status Wallet::record(const core::Transaction& tx, const BlockIndex* block, int32_t pos) {
  const core::Hash256 txid = tx.txid();
  auto it = txs_.find(txid);
  if (it == txs_.end()) {
    TxRow row;
    row.txid = txid;
    row.raw = tx.serialize();
    row.time_received = clock_();
    it = txs_.emplace(txid, WalletTx{tx, std::move(row)}).first;
  } else if (block == nullptr) {
    return core::Status::success();  // already known; a pool sighting changes nothing
  }
  TxRow& row = it->second.row;
  if (block != nullptr) {
    row.block_hash = block->hash();
    row.block_height = block->height();
    row.block_pos = pos;
  }
  return db_->put_tx(row);
}

core::Status Wallet::scan_block(const core::Block& block, const BlockIndex& index) {
  SqliteTxn txn(db_->db());
  if (!txn.began()) return core::fail("wallet database busy");
  for (size_t i = 0; i < block.transactions.size(); ++i) {
    const core::Transaction& tx = block.transactions[i];
    if (!relevant(tx)) continue;
    if (auto st = record(tx, &index, static_cast<int32_t>(i)); !st) return st;
  }
  return txn.commit();
}

void Wallet::block_connected(const core::Block& block, const BlockIndex& index) {
  if (auto st = scan_block(block, index); !st) log_error("wallet: " + st.error());
}

void Wallet::block_disconnected(const core::Block& block, const BlockIndex& index) {
  (void)block;
  for (auto& [txid, wtx] : txs_) {
    if (!wtx.row.block_hash || *wtx.row.block_hash != index.hash()) continue;
    wtx.row.block_hash.reset();
    wtx.row.block_height = wtx.row.block_pos = -1;
    if (auto st = db_->put_tx(wtx.row); !st) log_error("wallet: " + st.error());
  }
}

void Wallet::tip_changed(const BlockIndex& tip) {
  if (auto st = db_->put_meta("best_block", tip.hash().bytes); !st) {
    log_error("wallet: " + st.error());
  }
}

void Wallet::transaction_added(const core::Transaction& tx) {
  if (!relevant(tx)) return;
  if (auto st = record(tx, nullptr, -1); !st) log_error("wallet: " + st.error());
}

}  // namespace btr::node::wallet
