// The signature cache: bounded, oldest-first eviction, only valid signatures
// stored, and a second verification of the same input served from it.
#include <doctest/doctest.h>

#include <array>
#include <random>

#include "core/script/interpreter.h"
#include "core/script/sig_cache.h"
#include "core/script/sign.h"
#include "core/script/standard.h"
#include "test/common/test_util.h"

using namespace btr::core;
using namespace btr::core::script;

namespace {

Hash256 hash_of(uint8_t tag) {
  Hash256 h;
  h.bytes[0] = tag;
  return h;
}

const std::array<uint8_t, 2> kPub = {2, 3};
const std::array<uint8_t, 2> kSig = {4, 5};

}  // namespace

TEST_CASE("sig cache: stores, bounds its size and evicts the oldest") {
  SignatureCache cache(3);
  CHECK(!cache.contains(hash_of(1), kPub, kSig));
  cache.insert(hash_of(1), kPub, kSig);
  CHECK(cache.contains(hash_of(1), kPub, kSig));
  // Each component is part of the key.
  CHECK(!cache.contains(hash_of(2), kPub, kSig));
  CHECK(!cache.contains(hash_of(1), kSig, kPub));
  for (uint8_t i = 2; i <= 10; ++i) {
    cache.insert(hash_of(i), kPub, kSig);
    CHECK(cache.size() <= cache.capacity());
  }
  CHECK(cache.size() == 3);
  CHECK(!cache.contains(hash_of(1), kPub, kSig));
  CHECK(!cache.contains(hash_of(7), kPub, kSig));
  for (uint8_t i = 8; i <= 10; ++i) CHECK(cache.contains(hash_of(i), kPub, kSig));
  cache.insert(hash_of(10), kPub, kSig);  // a repeat takes no extra room
  CHECK(cache.size() == 3);
  CHECK(cache.contains(hash_of(8), kPub, kSig));
}

TEST_CASE("sig cache: a verified input is served from the cache the second time") {
  std::mt19937_64 rng(btr::test::seed());
  std::array<uint8_t, 32> entropy{};
  for (auto& b : entropy) b = static_cast<uint8_t>(rng());
  const std::vector<PrivateKey> keys = {PrivateKey::generate(entropy)};
  const Script spent = p2pkh_script(keys[0].public_key().id().bytes);
  Transaction tx;
  tx.inputs.resize(1);
  tx.inputs[0].prevout.index = 3;
  tx.outputs.push_back({1000, spent});
  REQUIRE(sign_input(tx, 0, spent, keys));

  const std::array<uint8_t, 4> salt = {9, 9, 9, 9};
  SignatureCache cache(16, salt);
  CHECK(verify_input(tx, 0, spent, flags::kConsensus, &cache));
  CHECK(cache.size() == 1);
  CHECK(cache.misses() == 1);
  CHECK(verify_input(tx, 0, spent, flags::kStandard, &cache));
  CHECK(cache.hits() == 1);

  // A failing signature is never stored, so it is checked again every time.
  Transaction bad = tx;
  bad.outputs[0].value = 999;
  CHECK(!verify_input(bad, 0, spent, flags::kConsensus, &cache));
  CHECK(!verify_input(bad, 0, spent, flags::kConsensus, &cache));
  CHECK(cache.size() == 1);
  CHECK(cache.hits() == 1);
}
