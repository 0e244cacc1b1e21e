#include "kernels/cpu/cpu_dispatch.h"

#include <algorithm>
#include <array>
#include <ctime>

#include "core/block_header.h"
#include "core/cpu_features.h"
#include "core/crypto/sha256.h"

namespace btr::kernels::cpu {
namespace {

bool always() {
  return true;
}
[[maybe_unused]] bool has_avx2() {
  return core::cpu_features().avx2;
}
[[maybe_unused]] bool has_avx512() {
  return core::cpu_features().avx512f && core::cpu_features().avx512vl;
}
[[maybe_unused]] bool has_shani() {
  return core::cpu_features().sha_ni && core::cpu_features().sse41;
}

constexpr CpuBackendInfo kBackends[] = {
#if BTR_HAVE_AVX512
    {"avx512", scan_avx512, has_avx512, 32768},
#endif
#if BTR_HAVE_SHANI
    {"shani", scan_shani, has_shani, 16384},
#endif
#if BTR_HAVE_AVX2
    {"avx2", scan_avx2, has_avx2, 16384},
#endif
    {"portable", scan_portable, always, 2048},
};

// Bitcoin's genesis header (nonce 2083236893, bits 0x1d00ffff).
constexpr std::array<uint8_t, 80> kGenesis = {
    0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x3b, 0xa3, 0xed, 0xfd, 0x7a, 0x7b, 0x12, 0xb2, 0x7a, 0xc7, 0x2c, 0x3e,
    0x67, 0x76, 0x8f, 0x61, 0x7f, 0xc8, 0x1b, 0xc3, 0x88, 0x8a, 0x51, 0x32, 0x3a, 0x9f, 0xb8, 0xaa,
    0x4b, 0x1e, 0x5e, 0x4a, 0x29, 0xab, 0x5f, 0x49, 0xff, 0xff, 0x00, 0x1d, 0x1d, 0xac, 0x2b, 0x7c};
constexpr uint32_t kGenesisNonce = 2083236893;

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

uint64_t splitmix64(uint64_t& s) {
  uint64_t z = (s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

uint32_t header_version(const core::HeaderBytes& h) {
  return uint32_t{h[0]} | uint32_t{h[1]} << 8 | uint32_t{h[2]} << 16 | uint32_t{h[3]} << 24;
}

// Top word of the SHA256d of `header` with `nonce`, as the kernels compare it.
uint32_t reference_top_word(core::HeaderBytes header, uint32_t nonce) {
  for (int i = 0; i < 4; ++i) header[76 + i] = static_cast<uint8_t>(nonce >> (8 * i));
  const core::Hash256 hash = core::sha256d(header);
  return uint32_t{hash.bytes[28]} | uint32_t{hash.bytes[29]} << 8 | uint32_t{hash.bytes[30]} << 16 |
         uint32_t{hash.bytes[31]} << 24;
}

core::Status compare_range(ScanFn fn, const core::HeaderBytes& header, const core::Uint256& target,
                           uint32_t first, uint32_t count, const char* what) {
  const ScanConstants c = make_scan_constants(header, header_version(header), target);
  std::array<uint32_t, 512> buf{};
  CandidateBuffer out{buf.data(), static_cast<uint32_t>(buf.size()), 0};
  uint64_t done = 0;
  std::vector<uint32_t> got;
  while (done < count) {
    out.size = 0;
    done += fn(c, first + static_cast<uint32_t>(done), count - done, out);
    got.insert(got.end(), buf.begin(), buf.begin() + out.size);
  }
  std::vector<uint32_t> want;
  for (uint32_t i = 0; i < count; ++i) {
    if (reference_top_word(header, first + i) <= c.target_top) want.push_back(first + i);
  }
  std::sort(got.begin(), got.end());
  if (got != want) {
    return core::Error{std::string("self-test mismatch on ") + what + ": " +
                       std::to_string(got.size()) + " candidates, reference " +
                       std::to_string(want.size())};
  }
  return core::Status::success();
}

}  // namespace

std::span<const CpuBackendInfo> compiled_backends() {
  return kBackends;
}

const CpuBackendInfo* find_backend(std::string_view name) {
  for (const auto& b : kBackends) {
    if (name == b.name) return &b;
  }
  return nullptr;
}

core::Status self_test(ScanFn fn) {
  core::HeaderBytes genesis{};
  std::copy(kGenesis.begin(), kGenesis.end(), genesis.begin());
  // The real target 0x1d00ffff: 0x00000000ffff0000...; only the known nonce may show up.
  const core::Uint256 genesis_target = core::Uint256(0xffff) << 208;
  if (auto s = compare_range(fn, genesis, genesis_target, kGenesisNonce - 37, 75, "genesis"); !s) {
    return s;
  }
  uint64_t rng = 0x5eed5eed;
  for (int round = 0; round < 6; ++round) {
    core::HeaderBytes h{};
    for (auto& byte : h) byte = static_cast<uint8_t>(splitmix64(rng));
    // About one candidate in 16; near-miss top words are compared too.
    const core::Uint256 target = (core::Uint256(1) << 252) - core::Uint256(1);
    const uint32_t count = 97 + static_cast<uint32_t>(splitmix64(rng) % 64);
    const uint32_t first = round == 0   ? 0
                           : round == 1 ? static_cast<uint32_t>(kNonceSpace - count)
                                        : static_cast<uint32_t>(splitmix64(rng));
    if (auto s = compare_range(fn, h, target, first, count, "random header"); !s) return s;
  }
  return core::Status::success();
}

double measure_mhs(ScanFn fn, double seconds) {
  core::HeaderBytes h{};
  for (size_t i = 0; i < h.size(); ++i) h[i] = static_cast<uint8_t>(i * 7 + 1);
  const ScanConstants c = make_scan_constants(h, header_version(h), core::Uint256(0));
  std::array<uint32_t, 64> buf{};
  // Thread CPU time, not wall time: on a shared machine the wall clock also counts the time
  // other processes held the core, which would make the choice of backend a coin toss.
  const double start = thread_cpu_seconds();
  double elapsed = 0;
  uint64_t hashes = 0;
  uint32_t next = 0;
  do {
    CandidateBuffer out{buf.data(), static_cast<uint32_t>(buf.size()), 0};
    const uint64_t done = fn(c, next, 8192, out);
    hashes += done;
    next += static_cast<uint32_t>(done);
    elapsed = thread_cpu_seconds() - start;
  } while (elapsed < seconds);
  return static_cast<double>(hashes) / elapsed / 1e6;
}

core::Result<Selection> select_backend(const SelectOptions& options) {
  Selection sel;
  if (!options.override_name.empty() && find_backend(options.override_name) == nullptr) {
    return core::Error{"unknown CPU backend '" + options.override_name + "'"};
  }
  double best = -1;
  for (const auto& b : kBackends) {
    BackendReport r;
    r.name = b.name;
    r.cpu_supported = b.cpu_supported();
    if (!r.cpu_supported) {
      r.reason = "not supported by this CPU";
    } else if (auto s = self_test(b.fn); !s) {
      r.reason = s.error();
    } else {
      r.self_test_passed = true;
    }
    const bool wanted = options.override_name.empty() || options.override_name == b.name;
    if (r.self_test_passed && wanted) {
      if (options.measure_seconds > 0) r.mhs = measure_mhs(b.fn, options.measure_seconds);
      const double score = options.measure_seconds > 0 ? r.mhs : (sel.selected ? -1 : 1);
      if (score > best) {
        best = score;
        sel.selected = &b;
      }
    }
    sel.reports.push_back(std::move(r));
  }
  if (sel.selected == nullptr) {
    for (const auto& r : sel.reports) {
      if (r.name == options.override_name) {
        return core::Error{"CPU backend '" + r.name + "' is not usable: " + r.reason};
      }
    }
    return core::Error{"no usable CPU backend"};
  }
  return sel;
}

std::unique_ptr<ScanBackend> make_backend(const CpuBackendInfo& info) {
  return std::make_unique<CpuScanBackend>(info);
}

}  // namespace btr::kernels::cpu
