#pragma once
// The PPLNS window: the last N difficulty-weighted shares, N a multiple of
// the network difficulty. Shares are kept in time slices (one per slice_s
// seconds) of per-address difficulty sums, newest at the back; weights()
// walks back from the newest slice until N is reached and counts the oldest
// slice it needs in proportion, so a slice of s seconds is the only
// approximation of "the last N". Pure logic; the ledger feeds it and persists
// the slices, and restores it at start.

#include <cstdint>
#include <deque>
#include <map>
#include <string>

namespace btr::pool::payout {

class PplnsWindow {
 public:
  explicit PplnsWindow(int64_t slice_s = 10) : slice_s_(slice_s > 0 ? slice_s : 1) {}

  void add(const std::string& address, double difficulty, int64_t unix_time);
  // Difficulty per address over the last `n` difficulty (all of it if less).
  std::map<std::string, double> weights(double n) const;
  // Drops slices entirely older than the last `n` difficulty.
  void trim(double n);
  // Start time of the oldest slice the last `n` difficulty reaches into
  // (0 when empty): older share records are no longer needed for payouts.
  int64_t oldest_needed(double n) const;

  double total() const { return total_; }
  size_t slices() const { return slices_.size(); }

 private:
  struct Slice {
    int64_t start = 0;
    double total = 0;
    std::map<std::string, double> by_address;
  };
  int64_t slice_s_;
  std::deque<Slice> slices_;  // oldest first
  double total_ = 0;
};

}  // namespace btr::pool::payout
