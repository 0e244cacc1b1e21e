#include "node/net/header_tree.h"

#include <algorithm>
#include <cassert>

#include "core/asert.h"
#include "core/pow.h"
#include "node/block_validation.h"

namespace btr::node::net {

const HeaderEntry* HeaderEntry::ancestor(int32_t h) const {
  if (h > height || h < 0) return nullptr;
  const HeaderEntry* e = this;
  while (e != nullptr && e->height > h) e = e->prev;
  return e;
}

int64_t HeaderEntry::median_time_past() const {
  std::vector<int64_t> times;
  const HeaderEntry* e = this;
  for (int i = 0; i < core::kMedianTimeSpan && e != nullptr; ++i, e = e->prev) {
    times.push_back(e->header.time);
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

HeaderTree::HeaderTree(const core::ChainParams& params) : params_(params) {}

HeaderEntry* HeaderTree::insert(const core::BlockHeader& header, HeaderEntry* prev) {
  auto e = std::make_unique<HeaderEntry>();
  e->hash = header.hash();
  e->header = header;
  e->prev = prev;
  e->height = prev != nullptr ? prev->height + 1 : 0;
  const core::Uint256 work = core::block_work(core::decode_compact(header.bits).target);
  e->chain_work = prev != nullptr ? prev->chain_work + work : work;
  HeaderEntry* raw = e.get();
  entries_.emplace(raw->hash, std::move(e));
  if (best_ == nullptr || raw->chain_work > best_->chain_work) best_ = raw;
  return raw;
}

const HeaderEntry* HeaderTree::add_trusted(const core::BlockHeader& header) {
  if (const HeaderEntry* known = find(header.hash())) return known;
  HeaderEntry* prev = nullptr;
  if (!header.prev_block.is_zero()) {
    const auto it = entries_.find(header.prev_block);
    assert(it != entries_.end() && "trusted headers arrive parent first");
    if (it == entries_.end()) return nullptr;
    prev = it->second.get();
  }
  return insert(header, prev);
}

uint32_t HeaderTree::required_bits(const HeaderEntry* prev) const {
  if (params_.difficulty_rule == core::DifficultyRule::kPowLimit) return params_.pow_limit_bits;
  if (prev->height + 1 <= params_.asert_anchor_height) return params_.pow_limit_bits;
  const HeaderEntry* anchor = prev->ancestor(params_.asert_anchor_height);
  if (anchor == nullptr) return params_.pow_limit_bits;
  return core::next_bits_asert(
      {anchor->height, anchor->header.time, anchor->header.bits}, {prev->height, prev->header.time},
      {params_.target_spacing, params_.asert_half_life, params_.pow_limit});
}

core::Result<const HeaderEntry*> HeaderTree::accept(const core::BlockHeader& header, int64_t now) {
  const core::Hash256 hash = header.hash();
  if (const HeaderEntry* known = find(hash)) {
    if (known->invalid) return core::fail("duplicate-invalid");
    return known;
  }
  const auto it = entries_.find(header.prev_block);
  if (it == entries_.end()) return core::fail("prev-not-found");
  HeaderEntry* prev = it->second.get();
  if (prev->invalid) return core::fail("bad-prevblk");
  if (!core::check_proof_of_work(hash, header.bits, params_.pow_limit)) {
    return core::fail("high-hash");
  }
  const HeaderContext ctx{prev->height + 1, required_bits(prev), prev->median_time_past(), now};
  if (auto st = check_header_contextual(header, ctx, params_); !st) return core::fail(st.error());
  return insert(header, prev);
}

const HeaderEntry* HeaderTree::find(const core::Hash256& hash) const {
  const auto it = entries_.find(hash);
  return it == entries_.end() ? nullptr : it->second.get();
}

void HeaderTree::mark_invalid(const core::Hash256& hash) {
  const auto it = entries_.find(hash);
  if (it == entries_.end()) return;
  HeaderEntry* bad = it->second.get();
  bad->invalid = true;
  // Descendants, parents before children: rare enough (an invalid block) for a full pass.
  std::vector<HeaderEntry*> by_height;
  by_height.reserve(entries_.size());
  for (auto& [h, e] : entries_) by_height.push_back(e.get());
  std::sort(by_height.begin(), by_height.end(),
            [](const HeaderEntry* a, const HeaderEntry* b) { return a->height < b->height; });
  for (HeaderEntry* e : by_height) {
    if (e->prev != nullptr && e->prev->invalid) e->invalid = true;
  }
  best_ = nullptr;
  for (auto& [h, e] : entries_) {
    if (!e->invalid && (best_ == nullptr || e->chain_work > best_->chain_work)) best_ = e.get();
  }
}

std::vector<core::Hash256> HeaderTree::locator(const HeaderEntry* from) const {
  std::vector<core::Hash256> out;
  int32_t step = 1;
  const HeaderEntry* e = from;
  while (e != nullptr) {
    out.push_back(e->hash);
    if (e->height == 0) break;
    const int32_t next = std::max(0, e->height - step);
    e = e->ancestor(next);
    if (out.size() > 10) step *= 2;
  }
  return out;
}

}  // namespace btr::node::net
