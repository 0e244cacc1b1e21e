#include <doctest/doctest.h>

#include "pool/ip_guard.h"

using namespace btr::pool;

TEST_CASE("ip guard: per-IP limit and timed bans") {
  IpGuard g(2);
  CHECK(g.admit("1.2.3.4", 0));
  CHECK(g.admit("1.2.3.4", 0));
  CHECK_FALSE(g.admit("1.2.3.4", 0));
  CHECK(g.admit("5.6.7.8", 0));
  g.release("1.2.3.4");
  CHECK(g.connections("1.2.3.4") == 1);
  CHECK(g.admit("1.2.3.4", 0));
  g.ban("9.9.9.9", 1000);
  CHECK(g.banned("9.9.9.9", 999));
  CHECK_FALSE(g.admit("9.9.9.9", 500));
  CHECK_FALSE(g.banned("9.9.9.9", 1000));
  CHECK(g.admit("9.9.9.9", 1001));
  g.release("nobody");  // no-op
  g.sweep(2000);
  CHECK_FALSE(g.banned("9.9.9.9", 0));
}
