#pragma once
// Run-time choice of the CPU scan backend, as Bitcoin Core picks its SHA-256 code: detect what
// the CPU can run (cpuid + xgetbv), self-test every such backend against core's reference
// sha256d (a real header with its known nonce plus pseudo-random headers), measure the ones that
// pass for a moment and pick the fastest, unless the caller names one. A backend that fails its
// self-test is never handed out; the reason is in its report for the caller to log.

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "kernels/cpu/cpu_kernels.h"
#include "kernels/scan.h"

namespace btr::kernels::cpu {

struct CpuBackendInfo {
  const char* name;  // "avx512", "shani", "avx2", "portable"
  ScanFn fn;
  bool (*cpu_supported)();
  uint64_t batch_size;  // nonces per batch, about a millisecond of work
};

// The backends compiled into this build, portable last.
std::span<const CpuBackendInfo> compiled_backends();
const CpuBackendInfo* find_backend(std::string_view name);

// A ScanBackend running one CPU scan function on the calling thread.
class CpuScanBackend final : public ScanBackend {
 public:
  explicit CpuScanBackend(const CpuBackendInfo& info) : info_(info) {}
  std::string name() const override { return info_.name; }
  uint64_t batch_size() const override { return info_.batch_size; }
  uint64_t scan_batch(const ScanConstants& constants, uint32_t first, uint64_t count,
                      CandidateBuffer& out) override {
    return info_.fn(constants, first, count, out);
  }

 private:
  const CpuBackendInfo& info_;
};

// Compares `fn` with the reference: the Bitcoin genesis header around its nonce at its real
// target, then pseudo-random headers at easy targets over unaligned ranges, including ranges
// that end at 2^32. The candidate sets must be identical. Deterministic; a few milliseconds.
core::Status self_test(ScanFn fn);

struct BackendReport {
  std::string name;
  bool cpu_supported = false;
  bool self_test_passed = false;
  std::string reason;  // why it is not usable; empty when usable
  double mhs = 0;      // measured single-thread rate, 0 when not measured
};

struct Selection {
  const CpuBackendInfo* selected = nullptr;
  std::vector<BackendReport> reports;  // one per compiled backend
};

struct SelectOptions {
  std::string override_name;      // empty: fastest usable backend
  double measure_seconds = 0.03;  // per usable backend; 0 skips measuring (first usable wins)
};

// Fails when the override names a backend that does not exist or is not usable here.
core::Result<Selection> select_backend(const SelectOptions& options = {});

// Measures `fn` on the calling thread for about `seconds` of its CPU time; returns MH/s.
double measure_mhs(ScanFn fn, double seconds);

// A backend factory for ParallelScanner (kernels/parallel_scanner.h).
std::unique_ptr<ScanBackend> make_backend(const CpuBackendInfo& info);

}  // namespace btr::kernels::cpu
