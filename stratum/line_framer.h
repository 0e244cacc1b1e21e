#pragma once
// Splits a Stratum byte stream into LF-terminated lines (one JSON message
// each; no length prefix). Tolerates CRLF and skips empty lines. A line that
// grows past max_line bytes without an LF poisons the framer: the peer is
// either broken or hostile, and the caller should drop the connection.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace btr::stratum {

inline constexpr size_t kMaxLineBytes = 16 * 1024;

class LineFramer {
 public:
  explicit LineFramer(size_t max_line = kMaxLineBytes) : max_line_(max_line) {}

  // Appends received bytes. Fails with "line too long" when any line (LF
  // excluded, a CR included) in the stream exceeds max_line bytes; the
  // offending chunk is not kept and every later call fails too.
  core::Status feed(std::string_view bytes);
  // The next complete line without its LF (and CR), or nullopt when none is
  // complete yet. Lines completed by earlier successful feeds are still
  // returned after a failure.
  std::optional<std::string> next_line();

  bool failed() const { return failed_; }
  size_t buffered() const { return buf_.size() - pos_; }
  void reset();

 private:
  std::string buf_;
  size_t pos_ = 0;      // start of the first unreturned byte
  size_t scanned_ = 0;  // bytes from pos_ already known to hold no LF
  size_t pending_ = 0;  // length of the unterminated last line
  size_t max_line_;
  bool failed_ = false;
};

}  // namespace btr::stratum
