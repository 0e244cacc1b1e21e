#pragma once
// Observers of the active chain. The mempool, the wallet, the P2P layer and
// the notifiers each need to hear about connected and disconnected blocks;
// ChainState owns the chain and calls every registered listener, in
// registration order, on the event loop's thread.
//
// Contract: callbacks run after the block's database transaction committed,
// so a listener sees the UTXO set with the block applied (or undone). They
// must not call back into ChainState's mutating functions.

#include "core/block.h"

namespace btr::node {

struct BlockIndex;

class ChainListener {
 public:
  virtual ~ChainListener() = default;
  // `block` joined the active chain at `index`.
  virtual void block_connected(const core::Block& block, const BlockIndex& index) {
    (void)block;
    (void)index;
  }
  // `block` (at `index`) left the active chain during a reorganization.
  virtual void block_disconnected(const core::Block& block, const BlockIndex& index) {
    (void)block;
    (void)index;
  }
  // One activation finished and the tip moved (once per reorganization).
  virtual void tip_changed(const BlockIndex& tip) { (void)tip; }
};

}  // namespace btr::node
