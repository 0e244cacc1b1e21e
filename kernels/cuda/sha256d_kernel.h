#pragma once
// The CUDA scan kernel's launcher (sha256d_kernel.cu), for the CUDA host code only.

#include <cuda_runtime.h>

#include <cstdint>

#include "kernels/scan.h"

namespace btr::kernels::cuda {

inline constexpr uint32_t kThreadsPerBlock = 256;

// Queues one launch on `stream`: nonces [first, first + count) spread over `blocks` blocks of
// kThreadsPerBlock threads, each thread taking every (blocks * kThreadsPerBlock)-th nonce. The
// kernel appends candidates to results[1..capacity] and counts them all in results[0], which the
// caller zeroes first.
cudaError_t launch_sha256d_scan(const ScanConstants& constants, uint32_t first, uint32_t count,
                                uint32_t blocks, uint32_t* results, uint32_t capacity,
                                cudaStream_t stream);

}  // namespace btr::kernels::cuda
