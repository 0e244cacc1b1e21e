#pragma once
// The nonce-scan contract shared by every SHA256d mining backend (CPU, OpenCL, CUDA).
//
// A job is an 80-byte header template plus a 256-bit target and a nonce range [first, end) of
// at most 2^32 nonces, optionally repeated for several header versions (BIP320 version rolling,
// each version with its own midstate). Scanning returns EVERY (version, nonce) whose SHA256d,
// read as a little-endian 256-bit integer, is <= the target, plus the number of hashes done.
//
// Layers:
//  1. make_scan_constants() (host side, once per job and version) turns the header into
//     ScanConstants: plain uint32_t words that a kernel on any device can use directly (the
//     midstate, the second block's nonce-independent rounds and message-schedule parts, and the
//     top target word).
//  2. A ScanBackend scans one batch of nonces for one ScanConstants and reports CANDIDATES: every
//     nonce whose final hash word 7, byte-swapped (= the most significant 32 bits of the hash as
//     an integer), is <= ScanConstants::target_top. This is a superset of the hits; near misses
//     whose top word equals target_top are legitimate candidates.
//  3. scan() / ParallelScanner (kernels/parallel_scanner.h) drive backends over the whole job,
//     re-hash every candidate with core's reference sha256d and keep only true hits. A candidate
//     whose true top word is above target_top can only come from a broken kernel: it is a
//     "false hit", counted and passed to ScanOptions::on_false_hit (library code never prints).
//     Hits the kernel misses cannot be seen here; the tests and the start-up self-test catch them.
//
// Cancellation: scan() checks its CancelToken before every batch; backends choose batch_size() so
// a batch takes about a millisecond, which is what makes a new job replace the old one quickly.
// No allocation happens inside a backend; the driver allocates only for the hits it returns.

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/block_header.h"
#include "core/uint256.h"

namespace btr::kernels {

inline constexpr uint64_t kNonceSpace = uint64_t{1} << 32;
// BIP320: the version bits miners may roll.
inline constexpr uint32_t kDefaultVersionMask = 0x1fffe000;

// Per-(job, version) constants. Plain words only so a GPU kernel can take the struct by value or
// copy it to constant memory. Notation: the second SHA-256 block of the header is
// W0..W2 = tail, W3 = byte-swapped nonce, W4 = 0x80000000, W5..W14 = 0, W15 = 640.
struct ScanConstants {
  uint32_t version;      // the header version these constants were made for
  uint32_t midstate[8];  // SHA-256 state after header bytes 0..63
  uint32_t tail[3];      // W0..W2: header bytes 64..75 as big-endian words
  // Working state a..h after rounds 0..2 of the second block (these rounds use only W0..W2).
  uint32_t state2[8];
  // Round 3 without its W3 term: after round 3, a = round3_a + W3 and e = round3_e + W3, while
  // b, c, d, f, g, h = state2[0], state2[1], state2[2], state2[4], state2[5], state2[6].
  uint32_t round3_a;
  uint32_t round3_e;
  // Nonce-independent message schedule of the second block (s0/s1 are the small sigmas):
  uint32_t w16;       // = s0(W1) + W0, complete
  uint32_t w17;       // = s1(640) + s0(W2) + W1, complete
  uint32_t w18_base;  // w18 = w18_base + s0(W3)
  uint32_t w19_base;  // w19 = w19_base + W3
  uint32_t w31_add;   // w31 = s1(w29) + w24 + w31_add   (s0(w16) + 640)
  uint32_t w32_add;   // w32 = s1(w30) + w25 + w32_add   (s0(w17) + w16)
  // Target words, least significant first: the hash meets the target when the 256-bit integer
  // (bswap(H7), ..., bswap(H0)) <= (target[7], ..., target[0]). target_top == target[7].
  uint32_t target[8];
  uint32_t target_top;
};

// The constants for `header` (the nonce bytes are ignored) with its version replaced by `version`.
ScanConstants make_scan_constants(const core::HeaderBytes& header, uint32_t version,
                                  const core::Uint256& target);

// The k-th rolled version of `base` under `mask`: the bits of base under the mask, read as a
// counter, advanced by k (mod 2^popcount(mask)); the bits outside the mask are kept. k = 0 is base.
uint32_t rolled_version(uint32_t base, uint32_t mask, uint64_t k);
// Number of distinct versions a mask allows (2^popcount(mask)).
uint64_t version_space(uint32_t mask);

// Where a backend writes candidate nonces. Owned by the caller; backends never allocate.
struct CandidateBuffer {
  uint32_t* nonces = nullptr;
  uint32_t capacity = 0;
  uint32_t size = 0;
  bool full() const { return size >= capacity; }
};

// One scanning engine (a CPU instruction set, one GPU). A backend object is used by one thread at
// a time; the parallel scanner makes one per thread.
class ScanBackend {
 public:
  virtual ~ScanBackend() = default;
  ScanBackend() = default;
  ScanBackend(const ScanBackend&) = delete;
  ScanBackend& operator=(const ScanBackend&) = delete;

  // "portable", "avx2", "avx512", "shani", "opencl:0", "cuda:0" ...
  virtual std::string name() const = 0;
  // Nonces per scan_batch() call that take roughly 1 ms; the driver checks cancellation between
  // batches.
  virtual uint64_t batch_size() const = 0;
  // Scans nonces [first, first + count), with 1 <= count and first + count <= 2^32, appending
  // every candidate (see the note at the top) to `out` in any order. Stops early only when `out`
  // becomes full, after the nonce that filled it at the latest. Returns the number of nonces
  // scanned from `first` on; every candidate in that prefix has been appended. Returns 0 only
  // when the device failed (the driver then stops and sets ScanResult::backend_failed).
  virtual uint64_t scan_batch(const ScanConstants& constants, uint32_t first, uint64_t count,
                              CandidateBuffer& out) = 0;
};

// A job for scan() and ParallelScanner.
struct ScanJob {
  core::HeaderBytes header{};  // template; bytes 76..79 (nonce) are ignored
  core::Uint256 target;        // hit when SHA256d as little-endian integer <= target
  uint32_t nonce_first = 0;
  uint64_t nonce_end = kNonceSpace;  // exclusive, nonce_first <= nonce_end <= 2^32
  // Version rolling: versions rolled_version(header version, version_mask, k) for
  // k in [version_first, version_first + version_count). Mask 0 means the header's version only.
  uint32_t version_mask = 0;
  uint64_t version_first = 0;
  uint64_t version_count = 1;
};

struct ScanHit {
  uint32_t version = 0;
  uint32_t nonce = 0;
  core::Hash256 hash;  // the reference SHA256d of the header with this version and nonce
};

// A candidate that the reference shows the kernel should never have reported.
struct FalseHit {
  std::string backend;
  uint32_t version = 0;
  uint32_t nonce = 0;
};

// Stops a scan when *generation no longer equals `expected` (a newer job was submitted).
struct CancelToken {
  const std::atomic<uint64_t>* generation = nullptr;
  uint64_t expected = 0;
  bool cancelled() const {
    return generation != nullptr && generation->load(std::memory_order_relaxed) != expected;
  }
};

struct ScanOptions {
  CancelToken cancel;
  // Called for every verified hit as soon as it is found (before scan() returns).
  std::function<void(const ScanHit&)> on_hit;
  // Called for every false hit (a kernel bug); the caller decides how to log it.
  std::function<void(const FalseHit&)> on_false_hit;
  // When set, the hashes of every batch are added here as the scan goes (rate displays).
  std::atomic<uint64_t>* progress = nullptr;
};

struct ScanResult {
  std::vector<ScanHit> hits;  // verified hits, in the order found
  uint64_t hashes = 0;        // nonces scanned (over all versions)
  uint64_t candidates = 0;    // reported by the kernel, before verification
  uint64_t false_hits = 0;
  bool cancelled = false;
  bool backend_failed = false;  // scan_batch() returned 0: the device failed; scan stopped
};

// Scans the whole job on the calling thread with one backend.
ScanResult scan(ScanBackend& backend, const ScanJob& job, const ScanOptions& options = {});

// Re-hashes one candidate with core's reference. Returns true and fills `hit` when it meets the
// target; sets `is_false` when even the top word is above target[7] (the kernel lied).
bool verify_candidate(const core::HeaderBytes& header, uint32_t version, uint32_t nonce,
                      const ScanConstants& constants, ScanHit& hit, bool& is_false);

}  // namespace btr::kernels
