#include "tools/miner/miner_job.h"

#include <cmath>
#include <limits>

#include "stratum/share_rebuild.h"

namespace btr::tools::miner {

std::vector<uint8_t> job_coinbase(const MinerJob& job, std::span<const uint8_t> extranonce2) {
  return stratum::assemble_coinbase(job.notify.coinb1, job.extranonce1, extranonce2,
                                    job.notify.coinb2);
}

core::HeaderBytes job_header(const MinerJob& job, std::span<const uint8_t> extranonce2,
                             uint32_t version, uint32_t nonce) {
  return job_header(job, extranonce2, version, nonce, job.notify.ntime);
}

core::HeaderBytes job_header(const MinerJob& job, std::span<const uint8_t> extranonce2,
                             uint32_t version, uint32_t nonce, uint32_t ntime) {
  stratum::ShareFields fields;
  fields.extranonce1 = job.extranonce1;
  fields.extranonce2 = extranonce2;
  fields.ntime = ntime;
  fields.nonce = nonce;
  fields.version = version;
  return stratum::rebuild_share(job.notify, fields).header_bytes;
}

core::Uint256 target_for_difficulty(double difficulty) {
  if (!(difficulty > 0) || !std::isfinite(difficulty)) return core::Uint256::max();
  // difficulty = m * 2^(e - 53) with m a 53-bit integer, so
  // target = 0xffff * 2^208 / difficulty = (0xffff << (261 - e)) / m.
  int e = 0;
  const double frac = std::frexp(difficulty, &e);
  const auto m = static_cast<uint64_t>(std::ldexp(frac, 53));
  const int shift = 261 - e;
  const core::Uint256 diff1_mantissa(0xffff);
  if (shift < 0) return core::Uint256(1);
  if (shift <= 240) {
    core::Uint256 t = (diff1_mantissa << static_cast<unsigned>(shift)) / core::Uint256(m);
    return t.is_zero() ? core::Uint256(1) : t;
  }
  const core::Uint256 partial = (diff1_mantissa << 240u) / core::Uint256(m);
  const unsigned extra = static_cast<unsigned>(shift - 240);
  if (partial.bits() + extra > 256) return core::Uint256::max();
  return partial << extra;
}

double difficulty_of_hash(const core::Hash256& hash) {
  const double h = core::Uint256::from_hash(hash).to_double();
  if (h <= 0) return std::numeric_limits<double>::max();
  return std::ldexp(65535.0, 208) / h;
}

core::Uint256 target_from_compact(uint32_t bits) {
  const unsigned exponent = bits >> 24;
  const uint32_t mantissa = bits & 0x007fffff;
  if ((bits & 0x00800000) != 0 || mantissa == 0) return core::Uint256();
  if (exponent <= 3) return core::Uint256(mantissa >> (8 * (3 - exponent)));
  const core::Uint256 m(mantissa);
  if (m.bits() + 8 * (exponent - 3) > 256) return core::Uint256();
  return m << (8 * (exponent - 3));
}

bool hash_at_or_under(const core::Hash256& hash, const core::Uint256& target) {
  return core::Uint256::from_hash(hash) <= target;
}

}  // namespace btr::tools::miner
