#pragma once
// The batch driver shared by the GPU backends (OpenCL, CUDA): it turns the device's
// launch / collect primitives into ScanBackend::scan_batch with two chunks in flight, so the
// device always has the next chunk queued while the host reads the previous one's candidates.
//
// After a full-sized scan_batch() call one chunk stays in flight speculatively: the nonces right
// after the batch, with the same constants. The driver (kernels/scan.h) asks for exactly that range
// next unless the job changed; then the speculative chunk is waited for and dropped (one chunk of
// latency, a few milliseconds by construction).
//
// A device error never produces wrong results: the backend marks itself failed, remembers why,
// and scans the rest on the host with the portable CPU kernel (slow but correct).

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "kernels/scan.h"

namespace btr::kernels {

class GpuPipelineBackend : public ScanBackend {
 public:
  static constexpr int kSlots = 2;
  // Chunks per scan_batch() call (the driver checks cancellation between calls).
  static constexpr uint64_t kChunksPerBatch = 2;

  uint64_t batch_size() const override { return uint64_t{chunk_} * kChunksPerBatch; }
  uint64_t scan_batch(const ScanConstants& constants, uint32_t first, uint64_t count,
                      CandidateBuffer& out) final;

  // False once the device failed; error() says why.
  bool healthy() const { return error_.empty(); }
  const std::string& error() const { return error_; }
  // Nonces per kernel launch.
  uint32_t chunk() const { return chunk_; }

 protected:
  GpuPipelineBackend() = default;

  // Starts scanning nonces [first, first + count) into `slot` (0 or 1) without waiting. The slot
  // is free: its previous launch has been collected.
  virtual core::Status launch(int slot, const ScanConstants& constants, uint32_t first,
                              uint32_t count) = 0;
  // Waits for `slot`'s launch. `found` is the number of candidates the kernel counted, which may
  // exceed the slot's capacity; `nonces` then holds the first min(found, capacity) of them, in
  // any order, valid until the slot is launched again.
  virtual core::Status collect(int slot, uint32_t& found, const uint32_t*& nonces) = 0;
  // Candidates one slot holds.
  virtual uint32_t capacity() const = 0;

  void set_chunk(uint32_t chunk) { chunk_ = chunk == 0 ? 1 : chunk; }
  // The start-up self-test: the kernel's candidates on 2,048 nonces of a fixed header at an easy
  // target (about one nonce in 16, the range ending at 2^32) must be exactly those of core's
  // reference sha256d. A device that fails is not used.
  core::Status self_test();
  // Waits for every launch in flight and drops it. Derived destructors call this before they
  // release the buffers the launches write to.
  void drain();
  // Scans [first, first + count) synchronously on `slot`, halving the range whenever the kernel
  // found more candidates than fit; appends the candidates to `nonces`.
  core::Status scan_exact(int slot, const ScanConstants& constants, uint32_t first, uint32_t count,
                          std::vector<uint32_t>& nonces);

 private:
  struct InFlight {
    int slot = 0;
    uint32_t first = 0;
    uint32_t count = 0;
  };

  bool continues(const ScanConstants& constants, uint32_t first) const;
  core::Status launch_next(const ScanConstants& constants, uint64_t first, uint64_t end);
  core::Status collect_sorted(const InFlight& chunk, const ScanConstants& constants,
                              std::vector<uint32_t>& nonces);
  uint64_t fail_over(const std::string& why, const ScanConstants& constants, uint64_t first,
                     uint64_t end, CandidateBuffer& out);

  uint32_t chunk_ = 1 << 16;
  InFlight queue_[kSlots];
  int queued_ = 0;
  ScanConstants queued_constants_{};  // what the chunks in flight were launched with
  std::vector<uint32_t> scratch_;     // sorted candidates of one chunk (reserved once)
  std::string error_;
};

}  // namespace btr::kernels
