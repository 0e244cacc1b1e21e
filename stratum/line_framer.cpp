#include "stratum/line_framer.h"

namespace btr::stratum {

core::Status LineFramer::feed(std::string_view bytes) {
  if (failed_) return core::fail("line too long");
  // Check every line segment of the new bytes before keeping any of them.
  size_t pending = pending_;
  for (size_t i = 0; i < bytes.size();) {
    const size_t lf = bytes.find('\n', i);
    const size_t segment_end = lf == std::string_view::npos ? bytes.size() : lf;
    pending += segment_end - i;
    if (pending > max_line_) {
      failed_ = true;
      return core::fail("line too long");
    }
    if (lf == std::string_view::npos) break;
    pending = 0;
    i = lf + 1;
  }
  pending_ = pending;
  // Compact lazily: drop consumed bytes once they dominate the buffer.
  if (pos_ > 0 && pos_ >= buf_.size() / 2) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  buf_.append(bytes);
  return core::Status::success();
}

std::optional<std::string> LineFramer::next_line() {
  while (true) {
    const size_t lf = buf_.find('\n', pos_ + scanned_);
    if (lf == std::string::npos) {
      scanned_ = buf_.size() - pos_;
      return std::nullopt;
    }
    size_t end = lf;
    if (end > pos_ && buf_[end - 1] == '\r') --end;
    std::string line = buf_.substr(pos_, end - pos_);
    pos_ = lf + 1;
    scanned_ = 0;
    if (!line.empty()) return line;
  }
}

void LineFramer::reset() {
  buf_.clear();
  pos_ = 0;
  scanned_ = 0;
  pending_ = 0;
  failed_ = false;
}

}  // namespace btr::stratum
