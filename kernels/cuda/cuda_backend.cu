// CUDA host side: device enumeration, the two-slot backend and its start-up self-check.

#include "kernels/cuda/cuda_backend.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include "kernels/cuda/sha256d_kernel.h"
#include "kernels/gpu_pipeline.h"

namespace btr::kernels::cuda {
namespace {

constexpr uint32_t kCapacity = 1024;
constexpr uint32_t kMaxChunk = uint32_t{1} << 30;
constexpr double kTargetLaunchMs = 4.0;

core::Error cuda_fail(const std::string& what, cudaError_t err) {
  return core::fail(what + ": " + cudaGetErrorName(err) + " (" + cudaGetErrorString(err) + ")");
}

class CudaBackend final : public GpuPipelineBackend {
 public:
  explicit CudaBackend(int device) : device_(device) {}
  ~CudaBackend() override {
    drain();
    (void)cudaSetDevice(device_);
    for (Slot& s : slots_) {
      if (s.done != nullptr) (void)cudaEventDestroy(s.done);
      if (s.stream != nullptr) (void)cudaStreamDestroy(s.stream);
      if (s.device_results != nullptr) (void)cudaFree(s.device_results);
      if (s.host_results != nullptr) (void)cudaFreeHost(s.host_results);
    }
  }

  std::string name() const override { return "cuda:" + std::to_string(device_); }

  core::Status init(const CudaOptions& options, CudaBackendInfo* info) {
    cudaError_t err = cudaSetDevice(device_);
    if (err != cudaSuccess) return cuda_fail("cudaSetDevice", err);
    int sms = 0;
    err = cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device_);
    if (err != cudaSuccess) return cuda_fail("cudaDeviceGetAttribute", err);
    // Enough blocks for several waves on every SM; each thread then loops over its nonces.
    blocks_ = static_cast<uint32_t>(std::max(1, sms)) * 16;
    for (Slot& s : slots_) {
      err = cudaStreamCreateWithFlags(&s.stream, cudaStreamNonBlocking);
      if (err == cudaSuccess) err = cudaEventCreateWithFlags(&s.done, cudaEventDisableTiming);
      if (err == cudaSuccess) err = cudaMalloc(&s.device_results, (1 + kCapacity) * 4);
      if (err == cudaSuccess) err = cudaMallocHost(&s.host_results, (1 + kCapacity) * 4);
      if (err != cudaSuccess) return cuda_fail("allocating launch slot", err);
    }
    set_chunk(blocks_ * kThreadsPerBlock * 64);
    if (auto st = self_test(); !st) return st;
    if (options.tune) {
      if (auto st = tune(); !st) return st;
    }
    if (info != nullptr) *info = {chunk(), blocks_};
    return {};
  }

 protected:
  core::Status launch(int slot_index, const ScanConstants& constants, uint32_t first,
                      uint32_t count) override {
    Slot& s = slots_[slot_index];
    cudaError_t err = cudaMemsetAsync(s.device_results, 0, sizeof(uint32_t), s.stream);
    if (err != cudaSuccess) return cuda_fail("cudaMemsetAsync", err);
    const uint32_t per_block = kThreadsPerBlock;
    const uint32_t blocks = std::min(blocks_, (count + per_block - 1) / per_block);
    err =
        launch_sha256d_scan(constants, first, count, blocks, s.device_results, kCapacity, s.stream);
    if (err != cudaSuccess) return cuda_fail("kernel launch", err);
    err = cudaMemcpyAsync(s.host_results, s.device_results, (1 + kCapacity) * 4,
                          cudaMemcpyDeviceToHost, s.stream);
    if (err == cudaSuccess) err = cudaEventRecord(s.done, s.stream);
    if (err != cudaSuccess) return cuda_fail("cudaMemcpyAsync", err);
    return {};
  }

  core::Status collect(int slot_index, uint32_t& found, const uint32_t*& nonces) override {
    Slot& s = slots_[slot_index];
    const cudaError_t err = cudaEventSynchronize(s.done);
    if (err != cudaSuccess) return cuda_fail("cudaEventSynchronize", err);
    found = s.host_results[0];
    nonces = s.host_results + 1;
    return {};
  }

  uint32_t capacity() const override { return kCapacity; }

 private:
  struct Slot {
    cudaStream_t stream = nullptr;
    cudaEvent_t done = nullptr;
    uint32_t* device_results = nullptr;
    uint32_t* host_results = nullptr;  // pinned, so the copy back is truly asynchronous
  };

  // Doubles the chunk until one launch takes kTargetLaunchMs.
  core::Status tune() {
    const ScanConstants c{};
    for (uint32_t chunk = this->chunk();; chunk *= 2) {
      const auto start = std::chrono::steady_clock::now();
      if (auto st = launch(0, c, 0, chunk); !st) return st;
      uint32_t found = 0;
      const uint32_t* nonces = nullptr;
      if (auto st = collect(0, found, nonces); !st) return st;
      const double ms =
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
              .count();
      if (ms >= kTargetLaunchMs || chunk >= kMaxChunk) {
        set_chunk(chunk);
        return {};
      }
    }
  }

  int device_ = 0;
  uint32_t blocks_ = 0;
  Slot slots_[kSlots];
};

}  // namespace

std::vector<CudaDevice> enumerate_devices() {
  std::vector<CudaDevice> out;
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    (void)cudaGetLastError();  // clear the sticky "no driver" error
    return out;
  }
  for (int i = 0; i < count; ++i) {
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, i) != cudaSuccess) continue;
    CudaDevice d;
    d.index = i;
    d.name = prop.name;
    d.multiprocessors = static_cast<uint32_t>(prop.multiProcessorCount);
    d.compute_major = prop.major;
    d.compute_minor = prop.minor;
    out.push_back(std::move(d));
  }
  return out;
}

core::Result<std::unique_ptr<ScanBackend>> open_backend(int index, const CudaOptions& options,
                                                        CudaBackendInfo* info) {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess || index < 0 || index >= count) {
    (void)cudaGetLastError();
    return core::fail("cuda:" + std::to_string(index) + ": no such device (" +
                      std::to_string(count) + " found)");
  }
  auto backend = std::make_unique<CudaBackend>(index);
  if (auto st = backend->init(options, info); !st) return core::fail(st.error());
  return std::unique_ptr<ScanBackend>(std::move(backend));
}

}  // namespace btr::kernels::cuda
