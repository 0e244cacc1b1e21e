#include "node/net/tx_relay.h"

#include <cmath>

#include "node/net/protocol.h"

namespace btr::node::net {

TxRelay::TxRelay(Mempool& mempool, SyncHost& host, MsClock ms_clock, uint64_t seed)
    : mempool_(mempool), host_(host), now_ms_(std::move(ms_clock)), rng_(seed) {
  mempool_.add_listener(this);
}

TxRelay::~TxRelay() {
  mempool_.remove_listener(this);
}

int64_t TxRelay::next_delay_ms(bool inbound) {
  const double mean = static_cast<double>(inbound ? kInboundTrickleMeanMs : kOutboundTrickleMeanMs);
  std::exponential_distribution<double> d(1.0 / mean);
  return static_cast<int64_t>(std::llround(d(rng_)));
}

void TxRelay::remember(PeerRelay& pr, const core::Hash256& txid) {
  if (pr.known.size() >= kMaxKnownPerPeer) pr.known.clear();
  pr.known.insert(txid);
}

void TxRelay::peer_ready(PeerId peer, bool inbound, bool wants_txs) {
  PeerRelay& pr = peers_[peer];
  pr.inbound = inbound;
  pr.wants_txs = wants_txs;
  pr.next_send_ms = now_ms_() + next_delay_ms(inbound);
}

void TxRelay::peer_gone(PeerId peer) {
  peers_.erase(peer);
  for (auto it = requested_.begin(); it != requested_.end();) {
    it = it->second.first == peer ? requested_.erase(it) : std::next(it);
  }
}

void TxRelay::on_tx_inv(PeerId peer, const core::Hash256& txid) {
  auto it = peers_.find(peer);
  if (it == peers_.end()) return;
  remember(it->second, txid);
  if (mempool_.contains(txid) || requested_.count(txid) != 0) return;
  requested_[txid] = {peer, now_ms_()};
  host_.send_to(peer, GetDataMsg{{{kInvTx, txid}}});
}

void TxRelay::on_tx(PeerId peer, const core::Transaction& tx) {
  const core::Hash256 txid = tx.txid();
  requested_.erase(txid);
  auto it = peers_.find(peer);
  if (it != peers_.end()) remember(it->second, txid);
  if (mempool_.contains(txid)) return;
  // Policy refusals are not the peer's fault (Core does not punish them either).
  (void)mempool_.accept(tx, false);
}

bool TxRelay::on_getdata_tx(PeerId peer, const core::Hash256& txid) {
  const MempoolEntry* e = mempool_.get(txid);
  if (e == nullptr) return false;
  host_.send_to(peer, TxMsg{*e->tx});
  return true;
}

void TxRelay::transaction_added(const core::Transaction& tx) {
  const core::Hash256 txid = tx.txid();
  for (auto& [id, pr] : peers_) {
    if (pr.wants_txs && pr.known.count(txid) == 0) pr.queue.push_back(txid);
  }
}

void TxRelay::tick() {
  const int64_t now = now_ms_();
  for (auto& [id, pr] : peers_) {
    if (pr.queue.empty() || now < pr.next_send_ms) continue;
    pr.next_send_ms = now + next_delay_ms(pr.inbound);
    InvMsg inv;
    size_t used = 0;
    for (; used < pr.queue.size() && inv.items.size() < kMaxInvBroadcast; ++used) {
      const core::Hash256& txid = pr.queue[used];
      // Gone from the pool (mined, evicted) or learned meanwhile: nothing to say.
      if (pr.known.count(txid) != 0 || !mempool_.contains(txid)) continue;
      remember(pr, txid);
      inv.items.push_back({kInvTx, txid});
    }
    pr.queue.erase(pr.queue.begin(), pr.queue.begin() + static_cast<std::ptrdiff_t>(used));
    if (!inv.items.empty()) host_.send_to(id, inv);
  }
  for (auto it = requested_.begin(); it != requested_.end();) {
    it = now - it->second.second > kTxRequestTimeoutMs ? requested_.erase(it) : std::next(it);
  }
}

}  // namespace btr::node::net
