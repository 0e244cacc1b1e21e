// btr-miner's work manager: disjoint search spaces per device, job switching
// and staleness, and the CPU re-check of hits.
#include <doctest/doctest.h>

#include <chrono>
#include <future>
#include <set>

#include "core/crypto/sha256.h"
#include "core/hex.h"
#include "kernels/cpu/cpu_dispatch.h"
#include "stratum/share_rebuild.h"
#include "tools/miner/work_manager.h"

using namespace btr::tools::miner;
using btr::core::Uint256;

namespace {

std::shared_ptr<MinerJob> make_job(const std::string& id, bool clean, uint8_t prev = 1) {
  auto job = std::make_shared<MinerJob>();
  job->notify.job_id = id;
  job->notify.prev_block.bytes[31] = prev;
  job->notify.coinb1 = *btr::core::from_hex(
      "01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff0c0364000"
      "0");
  job->notify.coinb2 = *btr::core::from_hex("ffffffff0100e1f5050000000001510000000000");
  job->notify.version = 0x20000000;
  job->notify.nbits = 0x207fffff;
  job->notify.ntime = 0x65000000;
  job->notify.clean_jobs = clean;
  job->extranonce1 = {1, 2, 3, 4};
  job->extranonce2_size = 4;
  job->version_mask = 0x1fffe000;
  job->share_difficulty = 1;
  job->share_target = target_for_difficulty(1);
  job->block_target = target_from_compact(0x207fffff);
  return job;
}

}  // namespace

TEST_CASE("work manager: devices get disjoint extranonce2 and version slices") {
  WorkManager work(2, [](FoundShare) {});
  work.set_job(make_job("a", true));
  std::set<std::vector<uint8_t>> en2_seen[2];
  uint64_t version_min[2] = {UINT64_MAX, UINT64_MAX};
  uint64_t version_max[2] = {0, 0};
  for (size_t device = 0; device < 2; ++device) {
    uint64_t expected_first = 0;
    for (int i = 0; i < 6; ++i) {
      auto unit = work.next_unit(device, uint64_t{1} << 31);  // two units per version
      REQUIRE(unit);
      CHECK(unit->scan.nonce_first == expected_first);
      CHECK(unit->scan.nonce_end - unit->scan.nonce_first == (uint64_t{1} << 31));
      expected_first = unit->scan.nonce_end % (uint64_t{1} << 32);
      CHECK(unit->scan.version_mask == 0x1fffe000);
      CHECK(unit->scan.version_count == 1);
      en2_seen[device].insert(unit->extranonce2);
      version_min[device] = std::min(version_min[device], unit->scan.version_first);
      version_max[device] = std::max(version_max[device], unit->scan.version_first);
      // The unit's header template is the job's header for that extranonce2.
      CHECK(unit->scan.header == job_header(*unit->job, unit->extranonce2, 0x20000000, 0));
    }
  }
  // 2^16 versions split in halves; each device walked 3 versions of its own half.
  CHECK(version_min[0] == 0);
  CHECK(version_max[0] == 2);
  CHECK(version_min[1] == 32768);
  CHECK(version_max[1] == 32770);
  for (const auto& en2 : en2_seen[0]) CHECK(en2_seen[1].count(en2) == 0);
  CHECK(*en2_seen[0].begin() == std::vector<uint8_t>{0, 0, 0, 0});
  CHECK(*en2_seen[1].begin() == std::vector<uint8_t>{1, 0, 0, 0});
}

TEST_CASE("work manager: without version rolling devices move through extranonce2") {
  WorkManager work(3, [](FoundShare) {});
  auto job = make_job("a", true);
  job->version_mask = 0;
  work.set_job(job);
  std::set<std::vector<uint8_t>> seen;
  for (int i = 0; i < 4; ++i) {
    for (size_t device = 0; device < 3; ++device) {
      auto unit = work.next_unit(device, uint64_t{1} << 32);  // a whole nonce range per unit
      REQUIRE(unit);
      CHECK(unit->scan.version_first == 0);
      CHECK(seen.insert(unit->extranonce2).second);
    }
  }
  CHECK(seen.size() == 12);
}

TEST_CASE("work manager: clean jobs and new blocks cancel and make old work stale") {
  WorkManager work(1, [](FoundShare) {});
  int cancels = 0;
  work.set_cancel_hook([&] { ++cancels; });
  work.set_job(make_job("a", true));
  auto unit_a = work.next_unit(0, 1000);
  REQUIRE(unit_a);
  const uint64_t gen = work.generation().load();
  work.set_job(make_job("b", false));  // same block, not clean: no cancel
  CHECK(work.generation().load() == gen);
  CHECK_FALSE(work.is_stale(unit_a->publication));
  auto unit_b = work.next_unit(0, 1000);
  REQUIRE(unit_b);
  CHECK(unit_b->job->notify.job_id == "b");
  CHECK(unit_b->scan.nonce_first == 0);   // a new job starts its own walk
  work.set_job(make_job("c", false, 2));  // new previous block, even without clean_jobs
  CHECK(work.generation().load() != gen);
  CHECK(work.is_stale(unit_a->publication));
  CHECK(work.is_stale(unit_b->publication));
  auto unit_c = work.next_unit(0, 1000);
  REQUIRE(unit_c);
  CHECK_FALSE(work.is_stale(unit_c->publication));
  work.set_job(make_job("d", true, 2));
  CHECK(work.is_stale(unit_c->publication));
  CHECK(cancels == 3);  // a, c and d
  work.clear();
  CHECK(cancels == 4);
  work.stop();
  CHECK_FALSE(work.next_unit(0, 1000));
}

TEST_CASE("work manager: hits are re-checked on the CPU before they become shares") {
  std::vector<FoundShare> shares;
  WorkManager work(1, [&](FoundShare s) { shares.push_back(std::move(s)); });
  auto job = make_job("a", true);
  job->share_difficulty = 1.0 / (1 << 20);  // 0xffff * 2^228: about one hash in 4096
  job->share_target = target_for_difficulty(job->share_difficulty);
  job->block_target = Uint256(0xffff) << 226u;  // a quarter of the shares
  work.set_job(job);
  auto unit = work.next_unit(0, 1 << 16);
  REQUIRE(unit);
  CHECK(unit->scan.nonce_end == (1 << 16));
  auto selection = btr::kernels::cpu::select_backend({"portable", 0});
  REQUIRE(selection);
  auto backend = btr::kernels::cpu::make_backend(*selection->selected);
  const auto result = btr::kernels::scan(*backend, unit->scan);
  REQUIRE(result.hits.size() >= 2);
  for (const auto& hit : result.hits) CHECK(work.on_hit(*unit, hit) == HitVerdict::kShare);
  REQUIRE(shares.size() == result.hits.size());
  size_t blocks = 0;
  for (const FoundShare& share : shares) {
    // Rebuild independently from the Stratum fields the submit would carry.
    btr::stratum::ShareFields fields;
    fields.extranonce1 = job->extranonce1;
    fields.extranonce2 = share.extranonce2;
    fields.ntime = share.ntime;
    fields.nonce = share.nonce;
    fields.version = btr::stratum::apply_version_bits(0x20000000, share.version_bits(), 0x1fffe000);
    const auto rebuilt = btr::stratum::rebuild_share(job->notify, fields);
    CHECK(rebuilt.hash == share.hash);
    CHECK(Uint256::from_hash(rebuilt.hash) <= (Uint256(0xffff) << 228u));
    CHECK(share.is_block == (Uint256::from_hash(rebuilt.hash) <= (Uint256(0xffff) << 226u)));
    blocks += share.is_block ? 1 : 0;
  }
  MESSAGE(shares.size() << " shares, " << blocks << " blocks");

  auto corrupt = result.hits.front();
  corrupt.hash.bytes[0] ^= 1;
  CHECK(work.on_hit(*unit, corrupt) == HitVerdict::kHardwareError);
  WorkUnit harder = *unit;
  auto hard_job = std::make_shared<MinerJob>(*job);
  hard_job->share_target = Uint256(1);
  harder.job = hard_job;
  CHECK(work.on_hit(harder, result.hits.front()) == HitVerdict::kBelowTarget);
  work.set_job(make_job("b", true));
  CHECK(work.on_hit(*unit, result.hits.front()) == HitVerdict::kStale);
  CHECK(shares.size() == result.hits.size());  // nothing more reached the sink
}

TEST_CASE("work manager: easy targets get small units") {
  // Regtest blocks (0x207fffff) hit about every second hash: a unit holds ~128 nonces.
  CHECK(nonces_for_target(target_from_compact(0x207fffff), uint64_t{1} << 30) <= 256);
  CHECK(nonces_for_target(Uint256::max(), uint64_t{1} << 30) == WorkManager::kMaxHitsPerUnit);
  CHECK(nonces_for_target(target_for_difficulty(1), uint64_t{1} << 30) == (uint64_t{1} << 30));
}

TEST_CASE("work manager: a 1-byte extranonce2 runs out, ntime rolls, then the device waits") {
  WorkManager work(2, [](FoundShare) {});
  auto job = make_job("tiny", true);
  job->extranonce2_size = 1;  // 256 values, 128 per device
  job->version_mask = 0;      // one version: each unit of 2^32 nonces uses one extranonce2
  job->share_target = target_for_difficulty(1e6);  // hard: units are not cut short
  job->ntime_roll_s = 2;
  work.set_job(job);
  std::set<std::pair<std::vector<uint8_t>, uint32_t>> seen[2];
  for (size_t device = 0; device < 2; ++device) {
    for (int i = 0; i < 3 * 128; ++i) {
      auto unit = work.next_unit(device, uint64_t{1} << 32);
      REQUIRE(unit);
      // ntime moves one second after every 128 extranonce2 values, at most 2 s.
      CHECK(unit->ntime == job->notify.ntime + static_cast<uint32_t>(i / 128));
      CHECK(unit->scan.header ==
            job_header(*unit->job, unit->extranonce2, 0x20000000, 0, unit->ntime));
      CHECK(seen[device].insert({unit->extranonce2, unit->ntime}).second);  // never twice
      CHECK(unit->extranonce2[0] % 2 == device);                            // its own values only
    }
  }
  // Both devices used everything the job allows: the next call waits for a new job.
  auto waiting = std::async(std::launch::async, [&] { return work.next_unit(0, 1u << 20); });
  CHECK(waiting.wait_for(std::chrono::milliseconds(200)) == std::future_status::timeout);
  work.set_job(make_job("next", false));
  REQUIRE(waiting.wait_for(std::chrono::seconds(5)) == std::future_status::ready);
  auto unit = waiting.get();
  REQUIRE(unit);
  CHECK(unit->job->notify.job_id == "next");
  CHECK(unit->ntime == unit->job->notify.ntime);
}
