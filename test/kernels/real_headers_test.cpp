// Real main-net headers: scanning a window around the known nonce at the real target (from the
// header's bits) must find exactly that nonce, with every usable CPU backend.

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <algorithm>

#include "core/hex.h"
#include "core/pow.h"
#include "kernels/cpu/cpu_dispatch.h"
#include "kernels/scan.h"
#include "test/common/test_util.h"
#include "test/kernels/kernel_test_util.h"

using namespace btr;
using namespace btr::kernels;

namespace {

// Scans [nonce - 1500, nonce + 1500) clipped to the nonce space with every usable backend and
// checks that exactly the known nonce is found, with the known hash. Returns backends run.
int check_header(const core::HeaderBytes& header, const std::string& display_hash) {
  const core::BlockHeader parsed = *core::BlockHeader::parse(header);
  const core::Uint256 target = core::decode_compact(parsed.bits).target;
  const uint64_t first = parsed.nonce >= 1500 ? parsed.nonce - 1500 : 0;
  const uint64_t end = std::min<uint64_t>(uint64_t{parsed.nonce} + 1500, kNonceSpace);
  int ran = 0;
  for (const auto& info : cpu::compiled_backends()) {
    if (!info.cpu_supported()) continue;
    cpu::CpuScanBackend backend(info);
    ScanJob job;
    job.header = header;
    job.target = target;
    job.nonce_first = static_cast<uint32_t>(first);
    job.nonce_end = end;
    const ScanResult r = scan(backend, job);
    REQUIRE_MESSAGE(r.hits.size() == 1, std::string(info.name)
                                            << " at height with nonce " << parsed.nonce);
    CHECK(r.hits[0].nonce == parsed.nonce);
    CHECK(r.hits[0].version == static_cast<uint32_t>(parsed.version));
    CHECK(r.hits[0].hash.to_display_hex() == display_hash);
    CHECK(r.hashes == end - first);
    CHECK(r.false_hits == 0);
    ++ran;
  }
  return ran;
}

}  // namespace

TEST_CASE("real headers: a window around the known nonce finds exactly it") {
  BTR_REQUIRE_VECTORS(dir);
  const auto entries =
      nlohmann::json::parse(btr::test::read_file(dir / "bitcoin" / "headers.json"));
  int checked = 0;
  for (const auto& e : entries) {
    const auto bytes = core::from_hex(e.at("header_hex").get<std::string>());
    REQUIRE(bytes.ok());
    REQUIRE(bytes->size() == core::kHeaderSize);
    core::HeaderBytes header{};
    std::copy(bytes->begin(), bytes->end(), header.begin());
    CHECK(check_header(header, e.at("hash").get<std::string>()) >= 1);
    ++checked;
  }
  MESSAGE("checked " << checked << " real headers");
  CHECK(checked >= 5);
}

TEST_CASE("Bitcoin genesis: the scan finds nonce 2083236893 at the real target") {
  const core::BlockHeader g = testing::bitcoin_genesis();
  CHECK(check_header(g.serialize(),
                     "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f") >= 1);
}
