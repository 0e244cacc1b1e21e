#pragma once
// Validates a mining.submit in mining-interop.md section 2's order:
//  0. the session has subscribed                             (25 "Not subscribed")
//  1. params[0] is an authorized worker of the session      (24 "Worker mismatch")
//  2. known job; not from before the current tip            (21 "Invalid JobID" / "Stale")
//  3. extranonce2 length exactly the job's                   (20 "Invalid nonce2 length")
//  4. job.ntime <= ntime <= job.ntime + ntime_window_s       (20 "Ntime out of range")
//  5. version bits only inside the negotiated mask           (20 "Invalid version mask")
//     final version = (job & ~mask) | (bits & mask); the job's version when
//     no 6th param is sent
//  6. rebuild coinbase, Merkle root, header, SHA256d; share difficulty
//  7. duplicate (job, en1, en2, ntime, nonce, version)       (22 "Duplicate")
//  8. block candidate when the hash meets the network target (block hex built)
//  9. share difficulty >= the job's session difficulty      (23 "Above target")
// A block candidate is flagged even when step 9 refuses the share (on
// regtest the network target can be easier than the session's). Accepted
// shares are recorded in the JobStore for step 7.

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "core/block_header.h"
#include "core/uint256.h"
#include "pool/job_store.h"
#include "pool/share_difficulty.h"
#include "stratum/errors.h"
#include "stratum/messages.h"

namespace btr::pool {

// ckpool's window, the default of PoolConfig::ntime_window_s.
inline constexpr uint32_t kMaxNtimeAhead = 7000;

struct ShareContext {
  std::span<const std::string> authorized_workers;
  std::span<const uint8_t> extranonce1;
  uint32_t version_mask = 0;  // negotiated by mining.configure; 0 = no rolling
  const ShareDifficultyTracker* difficulty = nullptr;  // required
  bool subscribed = true;                    // false: refused first with 25 "Not subscribed"
  uint32_t ntime_window_s = kMaxNtimeAhead;  // ntime may be this far after the job's
};

struct ShareOutcome {
  int code = 0;        // 0 accepted, else 20..25
  std::string reason;  // ckpool-like reason string when refused
  bool accepted() const { return code == 0; }

  std::shared_ptr<const Job> job;  // set from step 2 on
  double share_difficulty = 0;     // set from step 6 on
  double required_difficulty = 0;
  uint32_t version = 0;  // final header version
  core::Hash256 hash;    // internal order
  core::HeaderBytes header{};
  std::vector<uint8_t> coinbase;

  bool block_candidate = false;
  std::string block_hex;  // submitblock argument when block_candidate
};

ShareOutcome validate_share(const stratum::Submit& submit, const ShareContext& context,
                            JobStore& jobs);

}  // namespace btr::pool
