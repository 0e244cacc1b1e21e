// The ban list and the address book: persistence across a reload, expiry,
// subnet matching, and the address book's bound and retry back-off.

#include <doctest/doctest.h>

#include <random>

#include "node/net/addr_book.h"
#include "node/net/ban_list.h"
#include "test/common/test_util.h"
#include "test/node/chain_fixture.h"

using namespace btr;
using namespace btr::node;
using namespace btr::node::net;

TEST_CASE("p2p ban list persists, matches subnets and expires") {
  test::TempDir dir;
  const auto file = dir.path() / "banlist.json";
  {
    BanList bans(file);
    bans.ban(*Subnet::parse("10.1.0.0/16"), 1000, 2000);
    bans.ban(*Subnet::parse("192.0.2.7"), 1000, 5000);
    CHECK(bans.is_banned(*IpAddress::parse("10.1.200.3"), 1500));
    CHECK_FALSE(bans.is_banned(*IpAddress::parse("10.2.0.1"), 1500));
    CHECK_FALSE(bans.is_banned(*IpAddress::parse("10.1.200.3"), 2000));
  }
  BanList reloaded(file);
  reloaded.load(1500);
  CHECK(reloaded.is_banned(*IpAddress::parse("192.0.2.7"), 1500));
  CHECK(reloaded.entries(1500).size() == 2);
  CHECK(reloaded.entries(3000).size() == 1);  // the /16 expired
  CHECK(reloaded.entries(3000).begin()->first == "192.0.2.7/32");
  CHECK(reloaded.unban(*Subnet::parse("192.0.2.7/32")));
  BanList empty(file);
  empty.load(1500);
  CHECK(empty.entries(1500).empty());
}

TEST_CASE("p2p address book persists, stays bounded and backs off retries") {
  test::TempDir dir;
  const auto file = dir.path() / "peers.json";
  std::mt19937_64 rng(test::seed());
  {
    AddrBook book(file);
    for (uint32_t i = 0; i < kMaxAddrBookSize + 50; ++i) {
      IpAddress ip = *IpAddress::parse("10.0.0.1");
      ip.bytes[2] = static_cast<uint8_t>(i >> 8);
      ip.bytes[3] = static_cast<uint8_t>(i);
      CHECK(book.add(ip, 8633, 1, 1000 + i));
    }
    CHECK(book.size() == kMaxAddrBookSize);
    book.save();
  }
  AddrBook book(file);
  book.load();
  CHECK(book.size() == kMaxAddrBookSize);
  auto pick = book.select(rng, {}, 5000);
  REQUIRE(pick.has_value());
  CHECK(pick->port == 8633);
  CHECK(book.sample(rng, 1000).size() == 1000);

  AddrBook one(dir.path() / "one.json");
  CHECK(one.add(*IpAddress::parse("127.0.0.1"), 18644, 1, 100));
  CHECK_FALSE(one.add(*IpAddress::parse("127.0.0.1"), 18644, 1, 200));
  const std::string key = "127.0.0.1:18644";
  REQUIRE(one.select(rng, {}, 1000));
  CHECK_FALSE(one.select(rng, {key}, 1000));
  one.mark_try(key, 1000);
  CHECK_FALSE(one.select(rng, {}, 1030));  // tried half a minute ago
  CHECK(one.select(rng, {}, 1000 + 120));  // one failure: two minutes
  one.mark_try(key, 2000);
  one.mark_try(key, 2000);
  CHECK_FALSE(one.select(rng, {}, 2000 + 120));  // more failures, longer waits
}
