#include "kernels/gpu_pipeline.h"

#include <algorithm>
#include <cassert>
#include <cstring>

#include "core/crypto/sha256.h"
#include "kernels/cpu/cpu_kernels.h"

namespace btr::kernels {

bool GpuPipelineBackend::continues(const ScanConstants& constants, uint32_t first) const {
  return queued_ > 0 && queue_[0].first == first &&
         std::memcmp(&queued_constants_, &constants, sizeof constants) == 0;
}

void GpuPipelineBackend::drain() {
  for (int i = 0; i < queued_; ++i) {
    uint32_t found = 0;
    const uint32_t* nonces = nullptr;
    (void)collect(queue_[i].slot, found, nonces);  // dropped: only the wait matters here
  }
  queued_ = 0;
}

core::Status GpuPipelineBackend::launch_next(const ScanConstants& constants, uint64_t first,
                                             uint64_t end) {
  int slot = 0;
  if (queued_ == 1) slot = 1 - queue_[0].slot;
  const auto count = static_cast<uint32_t>(std::min<uint64_t>(chunk_, end - first));
  if (auto st = launch(slot, constants, static_cast<uint32_t>(first), count); !st) return st;
  queue_[queued_++] = {slot, static_cast<uint32_t>(first), count};
  return {};
}

core::Status GpuPipelineBackend::scan_exact(int slot, const ScanConstants& constants,
                                            uint32_t first, uint32_t count,
                                            std::vector<uint32_t>& nonces) {
  if (auto st = launch(slot, constants, first, count); !st) return st;
  uint32_t found = 0;
  const uint32_t* got = nullptr;
  if (auto st = collect(slot, found, got); !st) return st;
  if (found <= capacity()) {
    nonces.insert(nonces.end(), got, got + found);
    return {};
  }
  // More candidates than the slot holds (an easy test target): split. A single nonce is at most
  // one candidate, so the recursion ends.
  const uint32_t half = count / 2;
  if (auto st = scan_exact(slot, constants, first, half, nonces); !st) return st;
  return scan_exact(slot, constants, first + half, count - half, nonces);
}

core::Status GpuPipelineBackend::collect_sorted(const InFlight& chunk,
                                                const ScanConstants& constants,
                                                std::vector<uint32_t>& nonces) {
  nonces.clear();
  uint32_t found = 0;
  const uint32_t* got = nullptr;
  if (auto st = collect(chunk.slot, found, got); !st) return st;
  if (found <= capacity()) {
    nonces.assign(got, got + found);
  } else if (auto st = scan_exact(chunk.slot, constants, chunk.first, chunk.count, nonces); !st) {
    return st;
  }
  std::sort(nonces.begin(), nonces.end());
  return {};
}

core::Status GpuPipelineBackend::self_test() {
  core::HeaderBytes header{};
  for (size_t i = 0; i < header.size(); ++i) header[i] = static_cast<uint8_t>(i * 131 + 7);
  const uint32_t version = uint32_t{header[0]} | uint32_t{header[1]} << 8 |
                           uint32_t{header[2]} << 16 | uint32_t{header[3]} << 24;
  const ScanConstants constants = make_scan_constants(header, version, core::Uint256::max() >> 4);
  const uint32_t first = 0xfffff800u;
  const uint32_t count = 2048;
  std::vector<uint32_t> got;
  if (auto st = scan_exact(0, constants, first, count, got); !st) return st;
  std::sort(got.begin(), got.end());
  std::vector<uint32_t> want;
  for (uint32_t i = 0; i < count; ++i) {
    const uint32_t nonce = first + i;
    for (int b = 0; b < 4; ++b) header[76 + b] = static_cast<uint8_t>(nonce >> (8 * b));
    const core::Hash256 hash = core::sha256d(header);
    const uint32_t top = uint32_t{hash.bytes[28]} | uint32_t{hash.bytes[29]} << 8 |
                         uint32_t{hash.bytes[30]} << 16 | uint32_t{hash.bytes[31]} << 24;
    if (top <= constants.target_top) want.push_back(nonce);
  }
  if (got != want) {
    return core::fail(name() + ": self-test failed: kernel reported " + std::to_string(got.size()) +
                      " candidates, reference " + std::to_string(want.size()));
  }
  return {};
}

uint64_t GpuPipelineBackend::fail_over(const std::string& why, const ScanConstants& constants,
                                       uint64_t first, uint64_t end, CandidateBuffer& out) {
  if (error_.empty()) error_ = why;
  drain();
  return cpu::scan_portable(constants, static_cast<uint32_t>(first), end - first, out);
}

uint64_t GpuPipelineBackend::scan_batch(const ScanConstants& constants, uint32_t first,
                                        uint64_t count, CandidateBuffer& out) {
  const uint64_t end = uint64_t{first} + count;
  assert(count >= 1 && end <= kNonceSpace && !out.full());
  if (!healthy()) return cpu::scan_portable(constants, first, count, out);
  if (scratch_.capacity() < capacity()) scratch_.reserve(capacity());  // once per backend
  if (!continues(constants, first)) drain();
  queued_constants_ = constants;

  uint64_t next = queued_ > 0 ? uint64_t{queue_[queued_ - 1].first} + queue_[queued_ - 1].count
                              : uint64_t{first};
  uint64_t done = first;  // every candidate below `done` has been appended
  while (done < end) {
    while (queued_ < kSlots && next < end) {
      if (auto st = launch_next(constants, next, end); !st) {
        return (done - first) + fail_over(st.error(), constants, done, end, out);
      }
      next = uint64_t{queue_[queued_ - 1].first} + queue_[queued_ - 1].count;
    }
    const InFlight chunk = queue_[0];
    queue_[0] = queue_[1];
    --queued_;
    if (auto st = collect_sorted(chunk, constants, scratch_); !st) {
      return (done - first) + fail_over(st.error(), constants, done, end, out);
    }
    for (const uint32_t nonce : scratch_) {
      if (nonce < done || nonce >= end) continue;  // a speculative chunk may overhang the batch
      out.nonces[out.size++] = nonce;
      if (out.full()) {
        drain();
        return uint64_t{nonce} - first + 1;
      }
    }
    done = std::min<uint64_t>(end, uint64_t{chunk.first} + chunk.count);
  }
  // Keep the device busy with the nonces the driver will most likely ask for next. Only after a
  // full-sized batch: a shorter one is the end of a job's range.
  if (queued_ < kSlots && end < kNonceSpace && count >= batch_size()) {
    if (auto st = launch_next(constants, end, kNonceSpace); !st) error_ = st.error();
  }
  return count;
}

}  // namespace btr::kernels
