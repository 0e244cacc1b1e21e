// mining-interop.md's worked example (mainnet job, height 791433, ESP-Miner
// test "Test nonce diff checking 2"), rebuilt end to end from the notify
// line. Expected values are the spec's, recomputed independently there.
#include <doctest/doctest.h>

#include <algorithm>

#include "core/hex.h"
#include "core/pow.h"
#include "stratum/codec.h"
#include "stratum/share_rebuild.h"
#include "test/stratum/worked_example.h"

using namespace btr;

TEST_CASE("worked example: notify line rebuilds to the spec's coinbase, root, header and hash") {
  const auto parsed = stratum::parse_server_message(test::worked_example::notify_line());
  REQUIRE(parsed.message.ok());
  const auto& notify = std::get<stratum::Notify>(*parsed.message);
  CHECK(notify.prev_block.to_display_hex() ==
        "0000000000000000000543523df2a465c22eb711a57452faa34983730c859545");
  CHECK(notify.version == 0x20000004);
  CHECK(notify.nbits == 0x1705ae3a);
  CHECK(notify.ntime == 0x647025b5);
  CHECK(notify.merkle_branch.size() == 13);

  const auto en1 = core::from_hex("01000000").value();
  const auto en2 = core::from_hex("00000000").value();
  stratum::ShareFields share{en1, en2, 0x647025b5, 0x0a029ed1,
                             stratum::apply_version_bits(notify.version, 0, 0)};
  const auto rebuilt = stratum::rebuild_share(notify, share);

  CHECK(rebuilt.coinbase.size() == 260);
  CHECK(rebuilt.coinbase_txid.to_display_hex() ==
        "80d95f27e6da652c6070f3b341bbfa9cb5f96d3e363286562df7f4496dee0b7a");
  CHECK(rebuilt.merkle_root.to_internal_hex() ==
        "5bdc1968499c3393873edf8e07a1c3a50a97fc3a9d1a376bbf77087dd63778eb");
  CHECK(core::to_hex(rebuilt.header_bytes) ==
        "040000204595850c738349a3fa5274a511b72ec265a4f23d5243050000000000000000005bdc1968499c33"
        "93873edf8e07a1c3a50a97fc3a9d1a376bbf77087dd63778ebb52570643aae0517d19e020a");
  CHECK(rebuilt.hash.to_display_hex() ==
        "00000000005fe144efbc66241c0094b8fdc2702b7729226fdfed70ca8094c0b5");
  const double diff = core::share_difficulty(rebuilt.hash);
  CHECK(diff == doctest::Approx(683.51).epsilon(1e-4));
  CHECK(static_cast<int>(diff) == 683);  // what ESP-Miner's test asserts
}

TEST_CASE("worked example: the getwork image rule gives the same header") {
  // mining-interop.md: hex version||prevhash(notify)||root(word-swapped)||ntime||nbits||nonce,
  // to bytes, byte-swap every 32-bit word = the serialized header.
  const std::string root = "5bdc1968499c3393873edf8e07a1c3a50a97fc3a9d1a376bbf77087dd63778eb";
  std::string root_swapped;
  for (size_t w = 0; w < 8; ++w)
    for (int b = 3; b >= 0; --b) root_swapped += root.substr(8 * w + 2 * static_cast<size_t>(b), 2);
  const std::string image = "20000004" + std::string(test::worked_example::kPrevhash) +
                            root_swapped + "647025b5" + "1705ae3a" + "0a029ed1";
  auto bytes = core::from_hex(image).value();
  REQUIRE(bytes.size() == 80);
  for (size_t w = 0; w < 20; ++w) std::reverse(bytes.begin() + 4 * w, bytes.begin() + 4 * w + 4);
  CHECK(core::to_hex(bytes) ==
        "040000204595850c738349a3fa5274a511b72ec265a4f23d5243050000000000000000005bdc1968499c33"
        "93873edf8e07a1c3a50a97fc3a9d1a376bbf77087dd63778ebb52570643aae0517d19e020a");
}
