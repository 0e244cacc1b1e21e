#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/crypto/hash160.h"
#include "core/crypto/hmac_sha256.h"
#include "core/crypto/ripemd160.h"
#include "core/hex.h"

using namespace btr::core;

namespace {
std::span<const uint8_t> ascii(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
}  // namespace

TEST_CASE("ripemd160 known vectors") {
  // From the RIPEMD-160 authors' page.
  CHECK(to_hex(ripemd160(ascii(""))) == "9c1185a5c5e9fc54612808977ee8f548b2258d31");
  CHECK(to_hex(ripemd160(ascii("abc"))) == "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc");
  CHECK(to_hex(ripemd160(ascii("message digest"))) == "5d0689ef49d2fae572b881b123a85ffa21595f36");
  CHECK(to_hex(ripemd160(ascii("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))) ==
        "12a053384a9c0c88e405a06c27dcf49ada62eb2b");
  // One million 'a', written in uneven pieces.
  const std::string chunk(999, 'a');
  Ripemd160 h;
  size_t written = 0;
  while (written + chunk.size() <= 1000000) {
    h.write(ascii(chunk));
    written += chunk.size();
  }
  h.write(ascii(std::string(1000000 - written, 'a')));
  CHECK(to_hex(h.finalize()) == "52783243c1697bdbe16d37f97f68f08325dc1528");
}

TEST_CASE("hash160 is ripemd160 of sha256") {
  // Bitcoin's genesis output key hashes to 62e907b15cbf27d5425399ebf6f0fb50ebb88f18.
  auto pubkey = from_hex(
      "04678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51e"
      "c"
      "112de5c384df7ba0b8d578a4c702b6bf11d5f");
  REQUIRE(pubkey.ok());
  CHECK(to_hex(hash160(*pubkey).bytes) == "62e907b15cbf27d5425399ebf6f0fb50ebb88f18");
}

TEST_CASE("hmac-sha256 RFC 4231 test cases") {
  struct Case {
    std::vector<uint8_t> key;
    std::vector<uint8_t> data;
    std::string mac;
  };
  auto bytes = [](std::string_view s) { return std::vector<uint8_t>(s.begin(), s.end()); };
  std::vector<uint8_t> key4;
  for (uint8_t i = 1; i <= 25; ++i) key4.push_back(i);
  const std::vector<Case> cases = {
      {std::vector<uint8_t>(20, 0x0b), bytes("Hi There"),
       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
      {bytes("Jefe"), bytes("what do ya want for nothing?"),
       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
      {std::vector<uint8_t>(20, 0xaa), std::vector<uint8_t>(50, 0xdd),
       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"},
      {key4, std::vector<uint8_t>(50, 0xcd),
       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"},
      // Case 5's published value is truncated to 128 bits.
      {std::vector<uint8_t>(20, 0x0c), bytes("Test With Truncation"),
       "a3b6167473100ee06e0c796c2955552b"},
      {std::vector<uint8_t>(131, 0xaa),
       bytes("Test Using Larger Than Block-Size Key - Hash Key First"),
       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"},
      {std::vector<uint8_t>(131, 0xaa),
       bytes("This is a test using a larger than block-size key and a larger than block-size data. "
             "The key needs to be hashed before being used by the HMAC algorithm."),
       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    INFO("RFC 4231 case " << i + 1);
    const std::string got = to_hex(hmac_sha256(cases[i].key, cases[i].data));
    CHECK(got.substr(0, cases[i].mac.size()) == cases[i].mac);
  }
}
