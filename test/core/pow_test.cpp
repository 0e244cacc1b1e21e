#include <doctest/doctest.h>

#include <cmath>
#include <ios>

#include "core/pow.h"

using namespace btr::core;

namespace {
Uint256 hex256(const char* hex) {
  auto v = Uint256::from_hex(hex);
  REQUIRE(v.ok());
  return *v;
}
Uint256 main_limit() {
  return hex256("00000000ffff0000000000000000000000000000000000000000000000000000");
}
}  // namespace

TEST_CASE("compact bits decode with Bitcoin's sign and overflow semantics") {
  // Zero mantissas decode to zero and are never negative or overflowing,
  // whatever the size and sign bit say (Bitcoin's arith_uint256 tests).
  for (uint32_t bits :
       {0x00000000u, 0x00123456u, 0x01003456u, 0x02000056u, 0x03000000u, 0x04000000u, 0x00923456u,
        0x01803456u, 0x02800056u, 0x03800000u, 0x04800000u, 0xff000000u}) {
    INFO("bits " << std::hex << bits);
    const CompactTarget c = decode_compact(bits);
    CHECK(c.target.is_zero());
    CHECK_FALSE(c.negative);
    CHECK_FALSE(c.overflow);
  }
  CompactTarget c = decode_compact(0x01123456);
  CHECK(c.target == Uint256(0x12));
  CHECK_FALSE(c.negative);
  CHECK(encode_compact(c.target) == 0x01120000);

  c = decode_compact(0x01fedcba);  // size 1 keeps 0x7e after the shift: negative
  CHECK(c.target == Uint256(0x7e));
  CHECK(c.negative);

  CHECK(decode_compact(0x02123456).target == Uint256(0x1234));
  CHECK(encode_compact(Uint256(0x1234)) == 0x02123400);
  CHECK(decode_compact(0x03123456).target == Uint256(0x123456));
  CHECK(encode_compact(Uint256(0x123456)) == 0x03123456);
  CHECK(decode_compact(0x04123456).target == Uint256(0x12345600));
  CHECK(encode_compact(Uint256(0x12345600)) == 0x04123456);

  c = decode_compact(0x04923456);
  CHECK(c.negative);
  CHECK(c.target == Uint256(0x12345600));

  // Mantissa 0x92... would read as negative, so it is stored one byte up.
  CHECK(decode_compact(0x05009234).target == Uint256(0x92340000));
  CHECK(encode_compact(Uint256(0x92340000)) == 0x05009234);
  CHECK(encode_compact(Uint256(0x80)) == 0x02008000);

  c = decode_compact(0x20123456);
  CHECK(c.target == hex256("1234560000000000000000000000000000000000000000000000000000000000"));
  CHECK_FALSE(c.overflow);
  CHECK(encode_compact(c.target) == 0x20123456);

  CHECK(decode_compact(0xff123456).overflow);
  CHECK(decode_compact(0x21010000).overflow);  // 0x0100 << 8*30 needs 265 bits
  CHECK_FALSE(decode_compact(0x21000100).overflow);
  CHECK(decode_compact(0x22000001).overflow == false);
  CHECK(decode_compact(0x23000001).overflow);
  CHECK(encode_compact(Uint256()) == 0);
}

TEST_CASE("network limits and difficulty 1") {
  CHECK(decode_compact(0x1d00ffff).target == diff1_target());
  CHECK(diff1_target() == main_limit());
  CHECK(encode_compact(diff1_target()) == 0x1d00ffff);
  CHECK(difficulty_from_bits(0x1d00ffff) == 1.0);
  CHECK(difficulty_from_target(diff1_target() >> 1) == 2.0);

  const Uint256 regtest = decode_compact(0x207fffff).target;
  CHECK(regtest == hex256("7fffff0000000000000000000000000000000000000000000000000000000000"));
  CHECK(encode_compact(regtest) == 0x207fffff);
  const Uint256 testnet = decode_compact(0x1e0fffff).target;
  CHECK(testnet == hex256("00000fffff000000000000000000000000000000000000000000000000000000"));
  CHECK(encode_compact(testnet) == 0x1e0fffff);
}

TEST_CASE("target_from_bits refuses negative, zero, overflow and above-limit bits") {
  auto ok = target_from_bits(0x1d00ffff, main_limit());
  REQUIRE(ok.ok());
  CHECK(*ok == main_limit());
  CHECK(target_from_bits(0x1c7fffff, main_limit()).ok());
  for (uint32_t bits : {0x1d01ffffu /* above */, 0x1d80ffffu /* negative */, 0x00000000u,
                        0x1d000000u /* zero */, 0xff123456u /* overflow */}) {
    INFO("bits " << std::hex << bits);
    auto r = target_from_bits(bits, main_limit());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error() == "bad-diffbits");
  }
}

TEST_CASE("proof-of-work check on Bitcoin's genesis block") {
  auto genesis =
      Hash256::from_display_hex("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
  REQUIRE(genesis.ok());
  CHECK(check_proof_of_work(*genesis, 0x1d00ffff, main_limit()));
  CHECK_FALSE(check_proof_of_work(*genesis, 0x1b0404cb, main_limit()));  // too hard for it
  CHECK_FALSE(check_proof_of_work(*genesis, 0x1d80ffff, main_limit()));  // negative bits
  CHECK(hash_meets_target(*genesis, diff1_target()));
  // A hash equal to the target meets it; one more does not.
  const Uint256 t = hex256("00000000000404cb000000000000000000000000000000000000000000000000");
  CHECK(hash_meets_target(t.to_hash(), t));
  CHECK_FALSE(hash_meets_target((t + Uint256(1)).to_hash(), t));
}

TEST_CASE("work per block") {
  CHECK(block_work(diff1_target()) == Uint256(0x100010001ull));  // Bitcoin's genesis chainwork
  CHECK(block_work(Uint256::max()) == Uint256(1));
  CHECK(block_work(Uint256(1)) == Uint256(1) << 255);
  CHECK(block_work(Uint256()).is_zero());
  // The regtest limit 0x7fffff << 232: 2^256 / (t + 1) = 2.
  CHECK(block_work(decode_compact(0x207fffff).target) == Uint256(2));
}

TEST_CASE("share difficulty of the mining-interop worked example") {
  auto h =
      Hash256::from_display_hex("00000000005fe144efbc66241c0094b8fdc2702b7729226fdfed70ca8094c0b5");
  REQUIRE(h.ok());
  CHECK(share_difficulty(*h) == doctest::Approx(683.5109367).epsilon(1e-9));
  CHECK(std::isinf(share_difficulty(Hash256())));
  CHECK(share_difficulty(diff1_target().to_hash()) == 1.0);
}

TEST_CASE("target from difficulty") {
  CHECK(target_from_difficulty(1.0) == diff1_target());
  CHECK(target_from_difficulty(2.0) == diff1_target() >> 1);
  CHECK(target_from_difficulty(0.5) == diff1_target() << 1);
  CHECK(target_from_difficulty(65536.0) == diff1_target() >> 16);
  CHECK(target_from_difficulty(0.0) == Uint256::max());
  CHECK(target_from_difficulty(-3.0) == Uint256::max());
  CHECK(target_from_difficulty(1e-30) == Uint256::max());  // clamped
  // diff1 / 3 rounds down: 0xffff * 2^208 / 3 = 0x5555 * 2^208.
  CHECK(target_from_difficulty(3.0) == Uint256(0x5555) << 208);
  for (double d : {1.0, 512.0, 683.51, 1e6, 1.5e12, 0.001}) {
    CHECK(difficulty_from_target(target_from_difficulty(d)) == doctest::Approx(d).epsilon(1e-12));
  }
}
