#pragma once
// Transaction relay: transactions that entered the mempool are announced by
// inv to every peer that wants them, trickled: each peer's announcements wait
// in a queue sent in one batch at Poisson-distributed times (mean 5 s for
// inbound peers, 2 s for outbound), so the order of arrival does not reveal
// which peer a transaction came from. Unknown transactions in an inv are
// requested with getdata; a tx message goes to Mempool::accept; getdata for a
// pool transaction is answered with it, otherwise with notfound.

#include <cstdint>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <vector>

#include "node/mempool.h"
#include "node/net/block_sync.h"
#include "node/net/messages.h"
#include "node/net/peer.h"

namespace btr::node::net {

inline constexpr int64_t kInboundTrickleMeanMs = 5000;
inline constexpr int64_t kOutboundTrickleMeanMs = 2000;
inline constexpr size_t kMaxInvBroadcast = 1000;  // per batch
inline constexpr int64_t kTxRequestTimeoutMs = 60'000;
inline constexpr size_t kMaxKnownPerPeer = 50'000;

class TxRelay : public MempoolListener {
 public:
  using MsClock = std::function<int64_t()>;
  TxRelay(Mempool& mempool, SyncHost& host, MsClock ms_clock, uint64_t seed);
  ~TxRelay() override;
  TxRelay(const TxRelay&) = delete;
  TxRelay& operator=(const TxRelay&) = delete;

  void peer_ready(PeerId peer, bool inbound, bool wants_txs);
  void peer_gone(PeerId peer);
  void on_tx_inv(PeerId peer, const core::Hash256& txid);
  void on_tx(PeerId peer, const core::Transaction& tx);
  // False when the pool does not hold it (the caller answers notfound).
  bool on_getdata_tx(PeerId peer, const core::Hash256& txid);
  // Sends every batch that is due and forgets stale requests.
  void tick();

  void transaction_added(const core::Transaction& tx) override;

 private:
  struct PeerRelay {
    bool inbound = false;
    bool wants_txs = true;
    std::set<core::Hash256> known;
    std::vector<core::Hash256> queue;
    int64_t next_send_ms = 0;
  };
  int64_t next_delay_ms(bool inbound);
  void remember(PeerRelay& pr, const core::Hash256& txid);

  Mempool& mempool_;
  SyncHost& host_;
  MsClock now_ms_;
  std::mt19937_64 rng_;
  std::map<PeerId, PeerRelay> peers_;
  std::map<core::Hash256, std::pair<PeerId, int64_t>> requested_;
};

}  // namespace btr::node::net
