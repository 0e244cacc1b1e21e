#pragma once
// Headers-first sync keeps every valid header it has heard of, with or
// without its block: ChainState stores full blocks only. Each header is
// checked (proof of work, the bits ASERT or the regtest rule demands, the
// median-time-past and future-time bounds, the version) against its parent
// here before any block is requested for it. Blocks ChainState already holds
// enter as trusted entries.

#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "core/block_header.h"
#include "core/chain_params.h"
#include "core/result.h"
#include "core/uint256.h"

namespace btr::node::net {

struct HeaderEntry {
  core::Hash256 hash;
  core::BlockHeader header;
  int32_t height = 0;
  core::Uint256 chain_work;
  HeaderEntry* prev = nullptr;
  bool invalid = false;

  const HeaderEntry* ancestor(int32_t h) const;
  int64_t median_time_past() const;
};

class HeaderTree {
 public:
  explicit HeaderTree(const core::ChainParams& params);

  // A header ChainState already validated (its parent must be known, or it
  // is genesis). Returns the entry.
  const HeaderEntry* add_trusted(const core::BlockHeader& header);
  // Validates a header from a peer and adds it. Reasons: prev-not-found
  // (the caller may ask for the missing headers), high-hash, bad-diffbits,
  // time-too-old, time-too-new, bad-version(...), bad-prevblk, duplicate-invalid.
  core::Result<const HeaderEntry*> accept(const core::BlockHeader& header, int64_t now);

  const HeaderEntry* find(const core::Hash256& hash) const;
  // The valid header with the most work (first seen among equals).
  const HeaderEntry* best() const { return best_; }
  size_t size() const { return entries_.size(); }
  // Marks the header and everything built on it invalid.
  void mark_invalid(const core::Hash256& hash);
  // Block locator from `from` back to genesis: the last 10 one by one, then
  // doubling steps (Bitcoin's rule).
  std::vector<core::Hash256> locator(const HeaderEntry* from) const;
  // The bits a header on top of `prev` must carry.
  uint32_t required_bits(const HeaderEntry* prev) const;

 private:
  HeaderEntry* insert(const core::BlockHeader& header, HeaderEntry* prev);

  const core::ChainParams& params_;
  std::map<core::Hash256, std::unique_ptr<HeaderEntry>> entries_;
  const HeaderEntry* best_ = nullptr;
};

}  // namespace btr::node::net
