// The CUDA SHA256d scan kernel. The arithmetic is kernels/cuda/sha256d_math.h (shared with the
// host tests); this file only maps nonces to threads and writes candidates.

#include "kernels/cuda/sha256d_kernel.h"
#include "kernels/cuda/sha256d_math.h"

namespace btr::kernels::cuda {
namespace {

// Each thread strides over the launch so a block's threads hash neighbouring nonces; the loop is
// kept rolled (the unrolled hash is ~2,000 instructions already), and everything that depends
// only on the job comes from the constant bank through the __grid_constant__ parameter.
// count <= 2^30 (the pipeline's largest chunk), so offset + stride never wraps.
__global__ void __launch_bounds__(kThreadsPerBlock)
    sha256d_scan_kernel(const __grid_constant__ ScanConstants c, uint32_t first, uint32_t count,
                        uint32_t* __restrict__ results, uint32_t capacity) {
  // cuda_math::add() relies on one-dimensional blocks (its multiplier is blockDim.y).
  if (blockDim.y != 1) __trap();
  const uint32_t stride = gridDim.x * blockDim.x;
#pragma unroll 1
  for (uint32_t offset = blockIdx.x * blockDim.x + threadIdx.x; offset < count; offset += stride) {
    const uint32_t nonce = first + offset;
    if (cuda_math::is_candidate(c, nonce)) {
      const uint32_t slot = atomicAdd(results, 1u);
      if (slot < capacity) results[1 + slot] = nonce;
    }
  }
}

}  // namespace

cudaError_t launch_sha256d_scan(const ScanConstants& constants, uint32_t first, uint32_t count,
                                uint32_t blocks, uint32_t* results, uint32_t capacity,
                                cudaStream_t stream) {
  sha256d_scan_kernel<<<blocks, kThreadsPerBlock, 0, stream>>>(constants, first, count, results,
                                                               capacity);
  return cudaGetLastError();
}

}  // namespace btr::kernels::cuda
