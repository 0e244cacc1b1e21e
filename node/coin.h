#pragma once
// Unspent outputs as the node stores them, and the undo record of a
// connected block (the coins it spent, to put back on disconnect).

#include <cstdint>
#include <span>
#include <vector>

#include "core/result.h"
#include "core/serialize.h"
#include "core/transaction.h"

namespace btr::node {

struct Coin {
  core::TxOut out;
  uint32_t height = 0;
  bool coinbase = false;

  bool operator==(const Coin&) const = default;
};

struct SpentCoin {
  core::OutPoint outpoint;
  Coin coin;
};

struct BlockUndo {
  std::vector<SpentCoin> spent;  // in the order the block spent them

  std::vector<uint8_t> serialize() const;
  static core::Result<BlockUndo> parse(std::span<const uint8_t> bytes);
};

// Outputs Bitcoin Core never puts in the UTXO set: OP_RETURN scripts and
// scripts longer than 10,000 bytes can never be spent.
bool is_unspendable(const core::TxOut& out);

// The canonical bytes of one UTXO entry; the UTXO-set hash is SHA256d over
// the entries in (txid bytes, index) order.
void serialize_utxo_entry(core::Writer& w, const core::OutPoint& op, const Coin& coin);

}  // namespace btr::node
