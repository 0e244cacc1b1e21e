#include <doctest/doctest.h>

#include <set>

#include "tools/stack/stack_keys.h"

using btr::tools::stack::derive_published_key;

TEST_CASE("keys: derivation reproduces chain.md's regtest pre-mine key") {
  // chain.md publishes this key's WIF and address; the stack's keys use the same rule.
  const auto k = derive_published_key("BitSilver regtest pre-mine");
  CHECK(k.private_key_hex == "3afa0ece75d0e72aae528fd0307732f85f5fef24f1b048cc891caf980d65ab3f");
  CHECK(k.wif == "cPZLxCJEB6s7eY7A1epqB7h3CAT7FNaCjssokGyd4JMPSD3UKGJs");
  CHECK(k.address == "mtVwi6aB1K4mZ4ziK27VgXGjdhLQ1V9iqs");
}

TEST_CASE("keys: two workers and the operator have distinct regtest addresses") {
  const auto workers = btr::tools::stack::stack_workers();
  REQUIRE(workers.size() == 2);
  std::set<std::string> addresses = {btr::tools::stack::stack_operator().address};
  for (const auto& w : workers) {
    CHECK(w.username() == w.key.address + "." + w.name);
    CHECK((w.key.address.front() == 'm' || w.key.address.front() == 'n'));  // version byte 111
    CHECK(w.key.private_key_hex.size() == 64);
    addresses.insert(w.key.address);
  }
  CHECK(addresses.size() == 3);
  CHECK(workers[0].key.secret_text == "BitSilver regtest stack rig1");
}
