// Every rejection code 20..25, version rolling with ESP-Miner's and cgminer's
// masks, difficulty changes between jobs, stale after a new block, block
// candidates, and the spec's worked example through the validator.
#include <doctest/doctest.h>

#include "core/block.h"
#include "core/crypto/sha256.h"
#include "core/pow.h"
#include "pool/share_validator.h"
#include "stratum/codec.h"
#include "stratum/version_rolling.h"
#include "test/common/test_util.h"
#include "test/pool/pool_test_util.h"
#include "test/stratum/worked_example.h"

using namespace btr;
namespace reason = stratum::reason;

namespace {

constexpr double kTrivial = 1e-20;  // target clamps to 2^256-1: every hash passes

struct Session {
  std::vector<std::string> workers = {"mtVwi6aB1K4mZ4ziK27VgXGjdhLQ1V9iqs.rig"};
  std::vector<uint8_t> en1 = {0x00, 0x00, 0x00, 0x2a};
  pool::ShareDifficultyTracker difficulty{kTrivial};
  uint32_t mask = 0;
  bool subscribed = true;

  pool::ShareContext context() const { return {workers, en1, mask, &difficulty, subscribed}; }
};

stratum::Submit submit_for(const pool::Job& job, const Session& s, uint32_t nonce) {
  stratum::Submit sub;
  sub.worker = s.workers.empty() ? "nobody" : s.workers[0];
  sub.job_id = job.notify.job_id;
  sub.extranonce2.assign(job.extranonce2_size, 0);
  sub.extranonce2[0] = 1;
  sub.ntime = job.notify.ntime;
  sub.nonce = nonce;
  return sub;
}

struct Fixture {
  std::mt19937_64 rng{test::seed()};
  pool::JobStore jobs;
  Session session;
  std::shared_ptr<const pool::Job> job;

  explicit Fixture(uint32_t bits = test::kMainBits) {
    auto t = std::make_shared<pool::BlockTemplate>(test::make_template(3, bits, 1000, rng));
    job = test::make_job(t, "a1");
    jobs.add(job);
    session.difficulty.on_notify("a1");
  }
};

}  // namespace

TEST_CASE("share validator: accepted share, then the same share is a duplicate (22)") {
  Fixture f;
  const auto sub = submit_for(*f.job, f.session, 7);
  auto out = pool::validate_share(sub, f.session.context(), f.jobs);
  REQUIRE(out.accepted());
  CHECK(out.version == 0x20000000u);
  CHECK(out.share_difficulty == doctest::Approx(core::share_difficulty(out.hash)));
  CHECK_FALSE(out.block_candidate);  // main-net bits: one hash in 2^32
  CHECK(core::sha256d(out.header) == out.hash);
  out = pool::validate_share(sub, f.session.context(), f.jobs);
  CHECK(out.code == 22);
  CHECK(out.reason == reason::kDuplicate);
  auto other = sub;
  other.nonce = 8;  // any field differing makes it a new share
  CHECK(pool::validate_share(other, f.session.context(), f.jobs).accepted());
  other.extranonce2[1] = 5;
  CHECK(pool::validate_share(other, f.session.context(), f.jobs).accepted());
}

TEST_CASE("share validator: 25 not subscribed, 24 unauthorized / worker mismatch") {
  Fixture f;
  const auto sub = submit_for(*f.job, f.session, 1);
  f.session.subscribed = false;
  CHECK(pool::validate_share(sub, f.session.context(), f.jobs).code == 25);
  f.session.subscribed = true;
  auto wrong = sub;
  wrong.worker = "someone.else";
  auto out = pool::validate_share(wrong, f.session.context(), f.jobs);
  CHECK(out.code == 24);
  CHECK(out.reason == reason::kWorkerMismatch);
  f.session.workers.clear();
  CHECK(pool::validate_share(sub, f.session.context(), f.jobs).code == 24);
}

TEST_CASE("share validator: 21 unknown job, and stale after a new block") {
  Fixture f;
  auto sub = submit_for(*f.job, f.session, 1);
  sub.job_id = "nope";
  auto out = pool::validate_share(sub, f.session.context(), f.jobs);
  CHECK(out.code == 21);
  CHECK(out.reason == reason::kInvalidJobId);

  // New block: the old job is stale, a job on the new tip is fine.
  f.jobs.new_tip();
  sub = submit_for(*f.job, f.session, 1);
  out = pool::validate_share(sub, f.session.context(), f.jobs);
  CHECK(out.code == 21);
  CHECK(out.reason == reason::kStale);
  auto t2 =
      std::make_shared<pool::BlockTemplate>(test::make_template(1, test::kMainBits, 1001, f.rng));
  auto job2 = test::make_job(t2, "b2");
  f.jobs.add(job2);
  f.session.difficulty.on_notify("b2");
  CHECK(pool::validate_share(submit_for(*job2, f.session, 1), f.session.context(), f.jobs)
            .accepted());
  // Two tips later the old job is forgotten entirely.
  f.jobs.new_tip();
  f.jobs.new_tip();
  CHECK(pool::validate_share(sub, f.session.context(), f.jobs).reason == reason::kInvalidJobId);
}

TEST_CASE("share validator: 20 nonce2 length, ntime window, version mask") {
  Fixture f;
  auto sub = submit_for(*f.job, f.session, 1);
  sub.extranonce2.push_back(0);
  auto out = pool::validate_share(sub, f.session.context(), f.jobs);
  CHECK(out.code == 20);
  CHECK(out.reason == reason::kInvalidNonce2Length);
  sub.extranonce2.resize(4);
  CHECK(pool::validate_share(sub, f.session.context(), f.jobs).reason ==
        reason::kInvalidNonce2Length);

  sub = submit_for(*f.job, f.session, 2);
  sub.ntime = f.job->notify.ntime - 1;
  CHECK(pool::validate_share(sub, f.session.context(), f.jobs).reason == reason::kNtimeOutOfRange);
  sub.ntime = f.job->notify.ntime + 7001;
  CHECK(pool::validate_share(sub, f.session.context(), f.jobs).reason == reason::kNtimeOutOfRange);
  sub.ntime = f.job->notify.ntime + 7000;  // the edge is allowed
  CHECK(pool::validate_share(sub, f.session.context(), f.jobs).accepted());

  // The window comes from the config (ntime_window_s): a narrower one moves the edge.
  pool::ShareContext narrow = f.session.context();
  narrow.ntime_window_s = 600;
  sub = submit_for(*f.job, f.session, 4);
  sub.ntime = f.job->notify.ntime + 601;
  CHECK(pool::validate_share(sub, narrow, f.jobs).reason == reason::kNtimeOutOfRange);
  sub.ntime = f.job->notify.ntime + 600;
  CHECK(pool::validate_share(sub, narrow, f.jobs).accepted());

  // No configure: mask 0, so any set bit is outside it; zero bits are fine.
  sub = submit_for(*f.job, f.session, 3);
  sub.version_bits = 0x00002000;
  out = pool::validate_share(sub, f.session.context(), f.jobs);
  CHECK(out.code == 20);
  CHECK(out.reason == reason::kInvalidVersionMask);
  sub.version_bits = 0;
  CHECK(pool::validate_share(sub, f.session.context(), f.jobs).accepted());
}

TEST_CASE("share validator: version rolling with ESP-Miner's and cgminer's negotiated masks") {
  Fixture f;
  // Both send mask ffffffff; the pool answers 1fffe000.
  const auto negotiated = stratum::negotiate_configure(
      {{"version-rolling"}, 0xffffffffu, std::nullopt}, stratum::kDefaultVersionMask);
  REQUIRE(negotiated.version_rolling == true);
  f.session.mask = negotiated.version_rolling_mask;
  // ESP-Miner: 6th param = rolled ^ job version (bits inside the mask only).
  const uint32_t rolled = 0x20000000u | 0x0a5e6000u;
  auto sub = submit_for(*f.job, f.session, 11);
  sub.version_bits = rolled ^ f.job->notify.version;
  auto out = pool::validate_share(sub, f.session.context(), f.jobs);
  REQUIRE(out.accepted());
  CHECK(out.version == rolled);
  // The header stores the version little-endian.
  CHECK(out.header[0] == (rolled & 0xff));
  CHECK(out.header[3] == (rolled >> 24));
  // cgminer after configure may submit without the 6th param: job version.
  sub = submit_for(*f.job, f.session, 12);
  out = pool::validate_share(sub, f.session.context(), f.jobs);
  REQUIRE(out.accepted());
  CHECK(out.version == 0x20000000u);
  // A bit outside the negotiated mask is refused.
  sub = submit_for(*f.job, f.session, 13);
  sub.version_bits = 0x40000000u;
  CHECK(pool::validate_share(sub, f.session.context(), f.jobs).reason ==
        reason::kInvalidVersionMask);
  sub.version_bits = 0x00001000u;  // bit 12: below BIP320's range
  CHECK(pool::validate_share(sub, f.session.context(), f.jobs).reason ==
        reason::kInvalidVersionMask);
}

TEST_CASE("share validator: 23 low difficulty, judged at the difficulty the job was sent with") {
  Fixture f;
  // Find the difficulty of a particular share without recording it.
  pool::JobStore probe_jobs;
  probe_jobs.add(f.job);
  const auto sub_a = submit_for(*f.job, f.session, 77);
  const double d = pool::validate_share(sub_a, f.session.context(), probe_jobs).share_difficulty;
  REQUIRE(d > 0);

  // Job a1 was sent at d/2. Raising to 4d afterwards: a1 still accepts min(d/2, 4d).
  pool::ShareDifficultyTracker tracker(d / 2);
  tracker.on_notify("a1");
  tracker.on_set_difficulty(4 * d);
  CHECK(tracker.required("a1") == d / 2);
  Session s = f.session;
  auto ctx = s.context();
  ctx.difficulty = &tracker;
  auto out = pool::validate_share(sub_a, ctx, f.jobs);
  CHECK(out.accepted());
  CHECK(out.required_difficulty == d / 2);

  // Vardiff between two templates sends the same job id again after the new
  // set_difficulty: shares of it hashed at the old value are still in flight.
  pool::ShareDifficultyTracker resent(d / 2);
  resent.on_notify("a1");
  resent.on_set_difficulty(4 * d);
  resent.on_notify("a1");
  CHECK(resent.required("a1") == d / 2);
  ctx.difficulty = &resent;
  pool::JobStore resent_jobs;
  resent_jobs.add(f.job);
  CHECK(pool::validate_share(sub_a, ctx, resent_jobs).accepted());
  ctx.difficulty = &tracker;

  // The next job is sent at 4d: the same kind of share is now too easy.
  auto job_b = test::make_job(f.job->block_template, "b1");
  f.jobs.add(job_b);
  tracker.on_notify("b1");
  CHECK(tracker.required("b1") == 4 * d);
  // Pick a share of job b whose difficulty is below 4d (probed without recording).
  probe_jobs.add(job_b);
  stratum::Submit sub_b;
  for (uint32_t nonce = 0;; ++nonce) {
    REQUIRE(nonce < 1000);
    sub_b = submit_for(*job_b, s, nonce);
    if (pool::validate_share(sub_b, f.session.context(), probe_jobs).share_difficulty < 4 * d)
      break;
  }
  out = pool::validate_share(sub_b, ctx, f.jobs);
  CHECK(out.code == 23);
  CHECK(out.reason == reason::kAboveTarget);
  // Lowering applies at once to jobs already sent (lower of old and new).
  tracker.on_set_difficulty(kTrivial);
  CHECK(tracker.required("b1") == kTrivial);
  CHECK(pool::validate_share(sub_b, ctx, f.jobs).accepted());

  // And a plainly too-hard session difficulty is refused with 23.
  pool::ShareDifficultyTracker hard(1e15);
  ctx.difficulty = &hard;
  out = pool::validate_share(submit_for(*f.job, s, 99), ctx, f.jobs);
  CHECK(out.code == 23);
  CHECK(out.required_difficulty == 1e15);
}

TEST_CASE(
    "share validator: a share meeting the network target is a block candidate with a valid block") {
  Fixture f(test::kRegtestBits);
  size_t blocks = 0;
  for (uint32_t nonce = 0; nonce < 64 && blocks < 3; ++nonce) {
    auto out =
        pool::validate_share(submit_for(*f.job, f.session, nonce), f.session.context(), f.jobs);
    REQUIRE(out.accepted());
    CHECK(out.block_candidate == core::hash_meets_target(out.hash, f.job->network_target));
    if (!out.block_candidate) continue;
    ++blocks;
    auto block = core::Block::parse(core::from_hex(out.block_hex).value());
    REQUIRE(block.ok());
    CHECK(block->hash() == out.hash);
    CHECK(block->transactions.size() == 4);
    CHECK(block->compute_merkle_root().root == block->header.merkle_root);
    CHECK(core::check_proof_of_work(block->hash(), block->header.bits,
                                    core::decode_compact(test::kRegtestBits).target));
  }
  CHECK(blocks > 0);
  // Even a share refused for the session difficulty is still flagged as a block.
  pool::ShareDifficultyTracker hard(1e15);
  auto ctx = f.session.context();
  ctx.difficulty = &hard;
  bool seen = false;
  for (uint32_t nonce = 1000; nonce < 1064 && !seen; ++nonce) {
    auto out = pool::validate_share(submit_for(*f.job, f.session, nonce), ctx, f.jobs);
    CHECK(out.code == 23);
    if (out.block_candidate) {
      seen = true;
      CHECK_FALSE(out.block_hex.empty());
    }
  }
  CHECK(seen);
}

TEST_CASE("share validator: the spec's worked example share through the validator") {
  const auto parsed = stratum::parse_server_message(test::worked_example::notify_line());
  REQUIRE(parsed.message.ok());
  auto job = std::make_shared<pool::Job>();
  job->notify = std::get<stratum::Notify>(*parsed.message);
  job->extranonce2_size = 4;
  job->network_target = core::decode_compact(job->notify.nbits).target;
  job->block_template = std::make_shared<pool::BlockTemplate>();
  pool::JobStore jobs;
  jobs.add(job);
  Session s;
  s.workers = {"worker"};
  s.en1 = {0x01, 0x00, 0x00, 0x00};
  pool::ShareDifficultyTracker at512(512);
  at512.on_notify("0");
  auto ctx = s.context();
  ctx.difficulty = &at512;
  const auto sub = stratum::parse_client_message(
      R"({"id":4,"method":"mining.submit","params":["worker","0","00000000","647025b5","0a029ed1"]})");
  REQUIRE(sub.message.ok());
  const auto& submit = std::get<stratum::Submit>(*sub.message);
  auto out = pool::validate_share(submit, ctx, jobs);
  REQUIRE(out.accepted());
  CHECK(out.hash.to_display_hex() ==
        "00000000005fe144efbc66241c0094b8fdc2702b7729226fdfed70ca8094c0b5");
  CHECK(out.share_difficulty == doctest::Approx(683.51).epsilon(1e-4));
  CHECK_FALSE(out.block_candidate);
  pool::ShareDifficultyTracker at1024(1024);
  ctx.difficulty = &at1024;
  jobs.new_tip();
  jobs.add(job);  // re-added on the new tip: the duplicate set starts empty
  out = pool::validate_share(submit, ctx, jobs);
  CHECK(out.code == 23);
}
