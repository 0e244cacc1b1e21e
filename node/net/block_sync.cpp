#include "node/net/block_sync.h"

#include <algorithm>

#include "node/log.h"
#include "node/net/protocol.h"

namespace btr::node::net {

BlockSync::BlockSync(ChainState& chain, SyncHost& host, MsClock ms_clock)
    : chain_(chain), host_(host), now_ms_(std::move(ms_clock)), tree_(chain.params()) {
  load_tree();
}

void BlockSync::load_tree() {
  // Every stored valid block, parents first: walk each tip back to a known entry.
  tree_.add_trusted(chain_.at_height(0)->rec.header);
  for (const BlockIndex* tip : chain_.chain_tips()) {
    std::vector<const BlockIndex*> branch;
    for (const BlockIndex* b = tip; b != nullptr && tree_.find(b->hash()) == nullptr; b = b->prev) {
      branch.push_back(b);
    }
    const bool failed =
        std::any_of(branch.begin(), branch.end(), [](const BlockIndex* b) { return b->failed(); });
    for (auto it = branch.rbegin(); it != branch.rend(); ++it) {
      if ((*it)->failed()) break;
      tree_.add_trusted((*it)->rec.header);
    }
    (void)failed;
  }
}

bool BlockSync::have_block(const core::Hash256& hash) const {
  const BlockIndex* b = chain_.lookup(hash);
  return b != nullptr && (b->have_data() || chain_.in_active_chain(b));
}

bool BlockSync::initial_download() const {
  return tree_.best()->height > chain_.tip()->height() + 24;
}

void BlockSync::peer_ready(PeerId peer, int32_t start_height) {
  PeerSync& ps = peers_[peer];
  (void)start_height;
  request_headers(peer, tree_.best());
  (void)ps;
}

void BlockSync::peer_gone(PeerId peer) {
  auto it = peers_.find(peer);
  if (it == peers_.end()) return;
  for (const core::Hash256& h : it->second.in_flight) in_flight_.erase(h);
  peers_.erase(it);
  request_blocks();
}

void BlockSync::set_prefers_headers(PeerId peer) {
  peers_[peer].prefers_headers = true;
}

int32_t BlockSync::synced_headers(PeerId peer) const {
  auto it = peers_.find(peer);
  if (it == peers_.end() || it->second.best_known == nullptr) return -1;
  return it->second.best_known->height;
}

int32_t BlockSync::synced_blocks(PeerId peer) const {
  auto it = peers_.find(peer);
  if (it == peers_.end() || it->second.best_known == nullptr) return -1;
  // The last block both sides have: the peer's best header's newest stored ancestor.
  const HeaderEntry* e = it->second.best_known;
  while (e != nullptr && !have_block(e->hash)) e = e->prev;
  return e == nullptr ? -1 : e->height;
}

std::vector<int32_t> BlockSync::inflight_heights(PeerId peer) const {
  std::vector<int32_t> out;
  auto it = peers_.find(peer);
  if (it == peers_.end()) return out;
  for (const core::Hash256& h : it->second.in_flight) {
    if (const HeaderEntry* e = tree_.find(h)) out.push_back(e->height);
  }
  std::sort(out.begin(), out.end());
  return out;
}

void BlockSync::request_headers(PeerId peer, const HeaderEntry* from) {
  auto it = peers_.find(peer);
  if (it == peers_.end()) return;
  it->second.last_headers_request_ms = now_ms_();
  host_.send_to(peer, GetHeadersMsg{static_cast<uint32_t>(kProtocolVersion), tree_.locator(from),
                                    core::Hash256{}});
}

void BlockSync::note_known(PeerSync& ps, const HeaderEntry* e) {
  if (e == nullptr || e->invalid) return;
  if (ps.best_known == nullptr || e->chain_work > ps.best_known->chain_work) ps.best_known = e;
}

void BlockSync::on_headers(PeerId peer, const HeadersMsg& msg) {
  auto pit = peers_.find(peer);
  if (pit == peers_.end()) return;
  PeerSync& ps = pit->second;
  if (msg.headers.empty()) return;
  const HeaderEntry* last = nullptr;
  for (size_t i = 0; i < msg.headers.size(); ++i) {
    const core::BlockHeader& h = msg.headers[i];
    if (i > 0 && h.prev_block != msg.headers[i - 1].hash()) {
      host_.punish(peer, 20, "non-continuous headers sequence");
      return;
    }
    auto r = tree_.accept(h, chain_.now());
    if (!r) {
      if (r.error() == "prev-not-found" && i == 0) {
        // Not connecting: ask for the headers in between; many of these is spam.
        if (++ps.unconnecting % 10 == 0) host_.punish(peer, 20, "unconnecting headers");
        request_headers(peer, tree_.best());
        return;
      }
      if (r.error() == "time-too-new") return;  // may become valid later: no punishment
      host_.punish(peer, kBanThreshold, "invalid header: " + r.error());
      return;
    }
    last = *r;
  }
  ps.unconnecting = 0;
  note_known(ps, last);
  // A full message means the peer has more.
  if (msg.headers.size() == kMaxHeadersPerMessage) request_headers(peer, last);
  request_blocks();
}

void BlockSync::on_getheaders(PeerId peer, const GetHeadersMsg& msg) {
  const BlockIndex* fork = nullptr;
  for (const core::Hash256& h : msg.locator) {
    const BlockIndex* b = chain_.lookup(h);
    if (b != nullptr && chain_.in_active_chain(b)) {
      fork = b;
      break;
    }
  }
  HeadersMsg out;
  const BlockIndex* next = fork != nullptr ? chain_.next_in_chain(fork) : chain_.at_height(1);
  for (; next != nullptr && out.headers.size() < kMaxHeadersPerMessage;
       next = chain_.next_in_chain(next)) {
    out.headers.push_back(next->rec.header);
    if (next->hash() == msg.stop) break;
  }
  auto it = peers_.find(peer);
  // What the peer asked from is what it has: no need to announce it back.
  if (it != peers_.end() && fork != nullptr) note_known(it->second, tree_.find(fork->hash()));
  host_.send_to(peer, out);
}

void BlockSync::on_block_inv(PeerId peer, const core::Hash256& hash) {
  auto it = peers_.find(peer);
  if (it == peers_.end()) return;
  if (const HeaderEntry* e = tree_.find(hash)) {
    note_known(it->second, e);
    request_blocks();
    return;
  }
  request_headers(peer, tree_.best());
}

void BlockSync::on_block_notfound(PeerId peer, const core::Hash256& hash) {
  release(peer, hash);
  request_blocks();
}

void BlockSync::release(PeerId peer, const core::Hash256& hash) {
  auto it = in_flight_.find(hash);
  if (it == in_flight_.end() || it->second.peer != peer) return;
  in_flight_.erase(it);
  auto pit = peers_.find(peer);
  if (pit != peers_.end()) pit->second.in_flight.erase(hash);
}

void BlockSync::on_block(PeerId peer, const core::Block& block) {
  auto pit = peers_.find(peer);
  if (pit == peers_.end()) return;
  const core::Hash256 hash = block.hash();
  release(peer, hash);
  auto header = tree_.accept(block.header, chain_.now());
  if (!header) {
    if (header.error() == "prev-not-found") {
      request_headers(peer, tree_.best());
    } else if (header.error() != "time-too-new") {
      host_.punish(peer, kBanThreshold, "invalid block header: " + header.error());
    }
    return;
  }
  note_known(pit->second, *header);
  if (!have_block(hash) && waiting_hashes_.count(hash) == 0) {
    if (chain_.lookup(block.header.prev_block) != nullptr) {
      submit_ready(peer, block);
    } else if (waiting_hashes_.size() < static_cast<size_t>(kDownloadWindow)) {
      waiting_hashes_.insert(hash);
      waiting_.emplace(block.header.prev_block, std::make_pair(peer, block));
    }
  }
  request_blocks();
}

void BlockSync::submit_ready(PeerId from, const core::Block& block) {
  submit_one(from, block);
  // Children that waited for this block, breadth first.
  std::vector<core::Hash256> parents = {block.hash()};
  while (!parents.empty()) {
    const core::Hash256 parent = parents.back();
    parents.pop_back();
    auto range = waiting_.equal_range(parent);
    std::vector<std::pair<PeerId, core::Block>> children;
    for (auto it = range.first; it != range.second; ++it) children.push_back(std::move(it->second));
    waiting_.erase(range.first, range.second);
    for (auto& [peer, child] : children) {
      waiting_hashes_.erase(child.hash());
      submit_one(peer, child);
      parents.push_back(child.hash());
    }
  }
}

void BlockSync::submit_one(PeerId from, const core::Block& block) {
  const SubmitResult r = chain_.submit_block(block);
  if (r.kind != SubmitResult::Kind::kRejected) return;
  log_info("net: block " + block.hash().to_display_hex() + " from peer " + std::to_string(from) +
           " rejected: " + r.reason);
  tree_.mark_invalid(block.hash());
  path_target_ = nullptr;
  host_.punish(from, kBanThreshold, "invalid block: " + r.reason);
}

void BlockSync::rebuild_path() {
  const HeaderEntry* target = tree_.best();
  path_.clear();
  path_cursor_ = 0;
  path_target_ = target;
  if (target->chain_work <= chain_.tip()->rec.chain_work) return;
  for (const HeaderEntry* e = target; e != nullptr; e = e->prev) {
    const BlockIndex* b = chain_.lookup(e->hash);
    if (b != nullptr && chain_.in_active_chain(b)) break;
    path_.push_back(e);
  }
  std::reverse(path_.begin(), path_.end());
}

int32_t BlockSync::servable_height(const PeerSync& ps) const {
  if (ps.best_known == nullptr || path_.empty()) return -1;
  const int32_t base = path_.front()->height;
  const HeaderEntry* e =
      ps.best_known->ancestor(std::min(ps.best_known->height, path_.back()->height));
  while (e != nullptr && e->height >= base && path_[static_cast<size_t>(e->height - base)] != e) {
    e = e->prev;
  }
  return e == nullptr || e->height < base ? -1 : e->height;
}

void BlockSync::request_blocks() {
  if (path_target_ != tree_.best()) rebuild_path();
  while (path_cursor_ < path_.size() && have_block(path_[path_cursor_]->hash)) ++path_cursor_;
  if (path_cursor_ >= path_.size()) return;
  const int32_t window_end = path_[path_cursor_]->height + kDownloadWindow;
  window_blocked_ = false;
  std::vector<std::pair<PeerId, int32_t>> servers;
  for (auto& [id, ps] : peers_) {
    const int32_t h = servable_height(ps);
    if (h >= 0 && ps.in_flight.size() < kMaxBlocksInFlightPerPeer) servers.emplace_back(id, h);
  }
  if (servers.empty()) return;
  std::map<PeerId, GetDataMsg> requests;
  const int64_t now = now_ms_();
  for (size_t i = path_cursor_; i < path_.size() && path_[i]->height < window_end; ++i) {
    const HeaderEntry* e = path_[i];
    if (in_flight_.count(e->hash) != 0 || waiting_hashes_.count(e->hash) != 0 ||
        have_block(e->hash)) {
      continue;
    }
    // The least busy peer that has the block.
    PeerSync* best = nullptr;
    PeerId best_id = 0;
    for (const auto& [id, h] : servers) {
      PeerSync& ps = peers_[id];
      if (h < e->height || ps.in_flight.size() >= kMaxBlocksInFlightPerPeer) continue;
      if (best == nullptr || ps.in_flight.size() < best->in_flight.size()) {
        best = &ps;
        best_id = id;
      }
    }
    if (best == nullptr) break;
    best->in_flight.insert(e->hash);
    in_flight_[e->hash] = {best_id, now};
    requests[best_id].items.push_back({kInvBlock, e->hash});
  }
  // Blocks beyond the window that a peer with free slots could have sent:
  // the window, held back by its first block, is what limits the download.
  const size_t after = path_cursor_ + static_cast<size_t>(kDownloadWindow);
  if (after < path_.size()) {
    for (const auto& [id, h] : servers) {
      if (h >= path_[after]->height && peers_[id].in_flight.size() < kMaxBlocksInFlightPerPeer) {
        window_blocked_ = true;
      }
    }
  }
  for (auto& [id, msg] : requests) host_.send_to(id, msg);
}

void BlockSync::tick() {
  const int64_t now = now_ms_();
  std::set<PeerId> to_drop;
  for (const auto& [hash, req] : in_flight_) {
    if (now - req.sent_ms > kBlockTimeoutMs) to_drop.insert(req.peer);
  }
  // Stall: the window cannot move because one peer holds its first block.
  if (path_cursor_ < path_.size()) {
    auto first = in_flight_.find(path_[path_cursor_]->hash);
    if (first != in_flight_.end() && window_blocked_ && peers_.size() > 1 &&
        now - first->second.sent_ms > kStallTimeoutMs) {
      to_drop.insert(first->second.peer);
    }
  }
  for (PeerId p : to_drop) host_.drop(p, "block download stalled");
  if (now - last_poll_ms_ >= kHeadersPollMs) {
    last_poll_ms_ = now;
    // Catch-up in case an announcement was missed.
    for (auto& [id, ps] : peers_) request_headers(id, tree_.best());
  }
  request_blocks();
}

void BlockSync::block_connected(const core::Block& block, const BlockIndex& index) {
  if (tree_.find(index.hash()) == nullptr && tree_.find(block.header.prev_block) != nullptr) {
    tree_.add_trusted(block.header);
  }
  connected_since_announce_.push_back(&index);
}

void BlockSync::announce(PeerId id, PeerSync& ps, const BlockIndex& tip) {
  const HeaderEntry* tip_entry = tree_.find(tip.hash());
  if (ps.best_known != nullptr && tip_entry != nullptr &&
      ps.best_known->ancestor(tip_entry->height) == tip_entry) {
    return;  // the peer has it already
  }
  if (ps.prefers_headers && connected_since_announce_.size() <= kMaxHeadersAnnounced) {
    HeadersMsg msg;
    for (const BlockIndex* b : connected_since_announce_) msg.headers.push_back(b->rec.header);
    host_.send_to(id, msg);
  } else {
    host_.send_to(id, InvMsg{{{kInvBlock, tip.hash()}}});
  }
}

void BlockSync::tip_changed(const BlockIndex& tip) {
  if (!initial_download()) {
    for (auto& [id, ps] : peers_) announce(id, ps, tip);
  }
  connected_since_announce_.clear();
}

}  // namespace btr::node::net
