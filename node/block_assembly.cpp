#include "node/block_assembly.h"

#include <algorithm>
#include <cstring>
#include <map>

#include "core/crypto/sha256.h"
#include "core/pow.h"
#include "core/script.h"
#include "core/subsidy.h"
#include "core/validation.h"

namespace btr::node {
namespace {

struct ByRateDesc {
  bool operator()(const std::pair<FeeRateKey, core::Hash256>& a,
                  const std::pair<FeeRateKey, core::Hash256>& b) const {
    if (a.first != b.first) return a.first > b.first;
    return a.second < b.second;
  }
};

// Core's CompareTxMemPoolEntryByAncestorFee: best ancestor rate first,
// then the smaller package, then entry order for a stable result.
bool better_ancestor_score(const MempoolEntry* a, const MempoolEntry* b) {
  if (a->ancestor_rate() != b->ancestor_rate()) return a->ancestor_rate() > b->ancestor_rate();
  if (a->ancestors.count != b->ancestors.count) return a->ancestors.count < b->ancestors.count;
  return a->order < b->order;
}

// Ancestor sums of entries whose ancestors are partly in the block already
// (Core's mapModifiedTx), ordered by the recomputed rate.
class ModifiedSet {
 public:
  bool contains(const core::Hash256& txid) const { return stats_.count(txid) != 0; }
  bool empty() const { return order_.empty(); }
  const core::Hash256& best() const { return order_.begin()->second; }
  FeeRateKey best_rate() const { return order_.begin()->first; }
  const PackageStats& stats(const core::Hash256& txid) const { return stats_.at(txid); }
  void erase(const core::Hash256& txid) {
    const auto it = stats_.find(txid);
    if (it == stats_.end()) return;
    order_.erase({rate(it->second), txid});
    stats_.erase(it);
  }
  // `included` joined the block: take it out of `entry`'s ancestor sums.
  void subtract(const MempoolEntry& entry, const MempoolEntry& included) {
    PackageStats s = contains(entry.txid) ? stats_.at(entry.txid) : entry.ancestors;
    erase(entry.txid);
    s.count -= 1;
    s.size -= included.size;
    s.fees -= included.fee;
    s.sigops -= included.sigops;
    stats_[entry.txid] = s;
    order_.insert({rate(s), entry.txid});
  }

 private:
  static FeeRateKey rate(const PackageStats& s) { return {s.fees, std::max<uint64_t>(s.size, 1)}; }
  std::map<core::Hash256, PackageStats> stats_;
  std::set<std::pair<FeeRateKey, core::Hash256>, ByRateDesc> order_;
};

core::Transaction make_coinbase(int32_t height, core::Amount value,
                                std::span<const uint8_t> script_pubkey) {
  core::Transaction coinbase;
  core::TxIn in;
  in.prevout.index = core::OutPoint::kNullIndex;
  in.script_sig = core::coinbase_height_script(height);
  in.script_sig.push_back(core::OP_0);  // keeps the scriptSig >= 2 bytes at heights 1..16
  coinbase.inputs.push_back(std::move(in));
  coinbase.outputs.push_back(
      {value, std::vector<uint8_t>(script_pubkey.begin(), script_pubkey.end())});
  return coinbase;
}

}  // namespace

std::vector<const MempoolEntry*> select_packages(const Mempool& pool, uint64_t max_bytes,
                                                 uint64_t max_sigops) {
  std::vector<const MempoolEntry*> sorted = pool.entries();
  std::sort(sorted.begin(), sorted.end(), better_ancestor_score);
  ModifiedSet modified;
  std::set<core::Hash256> in_block;
  std::set<core::Hash256> failed;
  std::vector<const MempoolEntry*> out;
  uint64_t bytes = 0;
  uint64_t sigops = 0;
  int consecutive_failures = 0;
  size_t next = 0;
  while (next < sorted.size() || !modified.empty()) {
    if (next < sorted.size()) {
      const core::Hash256& t = sorted[next]->txid;
      // Already placed, known not to fit, or judged by its modified sums.
      if (in_block.count(t) != 0 || failed.count(t) != 0 || modified.contains(t)) {
        ++next;
        continue;
      }
    }
    const MempoolEntry* pick = nullptr;
    PackageStats stats;
    if (next < sorted.size() &&
        (modified.empty() || sorted[next]->ancestor_rate() >= modified.best_rate())) {
      pick = sorted[next++];
      stats = pick->ancestors;
    } else {
      pick = pool.get(modified.best());
      stats = modified.stats(pick->txid);
      modified.erase(pick->txid);
    }
    if (bytes + stats.size > max_bytes || sigops + stats.sigops > max_sigops) {
      failed.insert(pick->txid);
      // Core gives up once the block is nearly full and nothing fits.
      if (++consecutive_failures > 1000 && bytes + 4000 > max_bytes) break;
      continue;
    }
    consecutive_failures = 0;
    std::vector<const MempoolEntry*> package{pick};
    for (const core::Hash256& a : pool.ancestors_of(*pick)) {
      if (in_block.count(a) == 0) package.push_back(pool.get(a));
    }
    // Fewer ancestors first is an order in which parents precede children.
    std::sort(package.begin(), package.end(), [](const MempoolEntry* a, const MempoolEntry* b) {
      if (a->ancestors.count != b->ancestors.count) return a->ancestors.count < b->ancestors.count;
      return a->order < b->order;
    });
    for (const MempoolEntry* e : package) {
      out.push_back(e);
      in_block.insert(e->txid);
      modified.erase(e->txid);
      bytes += e->size;
      sigops += e->sigops;
    }
    for (const MempoolEntry* e : package) {
      for (const core::Hash256& d : pool.descendants_of(*e)) {
        if (in_block.count(d) == 0) modified.subtract(*pool.get(d), *e);
      }
    }
  }
  return out;
}

BlockTemplate make_block_template(const ChainState& chain,
                                  std::span<const uint8_t> coinbase_script_pubkey,
                                  std::vector<core::Transaction> transactions, core::Amount fees) {
  const BlockIndex* tip = chain.tip();
  const core::ChainParams& params = chain.params();
  BlockTemplate t;
  t.height = tip->height() + 1;
  t.coinbase_value = core::block_subsidy(t.height) + fees;
  t.mintime = tip->median_time_past() + 1;

  core::Block& b = t.block;
  b.transactions.push_back(make_coinbase(t.height, t.coinbase_value, coinbase_script_pubkey));
  for (core::Transaction& tx : transactions) b.transactions.push_back(std::move(tx));
  b.header.version = params.template_version;
  b.header.prev_block = tip->hash();
  b.header.bits = chain.next_bits(tip);
  b.header.time = static_cast<uint32_t>(std::max<int64_t>(t.mintime, chain.now()));
  b.header.merkle_root = b.compute_merkle_root().root;
  t.target = core::decode_compact(b.header.bits).target;
  t.size = b.serialize().size();
  for (const core::Transaction& tx : b.transactions) t.sigops += core::legacy_sigop_count(tx);
  return t;
}

BlockTemplate assemble_block(const ChainState& chain, const Mempool* pool,
                             std::span<const uint8_t> coinbase_script_pubkey) {
  const core::ChainParams& params = chain.params();
  std::vector<const MempoolEntry*> picked;
  if (pool != nullptr) {
    // Header (80) and a 3-byte transaction count stay outside the budget too.
    picked = select_packages(*pool, params.max_block_size - kCoinbaseReservedBytes - 80 - 3,
                             params.max_block_sigops - kCoinbaseReservedSigops);
  }
  std::vector<core::Transaction> txs;
  txs.reserve(picked.size());
  core::Amount fees = 0;
  for (const MempoolEntry* e : picked) {
    txs.push_back(*e->tx);
    fees += e->fee;
  }
  BlockTemplate t = make_block_template(chain, coinbase_script_pubkey, std::move(txs), fees);
  std::map<core::Hash256, size_t> position;  // txid -> 1-based index in `transactions`
  t.tx_info.reserve(picked.size());
  for (size_t i = 0; i < picked.size(); ++i) {
    const MempoolEntry* e = picked[i];
    TemplateTx info{e->fee, e->sigops, {}};
    for (const core::Hash256& p : e->parents) info.depends.push_back(position.at(p));
    std::sort(info.depends.begin(), info.depends.end());
    t.tx_info.push_back(std::move(info));
    position[e->txid] = i + 1;
  }
  return t;
}

// The nonce search hashes with a midstate over core's dispatched SHA-256
// compression (SHA-NI where the CPU has it): the header's first 64 bytes
// (version, previous hash, most of the Merkle root) do not change with the
// nonce, so each try costs two compressions instead of three, as the
// project's CPU mining kernels do (node may depend on core only, not on
// kernels/).
bool mine_block(core::Block& block, const core::Uint256& pow_limit, uint64_t max_tries) {
  const core::Sha256TransformFn transform = core::sha256_transform();
  core::BlockHeader& h = block.header;
  const core::Uint256 target = core::decode_compact(h.bits).target;
  uint64_t tries = 0;
  while (tries < max_tries) {
    const core::HeaderBytes raw = h.serialize();
    std::array<uint32_t, 8> mid = core::kSha256Init;
    transform(mid.data(), raw.data(), 1);
    // Second block of the first hash: header bytes 64..79, padding, length.
    std::array<uint8_t, 64> tail{};
    std::memcpy(tail.data(), raw.data() + 64, 16);
    tail[16] = 0x80;
    core::write_be32(tail.data() + 60, 80 * 8);
    // The second hash's single block: the 32-byte digest, padding, length.
    std::array<uint8_t, 64> second{};
    second[32] = 0x80;
    core::write_be32(second.data() + 60, 32 * 8);
    for (uint32_t nonce = h.nonce; tries < max_tries; ++nonce, ++tries) {
      tail[12] = static_cast<uint8_t>(nonce);
      tail[13] = static_cast<uint8_t>(nonce >> 8);
      tail[14] = static_cast<uint8_t>(nonce >> 16);
      tail[15] = static_cast<uint8_t>(nonce >> 24);
      std::array<uint32_t, 8> st = mid;
      transform(st.data(), tail.data(), 1);
      for (int i = 0; i < 8; ++i) core::write_be32(second.data() + 4 * i, st[i]);
      std::array<uint32_t, 8> out = core::kSha256Init;
      transform(out.data(), second.data(), 1);
      core::Hash256 hash;
      for (int i = 0; i < 8; ++i) core::write_be32(hash.data() + 4 * i, out[i]);
      if (core::hash_meets_target(hash, target)) {
        h.nonce = nonce;
        // The slow path confirms the fast one (and the bits' validity).
        return core::check_proof_of_work(h.hash(), h.bits, pow_limit);
      }
      if (nonce == 0xffffffff) break;
    }
    // Nonces ran out: roll the time and start over from nonce 0.
    h.nonce = 0;
    ++h.time;
  }
  return false;
}

}  // namespace btr::node
