#include "core/block.h"

#include "core/serialize.h"

namespace btr::core {

std::vector<uint8_t> Block::serialize() const {
  std::vector<uint8_t> out;
  out.reserve(serialized_size());
  const HeaderBytes h = header.serialize();
  Writer w(out);
  w.bytes(h).compact_size(transactions.size());
  for (const Transaction& tx : transactions) tx.serialize(w);
  return out;
}

size_t Block::serialized_size() const {
  size_t n = kHeaderSize + compact_size_length(transactions.size());
  for (const Transaction& tx : transactions) n += tx.serialized_size();
  return n;
}

namespace {

Result<BlockHeader> read_header(Reader& r) {
  auto bytes = r.bytes(kHeaderSize);
  if (!bytes) return fail(bytes.error());
  return BlockHeader::parse(*bytes);
}

}  // namespace

Result<Block> Block::parse(std::span<const uint8_t> bytes) {
  Reader r(bytes);
  Block block;
  auto header = read_header(r);
  if (!header) return fail(header.error());
  block.header = *header;
  auto n = r.count(kMinTransactionSize);
  if (!n) return fail(n.error());
  block.transactions.reserve(*n);
  for (uint64_t i = 0; i < *n; ++i) {
    auto tx = Transaction::read(r);
    if (!tx) return fail(tx.error());
    block.transactions.push_back(std::move(*tx));
  }
  if (Status end = r.expect_end(); !end) return fail(end.error());
  return block;
}

std::vector<Hash256> Block::txids() const {
  std::vector<Hash256> out;
  out.reserve(transactions.size());
  for (const Transaction& tx : transactions) out.push_back(tx.txid());
  return out;
}

MerkleRoot Block::compute_merkle_root() const {
  return btr::core::compute_merkle_root(txids());
}

Result<WitnessCoinbaseBlock> parse_block_with_witness_coinbase(std::span<const uint8_t> bytes) {
  Reader r(bytes);
  WitnessCoinbaseBlock out;
  auto header = read_header(r);
  if (!header) return fail(header.error());
  out.block.header = *header;
  auto n = r.count(kMinTransactionSize);
  if (!n) return fail(n.error());
  out.block.transactions.reserve(*n);
  for (uint64_t i = 0; i < *n; ++i) {
    auto ext = read_transaction_bip144(r);
    if (!ext) return fail(ext.error());
    if (ext->has_witness) {
      if (i != 0) return fail("unexpected-witness");
      out.coinbase_had_witness = true;
    }
    out.block.transactions.push_back(std::move(ext->tx));
  }
  if (Status end = r.expect_end(); !end) return fail(end.error());
  return out;
}

}  // namespace btr::core
