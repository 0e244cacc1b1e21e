#pragma once
// The OpenCL C API as this project uses it: version 1.2 entry points only (so the same code runs
// on every ICD from PoCL to vendor drivers), owning handles that release themselves, and error
// codes turned into core::Error reasons. Nothing here throws; OpenCL reports errors by value.

#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>

#include <string>
#include <utility>

#include "core/result.h"

namespace btr::kernels::opencl {

// Owns one reference to an OpenCL object and releases it with `Release`.
template <class T, cl_int (*Release)(T)>
class ClHandle {
 public:
  ClHandle() = default;
  explicit ClHandle(T h) : h_(h) {}
  ~ClHandle() { reset(); }
  ClHandle(ClHandle&& o) noexcept : h_(std::exchange(o.h_, nullptr)) {}
  ClHandle& operator=(ClHandle&& o) noexcept {
    if (this != &o) {
      reset();
      h_ = std::exchange(o.h_, nullptr);
    }
    return *this;
  }
  ClHandle(const ClHandle&) = delete;
  ClHandle& operator=(const ClHandle&) = delete;

  T get() const { return h_; }
  explicit operator bool() const { return h_ != nullptr; }
  void reset() {
    if (h_ != nullptr) (void)Release(h_);
    h_ = nullptr;
  }

 private:
  T h_ = nullptr;
};

using ClContext = ClHandle<cl_context, clReleaseContext>;
using ClQueue = ClHandle<cl_command_queue, clReleaseCommandQueue>;
using ClProgram = ClHandle<cl_program, clReleaseProgram>;
using ClKernel = ClHandle<cl_kernel, clReleaseKernel>;
using ClMem = ClHandle<cl_mem, clReleaseMemObject>;
using ClEvent = ClHandle<cl_event, clReleaseEvent>;

// "CL_OUT_OF_RESOURCES" and friends; the number for codes it does not know.
std::string cl_error_name(cl_int err);
// "<what>: <error name>", the reason string of every OpenCL failure.
inline core::Error cl_fail(const std::string& what, cl_int err) {
  return core::fail(what + ": " + cl_error_name(err));
}

}  // namespace btr::kernels::opencl
