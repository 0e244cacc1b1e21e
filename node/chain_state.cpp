#include "node/chain_state.h"

#include <algorithm>
#include <cassert>

#include "core/asert.h"
#include "core/crypto/sha256.h"
#include "core/pow.h"
#include "core/validation.h"
#include "node/log.h"

namespace btr::node {
namespace {

bool is_validation_reason(const std::string& reason) {
  return reason.rfind("sqlite:", 0) != 0;
}

}  // namespace

const BlockIndex* BlockIndex::ancestor(int32_t h) const {
  const BlockIndex* p = this;
  while (p != nullptr && p->height() > h) p = p->prev;
  return p != nullptr && p->height() == h ? p : nullptr;
}

int64_t BlockIndex::median_time_past() const {
  std::vector<int64_t> times;
  const BlockIndex* p = this;
  for (int i = 0; i < core::kMedianTimeSpan && p != nullptr; ++i, p = p->prev) {
    times.push_back(p->rec.header.time);
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

bool ChainState::WorkOrder::operator()(const BlockIndex* a, const BlockIndex* b) const {
  if (a->rec.chain_work != b->rec.chain_work) return a->rec.chain_work > b->rec.chain_work;
  if (a->rec.sequence != b->rec.sequence) return a->rec.sequence < b->rec.sequence;
  return a->hash() < b->hash();
}

ChainState::ChainState(const core::ChainParams& params, ChainStore& store,
                       const ScriptVerifier& verifier, ChainOptions options, Clock clock)
    : params_(params),
      store_(store),
      verifier_(verifier),
      options_(options),
      clock_(std::move(clock)) {}

BlockIndex* ChainState::insert_index(BlockRecord rec) {
  auto entry = std::make_unique<BlockIndex>();
  entry->rec = std::move(rec);
  if (const auto it = index_.find(entry->rec.header.prev_block); it != index_.end()) {
    entry->prev = it->second.get();
  }
  BlockIndex* raw = entry.get();
  next_sequence_ = std::max(next_sequence_, raw->rec.sequence + 1);
  next_precious_ = std::min(next_precious_, raw->rec.sequence - 1);
  index_[raw->hash()] = std::move(entry);
  if (!raw->failed() && raw->have_data()) candidates_.insert(raw);
  return raw;
}

core::Status ChainState::init_genesis() {
  const core::Block& g = params_.genesis;
  BlockRecord rec;
  rec.hash = g.hash();
  rec.header = g.header;
  rec.height = 0;
  rec.chain_work = core::block_work(core::decode_compact(g.header.bits).target);
  rec.status = block_status::kHaveData;
  rec.tx_count = static_cast<uint32_t>(g.transactions.size());
  const std::vector<uint8_t> raw = g.serialize();
  rec.size = static_cast<uint32_t>(raw.size());
  rec.sequence = 0;
  if (auto st = store_.add_block(rec, raw); !st) return st;
  // The pre-mine output enters the UTXO set (chain.md), unlike Bitcoin's genesis.
  if (auto st = store_.connect_block(rec.hash, BlockUndo{}, block_outputs(g, 0), g.txids(),
                                     options_.txindex);
      !st) {
    return st;
  }
  return core::Status::success();
}

core::Status ChainState::load() {
  auto records = store_.load_index();
  if (!records) return core::fail(records.error());
  if (records->empty()) {
    if (auto st = init_genesis(); !st) return st;
    records = store_.load_index();
    if (!records) return core::fail(records.error());
  }
  for (BlockRecord& r : *records) insert_index(std::move(r));
  const auto tip_hash = store_.tip();
  const BlockIndex* t = tip_hash ? lookup(*tip_hash) : nullptr;
  if (t == nullptr) return core::fail("database has no valid chain tip");
  chain_.assign(static_cast<size_t>(t->height()) + 1, nullptr);
  for (auto* p = const_cast<BlockIndex*>(t); p != nullptr; p = p->prev) chain_[p->height()] = p;
  if (chain_[0] == nullptr || chain_[0]->hash() != params_.genesis.hash()) {
    return core::fail("database belongs to another genesis block");
  }
  log_info("chain: loaded " + std::to_string(index_.size()) + " block index entries, tip height " +
           std::to_string(t->height()) + " " + t->hash().to_display_hex());
  return activate_best_chain();
}

const BlockIndex* ChainState::lookup(const core::Hash256& hash) const {
  const auto it = index_.find(hash);
  return it == index_.end() ? nullptr : it->second.get();
}

const BlockIndex* ChainState::at_height(int32_t height) const {
  if (height < 0 || static_cast<size_t>(height) >= chain_.size()) return nullptr;
  return chain_[static_cast<size_t>(height)];
}

bool ChainState::in_active_chain(const BlockIndex* index) const {
  return index != nullptr && at_height(index->height()) == index;
}

const BlockIndex* ChainState::next_in_chain(const BlockIndex* index) const {
  return in_active_chain(index) ? at_height(index->height() + 1) : nullptr;
}

std::vector<const BlockIndex*> ChainState::chain_tips() const {
  std::set<const BlockIndex*> has_child;
  for (const auto& [h, e] : index_) {
    if (e->prev != nullptr) has_child.insert(e->prev);
  }
  std::vector<const BlockIndex*> tips;
  for (const auto& [h, e] : index_) {
    if (has_child.count(e.get()) == 0) tips.push_back(e.get());
  }
  return tips;
}

uint32_t ChainState::next_bits(const BlockIndex* prev) const {
  if (params_.difficulty_rule == core::DifficultyRule::kPowLimit) return params_.pow_limit_bits;
  // Block 1, the anchor, carries the pow limit (chain.md).
  if (prev->height() + 1 <= params_.asert_anchor_height) return params_.pow_limit_bits;
  const BlockIndex* anchor = prev->ancestor(params_.asert_anchor_height);
  assert(anchor != nullptr && "every block above the anchor descends from it");
  if (anchor == nullptr) return params_.pow_limit_bits;
  return core::next_bits_asert(
      {anchor->height(), anchor->rec.header.time, anchor->rec.header.bits},
      {prev->height(), prev->rec.header.time},
      {params_.target_spacing, params_.asert_half_life, params_.pow_limit});
}

HeaderContext ChainState::header_context(const BlockIndex* prev, int32_t height) const {
  return {height, next_bits(prev), prev->median_time_past(), clock_()};
}

core::Result<core::Block> ChainState::read_block(const BlockIndex* index) {
  auto raw = store_.read_block(index->hash());
  if (!raw) return core::fail(raw.error());
  if (!*raw) return core::fail("Block not available (pruned data)");
  return core::Block::parse(**raw);
}

std::optional<std::vector<uint8_t>> ChainState::read_raw_block(const BlockIndex* index) {
  auto raw = store_.read_block(index->hash());
  if (!raw || !*raw) return std::nullopt;
  return std::move(**raw);
}

core::Status ChainState::check_and_store(const core::Block& block, BlockIndex** out) {
  if (auto st = core::check_block(block, params_); !st) return st;
  const auto it = index_.find(block.header.prev_block);
  if (it == index_.end()) return core::fail("prev-blk-not-found");
  BlockIndex* prev = it->second.get();
  if (prev->failed()) return core::fail("bad-prevblk");
  const int32_t height = prev->height() + 1;
  if (auto st = check_header_contextual(block.header, header_context(prev, height), params_); !st) {
    return st;
  }
  BlockRecord rec;
  rec.hash = block.hash();
  rec.header = block.header;
  rec.height = height;
  rec.chain_work =
      prev->rec.chain_work + core::block_work(core::decode_compact(block.header.bits).target);
  rec.tx_count = static_cast<uint32_t>(block.transactions.size());
  rec.sequence = next_sequence_++;
  const std::vector<uint8_t> raw = block.serialize();
  rec.size = static_cast<uint32_t>(raw.size());
  if (auto st = check_block_contextual(block, height, prev->median_time_past()); !st) {
    // Remembered as invalid, so a resubmission is answered without work.
    rec.status = block_status::kFailed;
    rec.fail_reason = st.error();
    if (auto put = store_.add_block(rec, {}); !put) return put;
    insert_index(std::move(rec));
    return st;
  }
  rec.status = block_status::kHaveData;
  if (auto st = store_.add_block(rec, raw); !st) return st;
  *out = insert_index(std::move(rec));
  return core::Status::success();
}

SubmitResult ChainState::submit_block(const core::Block& block) {
  using Kind = SubmitResult::Kind;
  if (const BlockIndex* known = lookup(block.hash()); known != nullptr) {
    if (known->failed()) return {Kind::kRejected, "duplicate-invalid"};
    if (known->have_data() || in_active_chain(known)) return {Kind::kDuplicate, "duplicate"};
  }
  BlockIndex* index = nullptr;
  if (auto st = check_and_store(block, &index); !st) return {Kind::kRejected, st.error()};
  if (auto st = activate_best_chain(); !st) {
    log_error("chain: " + st.error());
    return {Kind::kRejected, st.error()};
  }
  if (index->failed()) return {Kind::kRejected, index->rec.fail_reason};
  if (in_active_chain(index)) return {Kind::kAccepted, ""};
  return {Kind::kInconclusive, "inconclusive"};
}

std::optional<std::string> ChainState::test_block_validity(const core::Block& block) {
  const BlockIndex* t = tip();
  if (block.header.prev_block != t->hash()) return "inconclusive-not-best-prevblk";
  // A proposal is not mined yet: every check but the proof of work (BIP23).
  if (auto st = core::check_block_without_pow(block, params_); !st) return st.error();
  const int32_t height = t->height() + 1;
  if (auto st = check_header_contextual(block.header, header_context(t, height), params_); !st) {
    return st.error();
  }
  if (auto st = check_block_contextual(block, height, t->median_time_past()); !st) {
    return st.error();
  }
  auto changes = compute_connect(
      block, height, [t](int32_t h) { return t->ancestor(h)->median_time_past(); },
      [this](const core::OutPoint& op) { return store_.get_coin(op); }, verifier_, params_);
  if (!changes) return changes.error();
  return std::nullopt;
}

core::Status ChainState::precious_block(const core::Hash256& hash) {
  auto it = index_.find(hash);
  if (it == index_.end()) return core::fail("Block not found");
  BlockIndex* b = it->second.get();
  const BlockIndex* t = tip();
  // Only meaningful against chains of equal work, as in Core.
  if (b->rec.chain_work < t->rec.chain_work || in_active_chain(b)) return core::Status::success();
  const bool was_candidate = candidates_.erase(b) != 0;
  b->rec.sequence = next_precious_--;
  if (auto st = store_.set_sequence(b->hash(), b->rec.sequence); !st) return st;
  if (was_candidate) candidates_.insert(b);
  return activate_best_chain();
}

BlockIndex* ChainState::best_candidate() const {
  return candidates_.empty() ? nullptr : *candidates_.begin();
}

void ChainState::mark_invalid(BlockIndex* index, const std::string& reason) {
  log_warn("chain: block " + index->hash().to_display_hex() + " at height " +
           std::to_string(index->height()) + " is invalid: " + reason);
  candidates_.erase(index);
  index->rec.status |= block_status::kFailed;
  index->rec.fail_reason = reason;
  (void)store_.set_status(index->hash(), index->rec.status, reason);
  for (auto& [h, e] : index_) {
    if (e->height() <= index->height() || e->ancestor(index->height()) != index) continue;
    candidates_.erase(e.get());
    e->rec.status |= block_status::kFailedChild;
    (void)store_.set_status(e->hash(), e->rec.status, e->rec.fail_reason);
  }
}

core::Status ChainState::connect_tip(BlockIndex* index, std::string* invalid_reason) {
  auto block = read_block(index);
  if (!block)
    return core::fail("sqlite: cannot read block " + index->hash().to_display_hex() + ": " +
                      block.error());
  auto changes = compute_connect(
      *block, index->height(),
      [index](int32_t h) { return index->ancestor(h)->median_time_past(); },
      [this](const core::OutPoint& op) { return store_.get_coin(op); }, verifier_, params_);
  if (!changes) {
    if (!is_validation_reason(changes.error())) return core::fail(changes.error());
    *invalid_reason = changes.error();
    return core::Status::success();
  }
  auto st = store_.connect_block(index->hash(), changes->undo, changes->created, changes->txids,
                                 options_.txindex);
  if (!st) {
    if (!is_validation_reason(st.error())) return st;
    *invalid_reason = st.error();
    return core::Status::success();
  }
  index->rec.status |= block_status::kValid;
  chain_.push_back(index);
  for (ChainListener* l : listeners_) l->block_connected(*block, *index);
  return core::Status::success();
}

core::Status ChainState::disconnect_tip() {
  BlockIndex* t = chain_.back();
  auto block = read_block(t);
  if (!block)
    return core::fail("cannot disconnect " + t->hash().to_display_hex() + ": " + block.error());
  auto undo = store_.read_undo(t->hash());
  if (!undo || !*undo) return core::fail("no undo data for " + t->hash().to_display_hex());
  if (auto st = store_.disconnect_block(t->hash(), t->prev->hash(), **undo,
                                        block_outputs(*block, t->height()), block->txids());
      !st) {
    return st;
  }
  chain_.pop_back();
  for (ChainListener* l : listeners_) l->block_disconnected(*block, *t);
  return core::Status::success();
}

void ChainState::add_listener(ChainListener* listener) {
  assert(listener != nullptr);
  listeners_.push_back(listener);
}

void ChainState::remove_listener(ChainListener* listener) {
  std::erase(listeners_, listener);
}

core::Status ChainState::activate_best_chain() {
  const BlockIndex* start_tip = tip();
  while (true) {
    BlockIndex* best = best_candidate();
    BlockIndex* t = chain_.back();
    if (best == nullptr || best == t) break;
    const bool better =
        best->rec.chain_work > t->rec.chain_work ||
        (best->rec.chain_work == t->rec.chain_work && best->rec.sequence < t->rec.sequence);
    if (!better || in_active_chain(best)) break;
    // The fork point: best's ancestor that is on the active chain.
    const BlockIndex* fork = best;
    while (fork != nullptr && !in_active_chain(fork)) fork = fork->prev;
    if (fork == nullptr) return core::fail("candidate does not descend from genesis");
    const int depth = chain_.back()->height() - fork->height();
    while (chain_.back() != fork) {
      if (auto st = disconnect_tip(); !st) return st;
    }
    if (depth > 0)
      log_info("chain: reorganization, " + std::to_string(depth) + " blocks disconnected");
    std::vector<BlockIndex*> path;
    for (BlockIndex* p = best; p != fork; p = p->prev) path.push_back(p);
    std::reverse(path.begin(), path.end());
    for (BlockIndex* p : path) {
      std::string reason;
      if (auto st = connect_tip(p, &reason); !st) return st;
      if (!reason.empty()) {
        mark_invalid(p, reason);
        break;
      }
    }
  }
  if (tip() != start_tip) {
    log_info("chain: new tip " + tip()->hash().to_display_hex() + " height " +
             std::to_string(tip()->height()));
    maybe_prune();
    if (tip_listener_) tip_listener_(*tip());
    for (ChainListener* l : listeners_) l->tip_changed(*tip());
  }
  return core::Status::success();
}

void ChainState::maybe_prune() {
  if (options_.prune_target_bytes == 0) return;
  std::vector<core::Hash256> keep;
  const int32_t top = tip()->height();
  for (int32_t h = std::max(0, top - options_.prune_keep_blocks + 1); h <= top; ++h) {
    keep.push_back(at_height(h)->hash());
  }
  auto pruned = store_.prune(options_.prune_target_bytes, keep);
  if (!pruned) {
    log_warn("prune: " + pruned.error());
    return;
  }
  if (*pruned == 0) return;
  // Mirror the status change in memory for the blocks whose data is gone.
  for (auto& [h, e] : index_) {
    if (!e->have_data()) continue;
    if (std::find(keep.begin(), keep.end(), h) != keep.end()) continue;
    auto raw = store_.read_block(h);
    if (raw && !*raw) {
      candidates_.erase(e.get());
      e->rec.status = (e->rec.status & ~block_status::kHaveData) | block_status::kPruned;
    }
  }
  log_info("prune: deleted " + std::to_string(*pruned) + " raw blocks");
}

core::Result<UtxoStats> ChainState::replay_utxo_stats() {
  std::map<core::OutPoint, Coin> utxo;
  for (const BlockIndex* b : chain_) {
    auto block = read_block(b);
    if (!block)
      return core::fail("cannot replay: block " + std::to_string(b->height()) + ": " +
                        block.error());
    for (const core::Transaction& tx : block->transactions) {
      if (!tx.is_coinbase()) {
        for (const core::TxIn& in : tx.inputs) utxo.erase(in.prevout);
      }
      const core::Hash256 txid = tx.txid();
      for (uint32_t i = 0; i < tx.outputs.size(); ++i) {
        if (is_unspendable(tx.outputs[i])) continue;
        utxo[{txid, i}] = Coin{tx.outputs[i], static_cast<uint32_t>(b->height()), tx.is_coinbase()};
      }
    }
  }
  // Same serialization and order as ChainStore::utxo_stats: (txid bytes, index).
  UtxoStats stats;
  core::Sha256 hasher;
  std::vector<uint8_t> buf;
  const core::Hash256* last = nullptr;
  for (const auto& [op, coin] : utxo) {
    buf.clear();
    core::Writer w(buf);
    serialize_utxo_entry(w, op, coin);
    hasher.write(buf);
    stats.serialized_size += buf.size();
    ++stats.txouts;
    stats.total_amount += coin.out.value;
    if (last == nullptr || *last != op.txid) ++stats.transactions;
    last = &op.txid;
  }
  stats.hash = core::sha256(hasher.finalize().bytes);
  return stats;
}

}  // namespace btr::node
