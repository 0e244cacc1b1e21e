#include <doctest/doctest.h>

#include <string_view>

#include "core/block_header.h"
#include "core/crypto/sha256.h"
#include "core/hex.h"

using namespace btr::core;

namespace {
std::span<const uint8_t> ascii(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
}  // namespace

TEST_CASE("sha256 of short fixed messages") {
  CHECK(to_hex(sha256(ascii("")).bytes) ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(to_hex(sha256(ascii("abc")).bytes) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("Bitcoin genesis header hashes to its known hash") {
  BlockHeader h;
  h.version = 1;
  h.merkle_root =
      *Hash256::from_display_hex("4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b");
  h.time = 1231006505;
  h.bits = 0x1d00ffff;
  h.nonce = 2083236893;
  CHECK(h.hash().to_display_hex() ==
        "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
  auto parsed = BlockHeader::parse(h.serialize());
  REQUIRE(parsed.ok());
  CHECK(*parsed == h);
}
