#pragma once
// Fast path for the load generator's hottest line, mining.notify. At a new
// block btr-pool sends the same ~1 KB notify (11-hash Merkle branch) to every
// connection; a full JSON parse of each (stratum::parse_server_message) made
// the tool, not the pool, dominate the measured fan-out delay. scan_notify()
// reads the fields a load run needs on every notify straight from the text,
// without building a DOM.
//
// It accepts only the compact layout stratum::encode_notify writes:
//   {"id":null,"method":"mining.notify","params":["job",...,true]}
// (no spaces, no string escapes, params last) and checks every field as the
// full parser would (9 params, hex fields, 1..8-digit version/nbits/ntime).
// Anything else -- another layout, another message, garbage -- is refused
// with a reason and the caller falls back to the full parser, so correctness
// never depends on the fast path.

#include <cstdint>
#include <string_view>

#include "core/result.h"
#include "core/uint256.h"

namespace btr::tools {

struct NotifyScan {
  std::string_view job_id;   // points into the scanned line
  core::Hash256 prev_block;  // header order, as stratum::Notify::prev_block
  uint32_t ntime = 0;
  bool clean_jobs = false;
};

core::Result<NotifyScan> scan_notify(std::string_view line);

}  // namespace btr::tools
