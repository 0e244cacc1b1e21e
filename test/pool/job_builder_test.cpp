#include <doctest/doctest.h>

#include "core/block.h"
#include "core/crypto/sha256.h"
#include "core/merkle.h"
#include "core/script.h"
#include "pool/job_builder.h"
#include "stratum/share_rebuild.h"
#include "test/common/test_util.h"
#include "test/pool/pool_test_util.h"

using namespace btr;

TEST_CASE("job builder: BIP34 height push bytes") {
  CHECK(core::to_hex(pool::bip34_height_push(1)) == "0101");
  CHECK(core::to_hex(pool::bip34_height_push(16)) == "0110");
  CHECK(core::to_hex(pool::bip34_height_push(17)) == "0111");
  CHECK(core::to_hex(pool::bip34_height_push(127)) == "017f");
  CHECK(core::to_hex(pool::bip34_height_push(128)) == "028000");
  CHECK(core::to_hex(pool::bip34_height_push(255)) == "02ff00");
  CHECK(core::to_hex(pool::bip34_height_push(256)) == "020001");
  CHECK(core::to_hex(pool::bip34_height_push(32768)) == "03008000");
  CHECK(core::to_hex(pool::bip34_height_push(791433)) ==
        "0389130c");  // the worked example's coinb1
  CHECK(core::to_hex(pool::bip34_height_push(8388608)) == "0400008000");
}

TEST_CASE("job builder: coinbase is a valid transaction with height, outputs and extranonce") {
  std::mt19937_64 rng(test::seed());
  for (uint32_t height : {1u, 5u, 16u, 17u, 128u, 500'000u, 16'777'216u}) {
    INFO("height " << height);
    auto t = std::make_shared<pool::BlockTemplate>(
        test::make_template(3, test::kRegtestBits, height, rng));
    t->coinbase_aux_flags = {0xaa, 0xbb};
    const std::vector<pool::PayoutOutput> payouts = {
        {{0x51}, 1}, {{0x76, 0xa9, 0x14, 1, 2, 3}, t->coinbase_value - 1}};
    pool::JobOptions options;
    options.pool_tag = "/btr-test/";
    options.extranonce2_size = 8;
    auto job = pool::build_job(t, payouts, options, "j1", true);
    REQUIRE(job.ok());
    const auto& n = job->notify;
    CHECK(n.version == 0x20000000u);
    CHECK(n.nbits == t->bits);
    CHECK(n.ntime == t->curtime);
    CHECK(n.prev_block == t->prev_block);
    CHECK(n.clean_jobs);
    CHECK(n.job_id == "j1");

    const std::vector<uint8_t> en1 = {0xde, 0xad, 0xbe, 0xef};
    const std::vector<uint8_t> en2 = {1, 2, 3, 4, 5, 6, 7, 8};
    const auto coinbase = stratum::assemble_coinbase(n.coinb1, en1, en2, n.coinb2);
    auto tx = core::Transaction::parse(coinbase);
    REQUIRE(tx.ok());
    CHECK(tx->is_coinbase());
    CHECK(tx->outputs.size() == 2);
    CHECK(tx->total_output_value().value() == t->coinbase_value);
    CHECK(tx->outputs[0].script_pubkey == payouts[0].script_pubkey);
    CHECK(core::parse_coinbase_height(tx->inputs[0].script_sig).value() == height);
    const auto& sig = tx->inputs[0].script_sig;
    CHECK(sig.size() <= 100);
    const std::string sig_hex = core::to_hex(sig);
    CHECK(sig_hex.find("02aabb"
                       "0c"
                       "deadbeef0102030405060708"
                       "0a2f6274722d746573742f") != std::string::npos);
  }
}

TEST_CASE("job builder: merkle branch folds to the block's merkle root") {
  std::mt19937_64 rng(test::seed());
  for (size_t ntx = 0; ntx < 12; ++ntx) {
    auto t = std::make_shared<pool::BlockTemplate>(
        test::make_template(ntx, test::kRegtestBits, 100, rng));
    auto job = test::make_job(t, "m", 4);
    const std::vector<uint8_t> en1 = {0, 0, 0, 1}, en2 = {9, 9, 9, 9};
    const auto coinbase =
        stratum::assemble_coinbase(job->notify.coinb1, en1, en2, job->notify.coinb2);
    std::vector<core::Hash256> leaves = {core::sha256d(coinbase)};
    for (const auto& tx : t->transactions) leaves.push_back(tx.txid);
    CHECK(stratum::fold_merkle_branch(leaves[0], job->notify.merkle_branch) ==
          core::compute_merkle_root(leaves).root);
  }
}

TEST_CASE("job builder: block assembly parses as a block with the template's transactions") {
  std::mt19937_64 rng(test::seed());
  auto t =
      std::make_shared<pool::BlockTemplate>(test::make_template(5, test::kRegtestBits, 42, rng));
  auto job = test::make_job(t, "b", 8);
  const std::vector<uint8_t> en1 = {1, 2, 3, 4}, en2(8, 7);
  const auto rebuilt = stratum::rebuild_share(
      job->notify, {en1, en2, job->notify.ntime, 12345, job->notify.version});
  const std::string hex = pool::assemble_block_hex(*t, rebuilt.header_bytes, rebuilt.coinbase);
  auto block = core::Block::parse(core::from_hex(hex).value());
  REQUIRE(block.ok());
  CHECK(block->header.serialize() == rebuilt.header_bytes);
  REQUIRE(block->transactions.size() == 6);
  CHECK(block->transactions[0].serialize() == rebuilt.coinbase);
  for (size_t i = 0; i < 5; ++i)
    CHECK(block->transactions[i + 1].serialize() == t->transactions[i].data);
  CHECK(block->compute_merkle_root().root == block->header.merkle_root);
}

TEST_CASE("job builder: refuses bad payouts and bad sizes") {
  std::mt19937_64 rng(test::seed());
  auto t =
      std::make_shared<pool::BlockTemplate>(test::make_template(1, test::kRegtestBits, 10, rng));
  pool::JobOptions options;
  std::vector<pool::PayoutOutput> short_by_one = {{{0x51}, t->coinbase_value - 1}};
  CHECK_FALSE(pool::build_job(t, short_by_one, options, "x", true).ok());
  std::vector<pool::PayoutOutput> too_much = {{{0x51}, t->coinbase_value}, {{0x51}, 1}};
  CHECK_FALSE(pool::build_job(t, too_much, options, "x", true).ok());
  std::vector<pool::PayoutOutput> negative = {{{0x51}, -1}, {{0x51}, t->coinbase_value + 1}};
  CHECK_FALSE(pool::build_job(t, negative, options, "x", true).ok());
  CHECK_FALSE(pool::build_job(t, {}, options, "x", true).ok());
  const auto ok = test::solo_payout(*t);
  options.extranonce2_size = 0;
  CHECK_FALSE(pool::build_job(t, ok, options, "x", true).ok());
  options.extranonce2_size = 17;
  CHECK_FALSE(pool::build_job(t, ok, options, "x", true).ok());
  options.extranonce2_size = 8;
  options.pool_tag = std::string(33, 'x');
  CHECK_FALSE(pool::build_job(t, ok, options, "x", true).ok());
  options.pool_tag = "/t/";
  auto big_flags = std::make_shared<pool::BlockTemplate>(*t);
  big_flags->coinbase_aux_flags.assign(90, 0x01);  // scriptSig would pass 100 bytes
  CHECK_FALSE(pool::build_job(big_flags, ok, options, "x", true).ok());
  CHECK(pool::build_job(t, ok, options, "x", false).ok());
}
