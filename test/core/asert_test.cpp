// ASERT (aserti3-2d): the published BCHN vectors with BCH's parameters, and
// BitSilver's anchor convention from chain.md.
#include <doctest/doctest.h>

#include <random>
#include <sstream>
#include <string>

#include "core/asert.h"
#include "core/pow.h"
#include "test/common/test_util.h"

using namespace btr::core;

namespace {

// Heights are unsigned: run10 crosses 2^63 (only their differences matter).
struct AsertRun {
  uint64_t anchor_height = 0;
  bool has_anchor_height = false;
  int64_t anchor_parent_time = -1;
  uint32_t anchor_bits = 0;
  int64_t iterations = -1;
  struct Row {
    uint64_t height;
    int64_t time;
    uint32_t bits;
  };
  std::vector<Row> rows;
};

// "##   key: value" header lines, then "iteration height time 0xbits" rows.
AsertRun parse_run(const std::string& text) {
  AsertRun run;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line.starts_with("# ")) continue;
    if (line.starts_with("##")) {
      const auto colon = line.find(':');
      if (colon == std::string::npos) continue;
      const std::string key =
          line.substr(line.find_first_not_of("# "), colon - line.find_first_not_of("# "));
      const std::string value = line.substr(colon + 1);
      if (key == "anchor height") {
        run.anchor_height = std::stoull(value);
        run.has_anchor_height = true;
      }
      if (key == "anchor ancestor time" || key == "anchor parent time") {
        run.anchor_parent_time = std::stoll(value);
      }
      if (key == "anchor nBits")
        run.anchor_bits = static_cast<uint32_t>(std::stoul(value, nullptr, 16));
      if (key == "iterations") run.iterations = std::stoll(value);
      continue;
    }
    std::istringstream row(line);
    int64_t iteration = 0;
    AsertRun::Row r{};
    std::string bits;
    INFO("row '" << line << "'");
    REQUIRE((row >> iteration >> r.height >> r.time >> bits));
    r.bits = static_cast<uint32_t>(std::stoul(bits, nullptr, 16));
    run.rows.push_back(r);
  }
  return run;
}

const Uint256 kBchLimit = Uint256::max() >> 32;  // 2^224 - 1
constexpr int64_t kBchSpacing = 600;
constexpr int64_t kBchHalfLife = 172800;

}  // namespace

TEST_CASE("asert reproduces all aserti3-2d vectors run01..run12") {
  BTR_REQUIRE_VECTORS(dir);
  size_t rows = 0;
  for (int n = 1; n <= 12; ++n) {
    const std::string name = (n < 10 ? "run0" : "run") + std::to_string(n);
    const AsertRun run = parse_run(btr::test::read_file(dir / "asert" / name));
    INFO(name);
    REQUIRE(run.has_anchor_height);
    REQUIRE(run.anchor_parent_time >= 0);
    CHECK(static_cast<int64_t>(run.rows.size()) == run.iterations);
    const auto anchor_target = target_from_bits(run.anchor_bits, kBchLimit);
    REQUIRE(anchor_target.ok());
    for (const auto& r : run.rows) {
      INFO("height " << r.height << " time " << r.time);
      REQUIRE(r.height >= run.anchor_height);
      const auto height_diff = static_cast<int64_t>(r.height - run.anchor_height);
      const Uint256 next =
          calculate_asert(*anchor_target, kBchSpacing, r.time - run.anchor_parent_time, height_diff,
                          kBchLimit, kBchHalfLife);
      CHECK(encode_compact(next) == r.bits);
      ++rows;
    }
  }
  CHECK(rows == 14000);
  MESSAGE("checked " << rows << " aserti3-2d rows in 12 runs");
}

TEST_CASE("asert exponent steps: exact powers of two and the clamps") {
  const Uint256 ref = decode_compact(0x1c00ffff).target;
  const Uint256 limit = decode_compact(0x1d00ffff).target;
  CHECK(asert_scale_target(ref, 0, limit) == ref);
  CHECK(asert_scale_target(ref, 65536, limit) == ref << 1);
  CHECK(asert_scale_target(ref, -65536, limit) == ref >> 1);
  CHECK(asert_scale_target(ref, 8 * 65536, limit) == ref << 8);
  CHECK(asert_scale_target(ref, 9 * 65536, limit) == limit);          // above the limit
  CHECK(asert_scale_target(ref, 5000 * 65536, limit) == limit);       // would overflow 256 bits
  CHECK(asert_scale_target(ref, -300 * 65536, limit) == Uint256(1));  // would reach zero
  // Half a half-life: 2^0.5 ~ 1.41421 within the cubic's 0.013%.
  const double ratio = asert_scale_target(ref, 32768, limit).to_double() / ref.to_double();
  CHECK(ratio == doctest::Approx(1.41421356).epsilon(1.3e-4));
}

TEST_CASE("asert with BitSilver's anchor convention (chain.md)") {
  // Main-net parameters: T = 60 s, H = 86,400 s, limit 0x1d00ffff.
  const AsertParams params{60, 86400, decode_compact(0x1d00ffff).target};
  const AsertAnchor anchor{1, 1585699260, 0x1c00ffff};

  // Block 2 (parent = anchor) carries the anchor's bits.
  CHECK(next_bits_asert(anchor, {1, anchor.time}, params) == 0x1c00ffff);
  // On schedule, the target never moves.
  for (int64_t k : {1, 2, 10, 1440, 100000}) {
    CHECK(next_bits_asert(anchor, {1 + k, anchor.time + 60 * k}, params) == 0x1c00ffff);
  }
  // One half-life behind schedule (blocks slow): the target doubles;
  // one half-life ahead (blocks fast): it halves.
  CHECK(next_bits_asert(anchor, {101, anchor.time + 6000 + 86400}, params) == 0x1c01fffe);
  CHECK(next_bits_asert(anchor, {101, anchor.time + 6000 - 86400}, params) == 0x1b7fff80);
  // Schedule counted from the anchor's own time: block 3 after a one-minute
  // block 2 plus a half-life.
  CHECK(next_bits_asert(anchor, {2, anchor.time + 60 + 86400}, params) == 0x1c01fffe);
  // Clamped at the limit when very slow, at 1 when absurdly fast.
  CHECK(next_bits_asert(anchor, {2, anchor.time + 40 * 86400}, params) == 0x1d00ffff);
  CHECK(next_bits_asert(anchor, {10000001, anchor.time}, params) == 0x01010000);
  // An anchor at the limit stays there while blocks are slow.
  const AsertAnchor at_limit{1, 1585699260, 0x1d00ffff};
  CHECK(next_bits_asert(at_limit, {50, at_limit.time + 50 * 600}, params) == 0x1d00ffff);
}

TEST_CASE("BitSilver's rule is aserti3-2d with the anchor's parent one spacing earlier") {
  // exponent = (P.time - A.time - T*(P.h - A.h)) / H equals BCHN's formula
  // with anchor_parent_time = A.time - T, for any parent at or after A.
  std::mt19937_64 rng(btr::test::seed());
  const AsertParams params{60, 86400, decode_compact(0x1d00ffff).target};
  const AsertAnchor anchor{1, 1585699260, 0x1b0404cb};
  const Uint256 anchor_target = decode_compact(anchor.bits).target;
  for (int i = 0; i < 2000; ++i) {
    const int64_t blocks = static_cast<int64_t>(rng() % 2000000);
    const int64_t jitter = static_cast<int64_t>(rng() % 4000000) - 2000000;
    const AsertParent parent{anchor.height + blocks, anchor.time + 60 * blocks + jitter};
    const Uint256 bch =
        calculate_asert(anchor_target, params.spacing, parent.time - (anchor.time - params.spacing),
                        blocks, params.pow_limit, params.half_life);
    CHECK(next_bits_asert(anchor, parent, params) == encode_compact(bch));
  }
}
