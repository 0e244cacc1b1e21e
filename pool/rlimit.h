#pragma once
// Raises the soft open-file limit to the hard limit (each miner is one
// socket) and reports what the process got.

#include <cstdint>

namespace btr::pool {

struct FileLimit {
  uint64_t soft = 0;
  uint64_t hard = 0;
  bool raised = false;
};

FileLimit raise_open_file_limit();

}  // namespace btr::pool
