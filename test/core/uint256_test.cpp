#include <doctest/doctest.h>

#include <random>

#include "core/uint256.h"
#include "test/common/test_util.h"

using btr::core::Uint256;

namespace {

Uint256 random_u256(std::mt19937_64& rng, unsigned bits) {
  Uint256 v;
  for (int i = 0; i < 4; ++i) v = (v << 64) + Uint256(rng());
  return bits >= 256 ? v : v >> (256 - bits);
}

// q = a / d must satisfy a = q * d + r with r < d: checked with multiply and
// subtract only, so it does not lean on the division being tested.
void check_quotient(const Uint256& a, const Uint256& d) {
  const Uint256 q = a / d;
  const Uint256 product = q * d;
  REQUIRE(product <= a);
  CHECK(a - product < d);
}

}  // namespace

TEST_CASE("division by a divisor of one limb") {
  std::mt19937_64 rng(btr::test::seed());
  for (int i = 0; i < 2000; ++i) {
    const Uint256 a = random_u256(rng, 1 + static_cast<unsigned>(rng() % 256));
    uint64_t d = rng() >> (rng() % 64);
    if (d == 0) d = 1;
    check_quotient(a, Uint256(d));
  }
  CHECK(Uint256::max() / Uint256(1) == Uint256::max());
  CHECK(Uint256(7) / Uint256(8) == Uint256());
  CHECK((Uint256(0xffff) << 240) / Uint256(0xffff) == Uint256(1) << 240);
}

TEST_CASE("division by wider divisors") {
  std::mt19937_64 rng(btr::test::seed() + 1);
  for (int i = 0; i < 500; ++i) {
    const Uint256 a = random_u256(rng, 1 + static_cast<unsigned>(rng() % 256));
    const Uint256 d = random_u256(rng, 65 + static_cast<unsigned>(rng() % 192));
    check_quotient(a, d);
  }
  CHECK(Uint256::max() / Uint256::max() == Uint256(1));
}
