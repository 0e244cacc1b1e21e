#include "kernels/opencl/opencl_backend.h"

#include <chrono>
#include <cstddef>
#include <fstream>
#include <system_error>
#include <vector>

#include "kernels/opencl/cl_program.h"
#include "kernels/opencl/sha256d_scan_source.h"

namespace btr::kernels::opencl {
namespace {

// The kernel reads ScanConstants as an array of words at these indices (sha256d_scan.cl).
static_assert(sizeof(ScanConstants) == 37 * sizeof(uint32_t), "ScanConstants must be plain words");
static_assert(offsetof(ScanConstants, midstate) == 1 * 4);
static_assert(offsetof(ScanConstants, state2) == 12 * 4);
static_assert(offsetof(ScanConstants, round3_a) == 20 * 4);
static_assert(offsetof(ScanConstants, round3_e) == 21 * 4);
static_assert(offsetof(ScanConstants, w16) == 22 * 4);
static_assert(offsetof(ScanConstants, w32_add) == 27 * 4);
static_assert(offsetof(ScanConstants, target_top) == 36 * 4);

constexpr uint32_t kMaxChunk = uint32_t{1} << 30;
constexpr const char* kBaseOptions = "-cl-std=CL1.2";

std::filesystem::path tuning_path(const std::filesystem::path& dir, const std::string& key) {
  return dir / ("opencl-tune-" + key + ".txt");
}

bool load_work_size(const std::filesystem::path& path, WorkSize& out) {
  std::ifstream in(path);
  uint64_t chunk = 0;
  uint64_t local = 0;
  if (!(in >> chunk >> local)) return false;
  if (chunk == 0 || chunk > kMaxChunk || local > 4096) return false;
  out = {static_cast<uint32_t>(chunk), static_cast<uint32_t>(local)};
  return true;
}

void store_work_size(const std::filesystem::path& path, const WorkSize& ws) {
  std::error_code ec;
  std::filesystem::create_directories(path.parent_path(), ec);
  if (ec) return;
  const std::filesystem::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << ws.chunk << ' ' << ws.local << '\n';
    if (!out) return;
  }
  std::filesystem::rename(tmp, path, ec);
}

std::string full_build_options(const OpenClOptions& options, const ClDevice& device) {
  std::string out = kBaseOptions;
  out += " -DBTR_LANES=" + std::to_string(lanes_for(options, device));
  if (!options.build_options.empty()) out += " " + options.build_options;
  return out;
}

}  // namespace

uint32_t lanes_for(const OpenClOptions& options, const ClDevice& device) {
  if (options.lanes == 1 || options.lanes == 16) return options.lanes;
  return device.is_cpu ? 16 : 1;
}

WorkSize remembered_work_size(const ClDevice& device, const OpenClOptions& options) {
  WorkSize ws;
  if (options.cache_dir.empty()) return ws;
  const std::string key =
      program_key(device, full_build_options(options, device), sha256d_scan_source());
  if (!load_work_size(tuning_path(options.cache_dir, key), ws)) ws = {};
  return ws;
}

core::Result<std::unique_ptr<OpenClBackend>> OpenClBackend::open(unsigned index,
                                                                 const OpenClOptions& options) {
  std::unique_ptr<OpenClBackend> backend(new OpenClBackend());
  if (auto st = backend->init(index, options); !st) return core::fail(st.error());
  return backend;
}

OpenClBackend::~OpenClBackend() {
  drain();
  if (queue_) (void)clFinish(queue_.get());
}

core::Status OpenClBackend::init(unsigned index, const OpenClOptions& options) {
  index_ = index;
  auto devices = enumerate_devices();
  if (index >= devices.size()) {
    return core::fail("opencl:" + std::to_string(index) + ": no such device (" +
                      std::to_string(devices.size()) + " found)");
  }
  device_ = devices[index];
  if (!device_.available) return core::fail(name() + ": device unavailable or has no compiler");

  cl_int err = CL_SUCCESS;
  const cl_context_properties props[] = {
      CL_CONTEXT_PLATFORM, reinterpret_cast<cl_context_properties>(device_.platform), 0};
  context_ = ClContext(clCreateContext(props, 1, &device_.device, nullptr, nullptr, &err));
  if (err != CL_SUCCESS) return cl_fail("clCreateContext", err);
  queue_ = ClQueue(clCreateCommandQueue(context_.get(), device_.device, 0, &err));
  if (err != CL_SUCCESS) return cl_fail("clCreateCommandQueue", err);

  BuildRequest request;
  request.device = &device_;
  request.context = context_.get();
  request.source = sha256d_scan_source();
  lanes_ = lanes_for(options, device_);
  request.options = full_build_options(options, device_);
  request.cache_dir = options.cache_dir;
  auto built = build_program(request);
  if (!built) return core::fail(name() + ": " + built.error());
  program_ = std::move(built->program);
  from_cache_ = built->from_cache;
  kernel_ = ClKernel(clCreateKernel(program_.get(), "sha256d_scan", &err));
  if (err != CL_SUCCESS) return cl_fail("clCreateKernel", err);

  for (Slot& slot : slots_) {
    slot.job = ClMem(
        clCreateBuffer(context_.get(), CL_MEM_READ_ONLY, sizeof(ScanConstants), nullptr, &err));
    if (err != CL_SUCCESS) return cl_fail("clCreateBuffer", err);
    slot.results = ClMem(
        clCreateBuffer(context_.get(), CL_MEM_READ_WRITE, sizeof slot.results_host, nullptr, &err));
    if (err != CL_SUCCESS) return cl_fail("clCreateBuffer", err);
  }
  if (auto st = self_test(); !st) return st;
  return apply_work_size(options, program_key(device_, request.options, request.source));
}

core::Status OpenClBackend::apply_work_size(const OpenClOptions& options,
                                            const std::string& program_key) {
  if (options.work_group_size != 0) {
    // Asked for by the user: size the launches for it, remember nothing.
    if (!options.tune) {
      work_ = {device_.is_cpu ? uint32_t{1} << 18 : uint32_t{1} << 24, options.work_group_size};
    } else {
      auto measured = measure_work_size({options.work_group_size});
      if (!measured) return core::fail(name() + ": work-group size: " + measured.error());
      work_ = *measured;
    }
    set_chunk(work_.chunk);
    return {};
  }
  const bool cached = !options.cache_dir.empty();
  if (cached && load_work_size(tuning_path(options.cache_dir, program_key), work_)) {
    set_chunk(work_.chunk);
    return {};
  }
  if (!options.tune) {
    work_ = device_.is_cpu ? WorkSize{uint32_t{1} << 18, 64} : WorkSize{uint32_t{1} << 24, 0};
    set_chunk(work_.chunk);
    return {};
  }
  auto measured = measure_work_size();
  if (!measured) return core::fail(name() + ": tuning: " + measured.error());
  work_ = *measured;
  set_chunk(work_.chunk);
  if (cached) store_work_size(tuning_path(options.cache_dir, program_key), work_);
  return {};
}

core::Result<double> OpenClBackend::time_launch(uint32_t chunk, uint32_t local) {
  ScanConstants c{};  // target_top 0: practically no candidates, pure hashing
  const WorkSize saved = work_;
  work_.local = local;
  const auto start = std::chrono::steady_clock::now();
  core::Status st = launch(0, c, 0, chunk);
  uint32_t found = 0;
  const uint32_t* nonces = nullptr;
  if (st) st = collect(0, found, nonces);
  const auto stop = std::chrono::steady_clock::now();
  work_ = saved;
  if (!st) return core::fail(st.error());
  return std::chrono::duration<double, std::milli>(stop - start).count();
}

// For each candidate work-group size: double the chunk until one launch takes kTargetLaunchMs,
// then keep the size with the best rate at that chunk.
core::Result<WorkSize> OpenClBackend::measure_work_size(std::vector<uint32_t> locals) {
  size_t max_local = 0;
  if (clGetKernelWorkGroupInfo(kernel_.get(), device_.device, CL_KERNEL_WORK_GROUP_SIZE,
                               sizeof max_local, &max_local, nullptr) != CL_SUCCESS) {
    max_local = 64;
  }
  if (locals.size() == 1 && locals[0] > max_local) {
    return core::fail(std::to_string(locals[0]) + " is above the kernel's limit of " +
                      std::to_string(max_local));
  }
  if (locals.empty()) {
    locals =
        device_.is_cpu ? std::vector<uint32_t>{16, 64} : std::vector<uint32_t>{0, 64, 128, 256};
  }
  WorkSize best;
  double best_rate = 0;
  for (const uint32_t local : locals) {
    if (local > max_local) continue;
    // The first launch with a new work-group size may compile (PoCL specializes per size).
    if (auto warm = time_launch(lanes_ * (local == 0 ? 1 : local), local); !warm) {
      return core::fail(warm.error());
    }
    // The floor keeps a measurement taken on a busy machine from leaving launches so short
    // that their fixed cost shows (the result is remembered).
    uint32_t chunk = device_.is_cpu ? uint32_t{1} << 17 : uint32_t{1} << 20;
    double ms = 0;
    for (;;) {
      auto t = time_launch(chunk, local);
      if (!t) return core::fail(t.error());
      auto again = time_launch(chunk, local);  // best of two against scheduling noise
      if (!again) return core::fail(again.error());
      ms = std::min(*t, *again);
      if (ms >= kTargetLaunchMs || chunk >= kMaxChunk) break;
      chunk *= 2;
    }
    const double rate = chunk / ms;
    if (rate > best_rate) {
      best_rate = rate;
      best = {chunk, local};
    }
  }
  if (best.chunk == 0) return core::fail("no usable work-group size");
  return best;
}

core::Status OpenClBackend::launch(int slot_index, const ScanConstants& constants, uint32_t first,
                                   uint32_t count) {
  Slot& slot = slots_[slot_index];
  slot.done.reset();
  slot.job_host = constants;
  cl_command_queue q = queue_.get();
  cl_int err = clEnqueueWriteBuffer(q, slot.job.get(), CL_FALSE, 0, sizeof slot.job_host,
                                    &slot.job_host, 0, nullptr, nullptr);
  if (err == CL_SUCCESS) {
    err = clEnqueueWriteBuffer(q, slot.results.get(), CL_FALSE, 0, sizeof zero_, &zero_, 0, nullptr,
                               nullptr);
  }
  if (err != CL_SUCCESS) return cl_fail("clEnqueueWriteBuffer", err);

  const cl_mem job = slot.job.get();
  const cl_mem results = slot.results.get();
  const cl_uint capacity = kCapacity;
  err = clSetKernelArg(kernel_.get(), 0, sizeof job, &job);
  if (err == CL_SUCCESS) err = clSetKernelArg(kernel_.get(), 1, sizeof first, &first);
  if (err == CL_SUCCESS) err = clSetKernelArg(kernel_.get(), 2, sizeof count, &count);
  if (err == CL_SUCCESS) err = clSetKernelArg(kernel_.get(), 3, sizeof results, &results);
  if (err == CL_SUCCESS) err = clSetKernelArg(kernel_.get(), 4, sizeof capacity, &capacity);
  if (err != CL_SUCCESS) return cl_fail("clSetKernelArg", err);

  const size_t local = work_.local;
  size_t global = (size_t{count} + lanes_ - 1) / lanes_;
  if (local > 0) global = (global + local - 1) / local * local;
  err = clEnqueueNDRangeKernel(q, kernel_.get(), 1, nullptr, &global, local > 0 ? &local : nullptr,
                               0, nullptr, nullptr);
  if (err != CL_SUCCESS) return cl_fail("clEnqueueNDRangeKernel", err);

  cl_event done = nullptr;
  err = clEnqueueReadBuffer(q, slot.results.get(), CL_FALSE, 0, sizeof slot.results_host,
                            slot.results_host, 0, nullptr, &done);
  if (err != CL_SUCCESS) return cl_fail("clEnqueueReadBuffer", err);
  slot.done = ClEvent(done);
  err = clFlush(q);  // start now; the host goes on to queue the other slot
  if (err != CL_SUCCESS) return cl_fail("clFlush", err);
  return {};
}

core::Status OpenClBackend::collect(int slot_index, uint32_t& found, const uint32_t*& nonces) {
  Slot& slot = slots_[slot_index];
  if (!slot.done) return core::fail(name() + ": collect without launch");
  const cl_event done = slot.done.get();
  cl_int err = clWaitForEvents(1, &done);
  cl_int status = CL_COMPLETE;
  if (err == CL_SUCCESS) {
    err = clGetEventInfo(done, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof status, &status, nullptr);
  }
  slot.done.reset();
  if (err != CL_SUCCESS) return cl_fail("clWaitForEvents", err);
  if (status < 0) return cl_fail("kernel", status);
  found = slot.results_host[0];
  nonces = slot.results_host + 1;
  return {};
}

}  // namespace btr::kernels::opencl
