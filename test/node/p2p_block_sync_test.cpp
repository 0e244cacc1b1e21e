// Headers-first sync without sockets: the header tree's checks, and
// BlockSync driven by hand against a fake connection manager, syncing one
// ChainState from another's blocks delivered out of order, and punishing a
// peer for a bad-proof-of-work header and for an invalid block.

#include <doctest/doctest.h>

#include <algorithm>
#include <map>

#include "node/net/block_sync.h"
#include "node/net/header_tree.h"
#include "node/net/protocol.h"
#include "test/node/chain_fixture.h"

using namespace btr;
using namespace btr::node::net;

namespace {

core::BlockHeader child_of(const core::BlockHeader& parent, uint32_t bits, uint32_t tag) {
  core::BlockHeader h;
  h.version = core::kTemplateVersion;
  h.prev_block = parent.hash();
  h.merkle_root.bytes.fill(static_cast<uint8_t>(tag));
  h.time = parent.time + 60;
  h.bits = bits;
  return h;
}

void mine_header(core::BlockHeader& h, const core::ChainParams& p, bool valid) {
  while (core::check_proof_of_work(h.hash(), h.bits, p.pow_limit) != valid) ++h.nonce;
}

struct FakeHost : SyncHost {
  std::vector<std::pair<PeerId, Message>> sent;
  std::map<PeerId, int> scores;
  std::vector<PeerId> dropped;
  void send_to(PeerId peer, const Message& msg) override { sent.emplace_back(peer, msg); }
  void punish(PeerId peer, int score, const std::string&) override { scores[peer] += score; }
  void drop(PeerId peer, const std::string&) override { dropped.push_back(peer); }

  std::vector<core::Hash256> take_requests(PeerId peer) {
    std::vector<core::Hash256> out;
    for (auto it = sent.begin(); it != sent.end();) {
      const auto* gd = std::get_if<GetDataMsg>(&it->second);
      if (it->first == peer && gd != nullptr) {
        for (const InvItem& i : gd->items) out.push_back(i.hash);
        it = sent.erase(it);
      } else {
        ++it;
      }
    }
    return out;
  }
};

HeadersMsg headers_of(test::ChainFixture& f, int32_t from, int32_t to) {
  HeadersMsg m;
  for (int32_t h = from; h <= to; ++h) m.headers.push_back(f.chain().at_height(h)->rec.header);
  return m;
}

}  // namespace

TEST_CASE("p2p header tree checks proof of work, bits, time and ancestry") {
  const core::ChainParams& p = core::chain_params(core::Network::kRegtest);
  HeaderTree tree(p);
  tree.add_trusted(p.genesis.header);
  const int64_t now = p.genesis.header.time + 100000;

  core::BlockHeader good = child_of(p.genesis.header, p.pow_limit_bits, 1);
  mine_header(good, p, true);
  core::BlockHeader bad_pow = child_of(p.genesis.header, p.pow_limit_bits, 2);
  mine_header(bad_pow, p, false);
  CHECK(tree.accept(bad_pow, now).error() == "high-hash");

  core::BlockHeader bad_bits = child_of(p.genesis.header, 0x207ffffe, 3);
  mine_header(bad_bits, p, true);
  CHECK(tree.accept(bad_bits, now).error() == "bad-diffbits");

  core::BlockHeader old = child_of(p.genesis.header, p.pow_limit_bits, 4);
  old.time = p.genesis.header.time;  // not above the median time past
  mine_header(old, p, true);
  CHECK(tree.accept(old, now).error() == "time-too-old");

  core::BlockHeader future = child_of(p.genesis.header, p.pow_limit_bits, 5);
  future.time = static_cast<uint32_t>(now + core::kMaxFutureBlockTime + 1);
  mine_header(future, p, true);
  CHECK(tree.accept(future, now).error() == "time-too-new");

  core::BlockHeader orphan = child_of(good, p.pow_limit_bits, 6);
  mine_header(orphan, p, true);
  CHECK(tree.accept(orphan, now).error() == "prev-not-found");

  auto accepted = tree.accept(good, now);
  REQUIRE(accepted.ok());
  CHECK((*accepted)->height == 1);
  CHECK(tree.best() == *accepted);
  REQUIRE(tree.accept(orphan, now).ok());
  CHECK(tree.best()->height == 2);

  // Invalidating block 1 takes its child with it.
  tree.mark_invalid(good.hash());
  CHECK(tree.best()->height == 0);
  CHECK(tree.accept(orphan, now).error() == "duplicate-invalid");
}

TEST_CASE("p2p header tree locator steps back exponentially to genesis") {
  const core::ChainParams& p = core::chain_params(core::Network::kRegtest);
  HeaderTree tree(p);
  const HeaderEntry* tip = tree.add_trusted(p.genesis.header);
  core::BlockHeader prev = p.genesis.header;
  for (int i = 0; i < 100; ++i) {
    core::BlockHeader h = child_of(prev, p.pow_limit_bits, static_cast<uint32_t>(i));
    tip = tree.add_trusted(h);
    prev = h;
  }
  const auto loc = tree.locator(tip);
  std::vector<int32_t> heights;
  for (const auto& h : loc) heights.push_back(tree.find(h)->height);
  // Bitcoin's rule: 11 steps of one (100..89), then 2, 4, 8, 16, 32, then genesis.
  CHECK(heights == std::vector<int32_t>{100, 99, 98, 97, 96, 95, 94, 93, 92, 91, 90, 89, 87, 83, 75,
                                        59, 27, 0});
}

TEST_CASE("p2p block sync fetches in parallel and connects blocks in order") {
  test::ChainFixture source;
  test::ChainFixture target;
  source.extend(source.chain().tip(), 80);
  FakeHost host;
  int64_t ms = 0;
  BlockSync sync(target.chain(), host, [&] { return ms; });
  target.chain().add_listener(&sync);
  sync.peer_ready(1, 80);
  sync.peer_ready(2, 80);
  REQUIRE(std::holds_alternative<GetHeadersMsg>(host.sent.at(0).second));
  sync.on_headers(1, headers_of(source, 1, 80));
  sync.on_headers(2, headers_of(source, 1, 80));
  CHECK(sync.best_header_height() == 80);
  int rounds = 0;
  while (target.chain().tip()->height() < 80 && rounds++ < 20) {
    for (PeerId peer : {1, 2}) {
      auto wanted = host.take_requests(peer);
      CHECK(wanted.size() <= kMaxBlocksInFlightPerPeer);
      // Delivered newest first: each waits for its parent.
      std::reverse(wanted.begin(), wanted.end());
      for (const auto& h : wanted) {
        sync.on_block(peer, *source.chain().read_block(source.chain().lookup(h)));
      }
    }
  }
  CHECK(target.chain().tip()->hash() == source.chain().tip()->hash());
  CHECK(rounds <= 4);  // 80 blocks, 2 peers x 32 in flight
  CHECK(host.scores.empty());
  target.chain().remove_listener(&sync);
}

TEST_CASE("p2p block sync punishes bad proof of work and invalid blocks") {
  test::ChainFixture target;
  FakeHost host;
  int64_t ms = 0;
  BlockSync sync(target.chain(), host, [&] { return ms; });
  target.chain().add_listener(&sync);
  sync.peer_ready(1, 0);
  sync.peer_ready(2, 0);

  core::Block bad_pow = target.make_block();
  while (
      core::check_proof_of_work(bad_pow.hash(), bad_pow.header.bits, target.params().pow_limit)) {
    ++bad_pow.header.nonce;
  }
  sync.on_block(1, bad_pow);
  CHECK(host.scores[1] == kBanThreshold);
  CHECK(target.chain().tip()->height() == 0);

  test::BlockSpec overpay;
  overpay.coinbase_value = 1000 * core::kCoin;  // more than subsidy plus fees
  core::Block invalid = target.make_block(nullptr, overpay);
  sync.on_block(2, invalid);
  CHECK(host.scores[2] == kBanThreshold);
  CHECK(target.chain().tip()->height() == 0);

  // Stalling: a request left unanswered past the timeout drops the peer.
  test::ChainFixture source;
  source.extend(source.chain().tip(), 3);
  sync.peer_ready(3, 3);
  sync.on_headers(3, headers_of(source, 1, 3));
  CHECK(host.take_requests(3).size() == 3);
  ms += kBlockTimeoutMs + 1;
  sync.tick();
  CHECK(std::find(host.dropped.begin(), host.dropped.end(), 3) != host.dropped.end());
  target.chain().remove_listener(&sync);
}
