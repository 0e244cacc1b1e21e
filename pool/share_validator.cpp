#include "pool/share_validator.h"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "core/pow.h"
#include "stratum/share_rebuild.h"

namespace btr::pool {
namespace {

using stratum::ErrorCode;
namespace reason = stratum::reason;

ShareOutcome& refuse(ShareOutcome& out, ErrorCode code, std::string_view why) {
  out.code = stratum::code_value(code);
  out.reason = std::string(why);
  return out;
}

ShareKey share_key(const core::Hash256& hash) {
  ShareKey key{};
  std::memcpy(key.data(), hash.bytes.data(), key.size());
  return key;
}

}  // namespace

ShareOutcome validate_share(const stratum::Submit& submit, const ShareContext& context,
                            JobStore& jobs) {
  assert(context.difficulty != nullptr);
  ShareOutcome out;
  if (!context.subscribed) return refuse(out, ErrorCode::kNotSubscribed, reason::kNotSubscribed);
  // 1. The worker named in params[0] must be authorized on this session.
  if (context.authorized_workers.empty())
    return refuse(out, ErrorCode::kUnauthorized, reason::kUnauthorized);
  const auto& names = context.authorized_workers;
  if (std::find(names.begin(), names.end(), submit.worker) == names.end())
    return refuse(out, ErrorCode::kUnauthorized, reason::kWorkerMismatch);

  // 2. Known job of the current tip.
  const JobStore::Lookup found = jobs.find(submit.job_id);
  if (found.state == JobStore::State::kUnknown)
    return refuse(out, ErrorCode::kJobNotFound, reason::kInvalidJobId);
  out.job = found.job;
  if (found.state == JobStore::State::kStale)
    return refuse(out, ErrorCode::kJobNotFound, reason::kStale);
  const Job& job = *found.job;

  // 3. Exact extranonce2 length (the coinbase's scriptSig length counts it).
  if (submit.extranonce2.size() != job.extranonce2_size)
    return refuse(out, ErrorCode::kOther, reason::kInvalidNonce2Length);

  // 4. ntime window, as ckpool: [job ntime, job ntime + window] (7000 s by default).
  const uint64_t job_ntime = job.notify.ntime;
  if (submit.ntime < job_ntime || uint64_t{submit.ntime} > job_ntime + context.ntime_window_s)
    return refuse(out, ErrorCode::kOther, reason::kNtimeOutOfRange);

  // 5. Version bits only inside the negotiated mask; BIP310 final version.
  // Without a 6th param the job's version is used unchanged.
  out.version = job.notify.version;
  if (submit.version_bits) {
    const uint32_t bits = *submit.version_bits;
    if ((bits & ~context.version_mask) != 0)
      return refuse(out, ErrorCode::kOther, reason::kInvalidVersionMask);
    out.version = stratum::apply_version_bits(job.notify.version, bits, context.version_mask);
  }

  // 6. Rebuild and hash.
  stratum::ShareFields fields{context.extranonce1, submit.extranonce2, submit.ntime, submit.nonce,
                              out.version};
  stratum::RebuiltShare rebuilt = stratum::rebuild_share(job.notify, fields);
  out.hash = rebuilt.hash;
  out.header = rebuilt.header_bytes;
  out.share_difficulty = core::share_difficulty(rebuilt.hash);
  out.required_difficulty = context.difficulty->required(submit.job_id);

  // 7. Duplicate of an accepted share.
  const ShareKey key = share_key(rebuilt.hash);
  if (jobs.seen(submit.job_id, key)) return refuse(out, ErrorCode::kDuplicate, reason::kDuplicate);

  // 8. Block candidate, whatever the session difficulty says.
  if (core::hash_meets_target(rebuilt.hash, job.network_target)) {
    out.block_candidate = true;
    out.block_hex = assemble_block_hex(*job.block_template, rebuilt.header_bytes, rebuilt.coinbase);
  }
  out.coinbase = std::move(rebuilt.coinbase);

  // 9. Session difficulty the job was sent with (lower of old/new after a change).
  const core::Uint256 share_target = core::target_from_difficulty(out.required_difficulty);
  if (!core::hash_meets_target(out.hash, share_target))
    return refuse(out, ErrorCode::kLowDifficulty, reason::kAboveTarget);

  jobs.record(submit.job_id, key);
  return out;
}

}  // namespace btr::pool
