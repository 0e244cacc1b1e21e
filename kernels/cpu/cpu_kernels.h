#pragma once
// The CPU scan functions, one per instruction-set file. Each has the contract of
// ScanBackend::scan_batch (kernels/scan.h). A function exists only when its file was compiled
// (BTR_HAVE_<ISA>); whether the running CPU can execute it is decided by cpu_dispatch.

#include <cstdint>

#include "kernels/scan.h"

namespace btr::kernels::cpu {

using ScanFn = uint64_t (*)(const ScanConstants& constants, uint32_t first, uint64_t count,
                            CandidateBuffer& out);

uint64_t scan_portable(const ScanConstants& constants, uint32_t first, uint64_t count,
                       CandidateBuffer& out);
uint64_t scan_avx2(const ScanConstants& constants, uint32_t first, uint64_t count,
                   CandidateBuffer& out);
uint64_t scan_avx512(const ScanConstants& constants, uint32_t first, uint64_t count,
                     CandidateBuffer& out);
uint64_t scan_shani(const ScanConstants& constants, uint32_t first, uint64_t count,
                    CandidateBuffer& out);

}  // namespace btr::kernels::cpu
