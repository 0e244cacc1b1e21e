// Throws random and mutated P2P messages at the frame decoder and the payload
// parser: every input must end in a message or an error, never a crash (run
// under the sanitizer preset), and nothing may be buffered beyond one frame.

#include <doctest/doctest.h>

#include <random>

#include "core/chain_params.h"
#include "node/net/frame.h"
#include "node/net/messages.h"
#include "node/net/protocol.h"
#include "test/common/test_util.h"

using namespace btr;
using namespace btr::node::net;

namespace {

const Magic kMagic = {0xfa, 0x42, 0x54, 0x52};
constexpr size_t kMaxBlock = 1'000'000;

std::vector<std::vector<uint8_t>> valid_frames() {
  const core::Block genesis = core::chain_params(core::Network::kRegtest).genesis;
  core::Hash256 h;
  h.bytes.fill(7);
  VersionMsg v;
  v.version = kProtocolVersion;
  v.user_agent = kUserAgent;
  std::vector<Message> msgs = {v,
                               VerackMsg{},
                               PingMsg{1},
                               PongMsg{2},
                               GetHeadersMsg{1, {h, h, h}, h},
                               HeadersMsg{{genesis.header, genesis.header}},
                               InvMsg{{{kInvBlock, h}, {kInvTx, h}}},
                               GetDataMsg{{{kInvTx, h}}},
                               NotFoundMsg{{{kInvBlock, h}}},
                               BlockMsg{genesis},
                               TxMsg{genesis.transactions[0]},
                               AddrMsg{{NetAddress::from_ipv4(0x01020304, 8633, 1)}},
                               SendHeadersMsg{},
                               GetAddrMsg{}};
  std::vector<std::vector<uint8_t>> out;
  for (const Message& m : msgs)
    out.push_back(frame_message(kMagic, command_of(m), encode_payload(m)));
  return out;
}

void mutate(std::vector<uint8_t>& b, std::mt19937_64& rng) {
  const int edits = 1 + static_cast<int>(rng() % 4);
  for (int i = 0; i < edits; ++i) {
    const uint64_t kind = rng() % 5;
    const size_t at = b.empty() ? 0 : rng() % b.size();
    if (kind == 0 && !b.empty()) b[at] ^= static_cast<uint8_t>(1u << (rng() % 8));
    if (kind == 1 && !b.empty()) b[at] = static_cast<uint8_t>(rng());
    if (kind == 2) b.resize(at);
    if (kind == 3)
      b.insert(b.begin() + static_cast<std::ptrdiff_t>(at), static_cast<uint8_t>(rng()));
    // Large compact sizes and lengths are where allocation bugs hide.
    if (kind == 4 && b.size() > at + 3) {
      b[at] = 0xfe;
      b[at + 1] = static_cast<uint8_t>(rng());
      b[at + 2] = static_cast<uint8_t>(rng());
      b[at + 3] = 0xff;
    }
  }
}

// Re-frames a payload with a correct checksum, so mutations reach the parser.
std::vector<uint8_t> reframe(const std::vector<uint8_t>& frame) {
  if (frame.size() < kFrameHeaderSize) return frame;
  auto h = parse_frame_header(std::span(frame).first(kFrameHeaderSize), kMagic, kMaxBlock);
  if (!h) return frame;
  return frame_message(kMagic, h->command, std::span(frame).subspan(kFrameHeaderSize));
}

size_t drain(FrameDecoder& d, size_t* parsed) {
  size_t messages = 0;
  while (true) {
    auto r = d.next();
    if (!r || !*r) return messages;
    ++messages;
    if (decode_message((*r)->command, (*r)->payload).ok()) ++*parsed;
  }
}

}  // namespace

TEST_CASE("net codec fuzz survives 100000 random and mutated messages") {
  std::mt19937_64 rng(test::seed());
  const auto frames = valid_frames();
  const std::vector<std::string> commands = {
      "version",  "verack", "ping", "pong", "getheaders",  "headers", "inv", "getdata",
      "notfound", "block",  "tx",   "addr", "sendheaders", "getaddr", "zzz"};
  size_t parsed = 0;
  size_t framed = 0;
  constexpr int kRounds = 100'000;
  for (int i = 0; i < kRounds; ++i) {
    std::vector<uint8_t> input;
    const uint64_t mode = rng() % 4;
    if (mode == 0) {
      input.resize(rng() % 200);
      for (auto& b : input) b = static_cast<uint8_t>(rng());
      if (input.size() >= 4 && rng() % 2 == 0)
        std::copy(kMagic.begin(), kMagic.end(), input.begin());
    } else {
      input = frames[rng() % frames.size()];
      mutate(input, rng);
      if (mode >= 2) input = reframe(input);
    }
    // Payload parser directly, under a random command.
    if (input.size() > kFrameHeaderSize) {
      (void)decode_message(commands[rng() % commands.size()],
                           std::span(input).subspan(kFrameHeaderSize));
    }
    // The stream decoder, fed in random chunks.
    FrameDecoder d(kMagic, kMaxBlock);
    size_t pos = 0;
    while (pos < input.size()) {
      const size_t n = std::min<size_t>(input.size() - pos, 1 + rng() % 64);
      d.feed(std::span(input).subspan(pos, n));
      pos += n;
      framed += drain(d, &parsed);
      REQUIRE(d.buffered() <= input.size());
    }
  }
  // The mutations left many messages intact or re-framed: the parser saw real work.
  CHECK(framed > kRounds / 10);
  CHECK(parsed > kRounds / 20);
}
