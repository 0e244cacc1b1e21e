#pragma once
// Message framing: a 24-byte header (network magic, NUL-padded 12-byte ASCII
// command, payload length, first 4 bytes of SHA256d(payload)) followed by the
// payload. FrameDecoder turns a TCP byte stream into whole messages and never
// buffers more than one header plus the payload length that command allows,
// so a peer cannot make the node allocate without bound.

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"

namespace btr::node::net {

using Magic = std::array<uint8_t, 4>;

struct RawMessage {
  std::string command;
  std::vector<uint8_t> payload;
};

// Largest payload accepted for a command (unknown commands: kMaxMessagePayload).
size_t max_payload_size(const std::string& command, size_t max_block_size);

std::vector<uint8_t> frame_message(const Magic& magic, const std::string& command,
                                   std::span<const uint8_t> payload);

struct FrameHeader {
  std::string command;
  uint32_t length = 0;
  std::array<uint8_t, 4> checksum{};
};

// Checks magic, command characters and padding, and the command's size limit.
core::Result<FrameHeader> parse_frame_header(std::span<const uint8_t> bytes, const Magic& magic,
                                             size_t max_block_size);

class FrameDecoder {
 public:
  FrameDecoder(const Magic& magic, size_t max_block_size)
      : magic_(magic), max_block_size_(max_block_size) {}
  // Appends bytes from the stream.
  void feed(std::span<const uint8_t> bytes);
  // The next whole message, nullopt when more bytes are needed, or an error
  // (the stream is then unusable: the peer broke the protocol).
  core::Result<std::optional<RawMessage>> next();
  size_t buffered() const { return buf_.size() - pos_; }

 private:
  Magic magic_;
  size_t max_block_size_;
  std::vector<uint8_t> buf_;
  size_t pos_ = 0;
  std::optional<FrameHeader> header_;
};

}  // namespace btr::node::net
