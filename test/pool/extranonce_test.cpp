#include <doctest/doctest.h>

#include <set>

#include "pool/extranonce.h"

using namespace btr;

TEST_CASE("extranonce1: unique while in use, reusable after release, wraps around") {
  pool::Extranonce1Allocator a(0xfffffffe);
  std::set<pool::Extranonce1> seen;
  for (int i = 0; i < 1000; ++i) {
    auto v = a.allocate();
    REQUIRE(v.has_value());
    CHECK(seen.insert(*v).second);
  }
  CHECK(a.in_use() == 1000);
  CHECK(seen.count(pool::Extranonce1{0xff, 0xff, 0xff, 0xfe}) == 1);
  CHECK(seen.count(pool::Extranonce1{0x00, 0x00, 0x00, 0x00}) == 1);  // wrapped
  a.release({0x00, 0x00, 0x00, 0x05});
  a.release({0x00, 0x00, 0x00, 0x05});  // releasing twice is harmless
  CHECK(a.in_use() == 999);

  // After wrapping all the way round, values still in use are skipped.
  pool::Extranonce1Allocator b(0);
  auto first = b.allocate();
  auto second = b.allocate();
  REQUIRE(first.has_value());
  REQUIRE(second.has_value());
  CHECK(pool::Extranonce1Allocator::to_u32(*first) == 0u);
  CHECK(pool::Extranonce1Allocator::to_u32(*second) == 1u);
  CHECK(pool::Extranonce1Allocator::from_u32(0x01020304) == pool::Extranonce1{1, 2, 3, 4});
}
