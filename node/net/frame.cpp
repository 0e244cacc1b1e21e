#include "node/net/frame.h"

#include <algorithm>
#include <cstring>

#include "core/crypto/sha256.h"
#include "node/net/protocol.h"

namespace btr::node::net {
namespace {

std::array<uint8_t, 4> checksum_of(std::span<const uint8_t> payload) {
  const core::Hash256 h = core::sha256d(payload);
  return {h.bytes[0], h.bytes[1], h.bytes[2], h.bytes[3]};
}

uint32_t read_le32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}

}  // namespace

size_t max_payload_size(const std::string& command, size_t max_block_size) {
  if (command == "verack" || command == "sendheaders" || command == "getaddr" ||
      command == "mempool") {
    return 0;
  }
  if (command == "ping" || command == "pong") return 8;
  if (command == "version") return 4 + 8 + 8 + 26 + 26 + 8 + 3 + kMaxUserAgentLength + 4 + 1;
  if (command == "getheaders") return 4 + 3 + kMaxLocatorSize * 32 + 32;
  if (command == "headers") return 3 + kMaxHeadersPerMessage * 81;
  if (command == "inv" || command == "getdata" || command == "notfound") {
    return 5 + kMaxInvPerMessage * 36;
  }
  if (command == "addr") return 3 + kMaxAddrPerMessage * 30;
  if (command == "block" || command == "tx") return max_block_size;
  if (command == "feefilter") return 8;
  return kMaxMessagePayload;
}

std::vector<uint8_t> frame_message(const Magic& magic, const std::string& command,
                                   std::span<const uint8_t> payload) {
  std::vector<uint8_t> out;
  out.reserve(kFrameHeaderSize + payload.size());
  out.insert(out.end(), magic.begin(), magic.end());
  for (size_t i = 0; i < kCommandSize; ++i) {
    out.push_back(i < command.size() ? static_cast<uint8_t>(command[i]) : 0);
  }
  const uint32_t len = static_cast<uint32_t>(payload.size());
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(len >> (8 * i)));
  const auto sum = checksum_of(payload);
  out.insert(out.end(), sum.begin(), sum.end());
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

core::Result<FrameHeader> parse_frame_header(std::span<const uint8_t> bytes, const Magic& magic,
                                             size_t max_block_size) {
  if (bytes.size() != kFrameHeaderSize) return core::fail("bad-frame-size");
  if (!std::equal(magic.begin(), magic.end(), bytes.begin())) return core::fail("bad-magic");
  FrameHeader h;
  size_t i = 0;
  for (; i < kCommandSize && bytes[4 + i] != 0; ++i) {
    const uint8_t c = bytes[4 + i];
    if (c < 0x20 || c > 0x7e) return core::fail("bad-command");
    h.command.push_back(static_cast<char>(c));
  }
  if (h.command.empty()) return core::fail("bad-command");
  for (; i < kCommandSize; ++i) {
    if (bytes[4 + i] != 0) return core::fail("bad-command-padding");
  }
  h.length = read_le32(bytes.data() + 16);
  if (h.length > max_payload_size(h.command, max_block_size)) {
    return core::fail("oversized-" + h.command);
  }
  std::copy(bytes.begin() + 20, bytes.begin() + 24, h.checksum.begin());
  return h;
}

void FrameDecoder::feed(std::span<const uint8_t> bytes) {
  // Compact consumed bytes before growing, so the buffer stays one message.
  if (pos_ > 0 && pos_ * 2 >= buf_.size()) {
    buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(pos_));
    pos_ = 0;
  }
  buf_.insert(buf_.end(), bytes.begin(), bytes.end());
}

core::Result<std::optional<RawMessage>> FrameDecoder::next() {
  if (!header_) {
    if (buffered() < kFrameHeaderSize) return std::optional<RawMessage>();
    auto h = parse_frame_header(std::span(buf_).subspan(pos_, kFrameHeaderSize), magic_,
                                max_block_size_);
    if (!h) return core::fail(h.error());
    header_ = std::move(*h);
    pos_ += kFrameHeaderSize;
  }
  if (buffered() < header_->length) return std::optional<RawMessage>();
  const auto payload = std::span(buf_).subspan(pos_, header_->length);
  if (checksum_of(payload) != header_->checksum) return core::fail("bad-checksum");
  RawMessage msg{std::move(header_->command), {payload.begin(), payload.end()}};
  pos_ += header_->length;
  header_.reset();
  if (pos_ == buf_.size()) {
    buf_.clear();
    pos_ = 0;
  }
  return std::optional<RawMessage>(std::move(msg));
}

}  // namespace btr::node::net
