#include "kernels/scan.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>

#include "core/crypto/sha256.h"
#include "kernels/sha256_mining.h"

namespace btr::kernels {
namespace {

using namespace sha;  // NOLINT: the SHA-256 helper names read best unqualified here

void put_le32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

std::array<uint32_t, 8> header_midstate(const core::HeaderBytes& header, uint32_t version) {
  std::array<uint8_t, 64> block{};
  for (size_t i = 0; i < 64; ++i) block[i] = header[i];
  put_le32(block.data(), version);
  std::array<uint32_t, 8> state{};
  for (size_t i = 0; i < 8; ++i) state[i] = core::kSha256Init[i];
  core::sha256_transform_portable(state.data(), block.data(), 1);
  return state;
}

// One SHA-256 round on the working state s = {a..h} with w = W[i] and k = K[i].
void round(uint32_t* s, uint32_t k, uint32_t w) {
  const uint32_t t1 = s[7] + big_sigma1(s[4]) + ch(s[4], s[5], s[6]) + k + w;
  const uint32_t t2 = big_sigma0(s[0]) + maj(s[0], s[1], s[2]);
  for (int j = 7; j > 0; --j) s[j] = s[j - 1];
  s[4] += t1;
  s[0] = t1 + t2;
}

}  // namespace

ScanConstants make_scan_constants(const core::HeaderBytes& header, uint32_t version,
                                  const core::Uint256& target) {
  ScanConstants c{};
  c.version = version;
  const auto mid = header_midstate(header, version);
  for (int i = 0; i < 8; ++i) c.midstate[i] = mid[i];
  for (int i = 0; i < 3; ++i) c.tail[i] = core::read_be32(header.data() + 64 + 4 * i);

  uint32_t s[8];
  for (int i = 0; i < 8; ++i) s[i] = mid[i];
  for (int i = 0; i < 3; ++i) round(s, kK[i], c.tail[i]);
  for (int i = 0; i < 8; ++i) c.state2[i] = s[i];
  // Round 3 with W3 = 0: T1 and so both new words are exactly W3 short.
  round(s, kK[3], 0);
  c.round3_a = s[0];
  c.round3_e = s[4];

  c.w16 = small_sigma0(c.tail[1]) + c.tail[0];
  c.w17 = small_sigma1(640) + small_sigma0(c.tail[2]) + c.tail[1];
  c.w18_base = small_sigma1(c.w16) + c.tail[2];
  c.w19_base = small_sigma1(c.w17) + kH1W19Add;
  c.w31_add = small_sigma0(c.w16) + 640;
  c.w32_add = small_sigma0(c.w17) + c.w16;

  const auto t = target.to_le_bytes();
  for (int i = 0; i < 8; ++i) {
    c.target[i] = uint32_t{t[4 * i]} | uint32_t{t[4 * i + 1]} << 8 | uint32_t{t[4 * i + 2]} << 16 |
                  uint32_t{t[4 * i + 3]} << 24;
  }
  c.target_top = c.target[7];
  return c;
}

uint64_t version_space(uint32_t mask) {
  return uint64_t{1} << std::popcount(mask);
}

uint32_t rolled_version(uint32_t base, uint32_t mask, uint64_t k) {
  // Gather the masked bits of base into a counter, add k, scatter back (pext / pdep by hand).
  uint64_t counter = 0;
  int pos = 0;
  for (int bit = 0; bit < 32; ++bit) {
    if ((mask >> bit & 1u) == 0) continue;
    counter |= uint64_t{base >> bit & 1u} << pos;
    ++pos;
  }
  counter += k;
  uint32_t out = base & ~mask;
  pos = 0;
  for (int bit = 0; bit < 32; ++bit) {
    if ((mask >> bit & 1u) == 0) continue;
    out |= static_cast<uint32_t>(counter >> pos & 1u) << bit;
    ++pos;
  }
  return out;
}

bool verify_candidate(const core::HeaderBytes& header, uint32_t version, uint32_t nonce,
                      const ScanConstants& constants, ScanHit& hit, bool& is_false) {
  core::HeaderBytes h = header;
  put_le32(h.data(), version);
  put_le32(h.data() + 76, nonce);
  const core::Hash256 hash = core::sha256d(h);
  // Compare as a little-endian integer, most significant word (bytes 28..31) first.
  is_false = false;
  for (int w = 7; w >= 0; --w) {
    const uint8_t* p = hash.data() + 4 * w;
    const uint32_t word =
        uint32_t{p[0]} | uint32_t{p[1]} << 8 | uint32_t{p[2]} << 16 | uint32_t{p[3]} << 24;
    if (word == constants.target[w]) continue;
    if (word > constants.target[w]) {
      is_false = (w == 7);
      return false;
    }
    break;
  }
  hit.version = version;
  hit.nonce = nonce;
  hit.hash = hash;
  return true;
}

ScanResult scan(ScanBackend& backend, const ScanJob& job, const ScanOptions& options) {
  assert(job.nonce_first <= job.nonce_end && job.nonce_end <= kNonceSpace);
  ScanResult result;
  const uint32_t header_version = uint32_t{job.header[0]} | uint32_t{job.header[1]} << 8 |
                                  uint32_t{job.header[2]} << 16 | uint32_t{job.header[3]} << 24;
  const uint64_t batch = backend.batch_size() == 0 ? 4096 : backend.batch_size();
  std::array<uint32_t, 1024> candidates{};

  for (uint64_t k = 0; k < job.version_count; ++k) {
    const uint32_t version =
        job.version_mask == 0
            ? header_version
            : rolled_version(header_version, job.version_mask, job.version_first + k);
    const ScanConstants constants = make_scan_constants(job.header, version, job.target);
    uint64_t next = job.nonce_first;
    while (next < job.nonce_end) {
      if (options.cancel.cancelled()) {
        result.cancelled = true;
        return result;
      }
      CandidateBuffer out{candidates.data(), static_cast<uint32_t>(candidates.size()), 0};
      const uint64_t count = std::min(batch, job.nonce_end - next);
      const uint64_t done = backend.scan_batch(constants, static_cast<uint32_t>(next), count, out);
      assert(done <= count);
      if (done == 0) {  // device failure: stop rather than spin on the same batch
        result.backend_failed = true;
        return result;
      }
      result.hashes += done;
      if (options.progress != nullptr) options.progress->fetch_add(done, std::memory_order_relaxed);
      result.candidates += out.size;
      next += done;
      for (uint32_t i = 0; i < out.size; ++i) {
        ScanHit hit;
        bool is_false = false;
        if (verify_candidate(job.header, version, out.nonces[i], constants, hit, is_false)) {
          if (options.on_hit) options.on_hit(hit);
          result.hits.push_back(hit);
        } else if (is_false) {
          ++result.false_hits;
          if (options.on_false_hit) options.on_false_hit({backend.name(), version, out.nonces[i]});
        }
      }
    }
  }
  return result;
}

}  // namespace btr::kernels
