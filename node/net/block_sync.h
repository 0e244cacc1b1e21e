#pragma once
// Headers-first block synchronisation and block announcement.
//
// Headers arrive first (getheaders/headers, with block locators) and are
// validated into the HeaderTree. Blocks on the way from the active tip to the
// best header are then requested from every peer that has them, at most
// kMaxBlocksInFlightPerPeer each, inside a moving window of kDownloadWindow
// blocks above the tip. A peer that holds back the window's first block for
// kStallTimeoutMs while the window is full is disconnected (stall), as is a
// peer that leaves any request unanswered for kBlockTimeoutMs. Blocks that
// arrive out of order wait for their parent and go to ChainState in order.
// A peer that sends a header with bad proof of work or an invalid block is
// punished (misbehaviour 100: banned). Blocks are announced only after they
// joined the active chain, so an invalid block is never forwarded: by
// headers to peers that sent sendheaders, by inv to the others.

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <vector>

#include "node/chain_listener.h"
#include "node/chain_state.h"
#include "node/net/header_tree.h"
#include "node/net/messages.h"
#include "node/net/peer.h"

namespace btr::node::net {

inline constexpr int32_t kDownloadWindow = 1024;
inline constexpr size_t kMaxBlocksInFlightPerPeer = 32;
inline constexpr int64_t kStallTimeoutMs = 2000;
inline constexpr int64_t kBlockTimeoutMs = 30'000;
inline constexpr int64_t kHeadersPollMs = 15'000;
inline constexpr size_t kMaxHeadersAnnounced = 8;

// What BlockSync needs from the connection manager.
class SyncHost {
 public:
  virtual ~SyncHost() = default;
  virtual void send_to(PeerId peer, const Message& msg) = 0;
  virtual void punish(PeerId peer, int score, const std::string& reason) = 0;
  virtual void drop(PeerId peer, const std::string& reason) = 0;
};

class BlockSync : public ChainListener {
 public:
  using MsClock = std::function<int64_t()>;
  BlockSync(ChainState& chain, SyncHost& host, MsClock ms_clock);

  // ---- peers ----
  void peer_ready(PeerId peer, int32_t start_height);
  void peer_gone(PeerId peer);
  void set_prefers_headers(PeerId peer);

  // ---- messages ----
  void on_headers(PeerId peer, const HeadersMsg& msg);
  void on_getheaders(PeerId peer, const GetHeadersMsg& msg);
  void on_block_inv(PeerId peer, const core::Hash256& hash);
  void on_block(PeerId peer, const core::Block& block);
  void on_block_notfound(PeerId peer, const core::Hash256& hash);

  // Timeouts, stall detection, periodic header polls (about once a second).
  void tick();

  // ---- ChainListener ----
  void block_connected(const core::Block& block, const BlockIndex& index) override;
  void tip_changed(const BlockIndex& tip) override;

  // ---- statistics ----
  int32_t best_header_height() const { return tree_.best()->height; }
  int32_t synced_headers(PeerId peer) const;
  int32_t synced_blocks(PeerId peer) const;
  std::vector<int32_t> inflight_heights(PeerId peer) const;
  bool initial_download() const;

 private:
  struct PeerSync {
    const HeaderEntry* best_known = nullptr;
    bool prefers_headers = false;
    int unconnecting = 0;
    int64_t last_headers_request_ms = 0;
    std::set<core::Hash256> in_flight;
  };
  struct Request {
    PeerId peer = 0;
    int64_t sent_ms = 0;
  };

  void load_tree();
  void request_headers(PeerId peer, const HeaderEntry* from);
  void note_known(PeerSync& ps, const HeaderEntry* e);
  bool have_block(const core::Hash256& hash) const;
  void rebuild_path();
  void request_blocks();
  int32_t servable_height(const PeerSync& ps) const;
  void release(PeerId peer, const core::Hash256& hash);
  void submit_ready(PeerId from, const core::Block& block);
  void submit_one(PeerId from, const core::Block& block);
  void announce(PeerId id, PeerSync& ps, const BlockIndex& tip);

  ChainState& chain_;
  SyncHost& host_;
  MsClock now_ms_;
  HeaderTree tree_;
  std::map<PeerId, PeerSync> peers_;
  std::map<core::Hash256, Request> in_flight_;
  // Blocks received before their parent, by parent hash.
  std::multimap<core::Hash256, std::pair<PeerId, core::Block>> waiting_;
  std::set<core::Hash256> waiting_hashes_;
  // Headers from the fork point with the active chain up to the best header.
  std::vector<const HeaderEntry*> path_;
  const HeaderEntry* path_target_ = nullptr;
  size_t path_cursor_ = 0;       // first path entry whose block ChainState lacks
  bool window_blocked_ = false;  // the window's end, not the peers, stopped requests
  std::vector<const BlockIndex*> connected_since_announce_;
  int64_t last_poll_ms_ = 0;
};

}  // namespace btr::node::net
