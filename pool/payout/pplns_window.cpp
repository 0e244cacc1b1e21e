#include "pool/payout/pplns_window.h"

namespace btr::pool::payout {

void PplnsWindow::add(const std::string& address, double difficulty, int64_t unix_time) {
  if (!(difficulty > 0)) return;
  const int64_t start = unix_time - unix_time % slice_s_;
  // Shares arrive in time order; a late one joins the newest slice.
  if (slices_.empty() || start > slices_.back().start) slices_.push_back(Slice{start, 0, {}});
  Slice& s = slices_.back();
  s.by_address[address] += difficulty;
  s.total += difficulty;
  total_ += difficulty;
}

std::map<std::string, double> PplnsWindow::weights(double n) const {
  std::map<std::string, double> out;
  double left = n;
  for (auto it = slices_.rbegin(); it != slices_.rend() && left > 0; ++it) {
    const double factor = it->total <= left ? 1.0 : left / it->total;
    for (const auto& [address, d] : it->by_address) out[address] += d * factor;
    left -= it->total;
  }
  return out;
}

void PplnsWindow::trim(double n) {
  // Keep the slices whose newer neighbours hold less than n in total.
  double newer = 0;
  size_t keep = 0;
  for (auto it = slices_.rbegin(); it != slices_.rend() && newer < n; ++it) {
    newer += it->total;
    ++keep;
  }
  while (slices_.size() > keep) {
    total_ -= slices_.front().total;
    slices_.pop_front();
  }
  if (slices_.empty()) total_ = 0;
}

int64_t PplnsWindow::oldest_needed(double n) const {
  double newer = 0;
  int64_t start = 0;
  for (auto it = slices_.rbegin(); it != slices_.rend() && newer < n; ++it) {
    newer += it->total;
    start = it->start;
  }
  return start;
}

}  // namespace btr::pool::payout
