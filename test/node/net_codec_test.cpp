// P2P message codec: framing, each message's round trip and Bitcoin's wire
// bytes, and refusal of malformed input.

#include <doctest/doctest.h>

#include "core/chain_params.h"
#include "core/hex.h"
#include "node/net/frame.h"
#include "node/net/messages.h"
#include "node/net/protocol.h"

using namespace btr;
using namespace btr::node::net;

namespace {

const Magic kRegtestMagic = {0xfa, 0x42, 0x54, 0x52};

core::Hash256 hash_of(uint8_t fill) {
  core::Hash256 h;
  h.bytes.fill(fill);
  return h;
}

Message round_trip(const Message& m) {
  const auto payload = encode_payload(m);
  auto back = decode_message(command_of(m), payload);
  REQUIRE(back.ok());
  return *back;
}

}  // namespace

TEST_CASE("net codec frames a verack with the empty payload checksum") {
  const auto bytes = frame_message(kRegtestMagic, "verack", {});
  // Bitcoin's checksum of an empty payload is 5df6e0e2.
  CHECK(core::to_hex(bytes) ==
        "fa425452"
        "76657261636b000000000000"
        "00000000"
        "5df6e0e2");
  FrameDecoder d(kRegtestMagic, 1'000'000);
  d.feed(bytes);
  auto msg = d.next();
  REQUIRE(msg.ok());
  REQUIRE(msg->has_value());
  CHECK((*msg)->command == "verack");
  CHECK((*msg)->payload.empty());
}

TEST_CASE("net codec decoder reassembles messages split at every byte") {
  std::vector<uint8_t> stream;
  for (uint64_t n : {1ull, 2ull, 3ull}) {
    const auto f = frame_message(kRegtestMagic, "ping", encode_payload(PingMsg{n}));
    stream.insert(stream.end(), f.begin(), f.end());
  }
  FrameDecoder d(kRegtestMagic, 1'000'000);
  std::vector<uint64_t> nonces;
  for (uint8_t b : stream) {
    d.feed(std::span<const uint8_t>(&b, 1));
    auto msg = d.next();
    REQUIRE(msg.ok());
    if (msg->has_value()) {
      auto m = decode_message((*msg)->command, (*msg)->payload);
      REQUIRE(m.ok());
      nonces.push_back(std::get<PingMsg>(*m).nonce);
    }
  }
  CHECK(nonces == std::vector<uint64_t>{1, 2, 3});
  CHECK(d.buffered() == 0);
}

TEST_CASE("net codec refuses bad magic, checksum, padding and oversize") {
  auto frame = frame_message(kRegtestMagic, "ping", encode_payload(PingMsg{7}));
  SUBCASE("magic of another network") {
    const Magic main = {0xf9, 0x42, 0x54, 0x52};
    FrameDecoder d(main, 1'000'000);
    d.feed(frame);
    auto r = d.next();
    REQUIRE_FALSE(r.ok());
    CHECK(r.error() == "bad-magic");
  }
  SUBCASE("checksum") {
    frame.back() ^= 1;
    FrameDecoder d(kRegtestMagic, 1'000'000);
    d.feed(frame);
    auto r = d.next();
    REQUIRE_FALSE(r.ok());
    CHECK(r.error() == "bad-checksum");
  }
  SUBCASE("non-NUL after the command's NUL") {
    frame[4 + 5] = 'x';
    auto r = parse_frame_header(std::span(frame).first(kFrameHeaderSize), kRegtestMagic, 1'000'000);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error() == "bad-command-padding");
  }
  SUBCASE("a ping claiming 9 bytes is refused before they arrive") {
    frame[16] = 9;
    FrameDecoder d(kRegtestMagic, 1'000'000);
    d.feed(std::span(frame).first(kFrameHeaderSize));
    auto r = d.next();
    REQUIRE_FALSE(r.ok());
    CHECK(r.error() == "oversized-ping");
  }
  SUBCASE("a block larger than the block size limit") {
    auto big = frame_message(kRegtestMagic, "block", std::vector<uint8_t>(81, 0));
    FrameDecoder d(kRegtestMagic, 80);
    d.feed(big);
    auto r = d.next();
    REQUIRE_FALSE(r.ok());
    CHECK(r.error() == "oversized-block");
  }
}

TEST_CASE("net codec version message matches Bitcoin's layout") {
  VersionMsg v;
  v.version = kProtocolVersion;
  v.services = kNodeNetwork;
  v.timestamp = 1'700'000'000;
  v.addr_recv = NetAddress::from_ipv4(0x7f000001, 18644, 0);
  v.addr_from = NetAddress::from_ipv4(0, 0, kNodeNetwork);
  v.nonce = 0x0102030405060708ull;
  v.user_agent = kUserAgent;
  v.start_height = 42;
  v.relay = false;
  const auto payload = encode_payload(v);
  CHECK(payload.size() == 4 + 8 + 8 + 26 + 26 + 8 + 1 + v.user_agent.size() + 4 + 1);
  // addr_recv: services, ::ffff:127.0.0.1, port big-endian.
  CHECK(core::to_hex(std::span(payload).subspan(20, 26)) ==
        "0000000000000000"
        "00000000000000000000ffff7f000001"
        "48d4");
  CHECK(std::get<VersionMsg>(round_trip(v)) == v);
  CHECK(v.addr_recv.to_string() == "127.0.0.1:18644");
  // Without the optional relay byte (BIP37) it still parses, relay on.
  auto short_payload = payload;
  short_payload.pop_back();
  auto r = decode_message("version", short_payload);
  REQUIRE(r.ok());
  CHECK(std::get<VersionMsg>(*r).relay);
}

TEST_CASE("net codec round-trips every message type") {
  const core::Block genesis = core::chain_params(core::Network::kRegtest).genesis;
  std::vector<Message> all = {
      VerackMsg{},
      PingMsg{99},
      PongMsg{100},
      SendHeadersMsg{},
      GetAddrMsg{},
      GetHeadersMsg{70016, {hash_of(1), hash_of(2)}, hash_of(0)},
      HeadersMsg{{genesis.header, genesis.header}},
      InvMsg{{{kInvBlock, hash_of(3)}, {kInvTx, hash_of(4)}}},
      GetDataMsg{{{kInvTx, hash_of(5)}}},
      NotFoundMsg{{{kInvBlock, hash_of(6)}}},
      BlockMsg{genesis},
      TxMsg{genesis.transactions[0]},
      AddrMsg{{NetAddress::from_ipv4(0x0a000001, 8633, 1)}},
  };
  for (const Message& m : all) {
    CAPTURE(command_of(m));
    CHECK(round_trip(m) == m);
  }
  // headers: each header is followed by a zero transaction count.
  CHECK(encode_payload(HeadersMsg{{genesis.header}}).size() == 1 + 81);
}

TEST_CASE("net codec refuses malformed payloads") {
  SUBCASE("trailing bytes") {
    auto p = encode_payload(PingMsg{1});
    p.push_back(0);
    CHECK_FALSE(decode_message("ping", p).ok());
  }
  SUBCASE("headers with a transaction count") {
    auto p =
        encode_payload(HeadersMsg{{core::chain_params(core::Network::kRegtest).genesis.header}});
    p.back() = 1;
    auto r = decode_message("headers", p);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error() == "bad-headers-txcount");
  }
  SUBCASE("inv claiming more items than it holds") {
    const std::vector<uint8_t> p = {0xfd, 0x10, 0x27};  // 10,000 items, no data
    CHECK_FALSE(decode_message("inv", p).ok());
  }
  SUBCASE("locator above 101 entries") {
    GetHeadersMsg g;
    g.locator.assign(102, hash_of(1));
    auto r = decode_message("getheaders", encode_payload(g));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error() == "oversized-locator");
  }
  SUBCASE("user agent above 256 bytes") {
    VersionMsg v;
    v.user_agent.assign(300, 'a');
    CHECK_FALSE(decode_message("version", encode_payload(v)).ok());
  }
  SUBCASE("unknown commands are passed on, not refused") {
    auto r = decode_message("wtxidrelay", {});
    REQUIRE(r.ok());
    CHECK(std::get<UnknownMsg>(*r).command == "wtxidrelay");
  }
}
