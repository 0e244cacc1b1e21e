#include "node/coin.h"

namespace btr::node {
namespace {

void write_coin(core::Writer& w, const Coin& c) {
  w.u32(c.height * 2 + (c.coinbase ? 1u : 0u));
  w.i64(c.out.value);
  w.var_bytes(c.out.script_pubkey);
}

}  // namespace

bool is_unspendable(const core::TxOut& out) {
  return (!out.script_pubkey.empty() && out.script_pubkey[0] == 0x6a) ||
         out.script_pubkey.size() > 10000;
}

void serialize_utxo_entry(core::Writer& w, const core::OutPoint& op, const Coin& coin) {
  w.hash(op.txid);
  w.u32(op.index);
  write_coin(w, coin);
}

std::vector<uint8_t> BlockUndo::serialize() const {
  std::vector<uint8_t> out;
  core::Writer w(out);
  w.compact_size(spent.size());
  for (const SpentCoin& s : spent) serialize_utxo_entry(w, s.outpoint, s.coin);
  return out;
}

core::Result<BlockUndo> BlockUndo::parse(std::span<const uint8_t> bytes) {
  core::Reader r(bytes);
  auto n = r.count(32 + 4 + 4 + 8 + 1);
  if (!n) return core::fail(n.error());
  BlockUndo undo;
  undo.spent.reserve(*n);
  for (uint64_t i = 0; i < *n; ++i) {
    SpentCoin s;
    auto txid = r.hash();
    auto index = r.u32();
    auto code = r.u32();
    auto value = r.i64();
    if (!txid || !index || !code || !value) return core::fail("bad-undo-data");
    auto script = r.var_bytes();
    if (!script) return core::fail("bad-undo-data");
    s.outpoint = {*txid, *index};
    s.coin.height = *code >> 1;
    s.coin.coinbase = (*code & 1) != 0;
    s.coin.out.value = *value;
    s.coin.out.script_pubkey = std::move(*script);
    undo.spent.push_back(std::move(s));
  }
  if (auto st = r.expect_end(); !st) return core::fail("bad-undo-data");
  return undo;
}

}  // namespace btr::node
