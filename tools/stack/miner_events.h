#pragma once
// Reading btr-miner's --json-log output: its status lines (hashrate, shares),
// its found-block lines and its exit summary, one JSON object per line.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace btr::tools::stack {

struct MinerReport {
  double hashrate = 0;  // hashes per second, 10 s average
  uint64_t accepted = 0;
  uint64_t rejected = 0;
  uint64_t stale = 0;
  bool connected = false;
  bool final_summary = false;             // the counts come from the exit summary
  std::vector<std::string> found_blocks;  // hashes of the miner's "BLOCK found" lines
};

enum class MinerLineKind { kOther, kStatus, kBlockFound, kError, kPlain };

struct MinerLine {
  MinerLineKind kind = MinerLineKind::kPlain;
  std::string message;     // the event's message, or the line when not JSON
  std::string block_hash;  // kBlockFound
};

// Folds one output line into the report and says what it was.
MinerLine read_miner_line(const std::string& line, MinerReport& report);

// "12.3 MH/s".
std::string format_hashrate(double hashes_per_s);

}  // namespace btr::tools::stack
