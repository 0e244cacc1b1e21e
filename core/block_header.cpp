#include "core/block_header.h"

#include <vector>

#include "core/crypto/sha256.h"
#include "core/serialize.h"

namespace btr::core {

HeaderBytes BlockHeader::serialize() const {
  std::vector<uint8_t> buf;
  buf.reserve(kHeaderSize);
  Writer(buf).i32(version).hash(prev_block).hash(merkle_root).u32(time).u32(bits).u32(nonce);
  HeaderBytes out;
  std::copy(buf.begin(), buf.end(), out.begin());
  return out;
}

Result<BlockHeader> BlockHeader::parse(std::span<const uint8_t> bytes) {
  if (bytes.size() != kHeaderSize) return fail("bad-header-size");
  Reader r(bytes);
  BlockHeader h;
  // Fixed size was checked above, so none of these reads can fail.
  h.version = *r.i32();
  h.prev_block = *r.hash();
  h.merkle_root = *r.hash();
  h.time = *r.u32();
  h.bits = *r.u32();
  h.nonce = *r.u32();
  return h;
}

Hash256 BlockHeader::hash() const { return sha256d(serialize()); }

}  // namespace btr::core
