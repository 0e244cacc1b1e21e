// Balances: the pure rules (maturity at 100, "arrived" at 6 confirmations,
// trusted unconfirmed change), then a wallet following a real regtest
// ChainState: coinbases maturing, a wallet-built spend confirming and
// arriving, a reorganization taking it out of the chain, and a restart
// that catches up with blocks mined while the wallet was closed.

#include <doctest/doctest.h>

#include "core/script.h"
#include "node/wallet/wallet.h"
#include "test/node/chain_fixture.h"

namespace wallet = btr::node::wallet;
namespace core = btr::core;
using btr::test::BlockSpec;
using btr::test::ChainFixture;
using btr::test::TempDir;

TEST_CASE("wallet balances: maturity, arrival and trust rules") {
  const wallet::BalanceRules rules{100, 6};
  const std::vector<wallet::OutputState> outs = {
      {100, 99, true, false, false},   // immature coinbase
      {200, 100, true, false, false},  // mature coinbase, arrived
      {300, 5, false, false, false},   // confirmed, not yet arrived
      {400, 6, false, false, false},   // arrived
      {500, 0, false, true, false},    // own change in the pool
      {600, 0, false, false, false},   // someone's unconfirmed payment
      {700, 10, false, false, true},   // spent
      {800, -1, false, false, false},  // conflicted
  };
  const wallet::Balances b = wallet::compute_balances(outs, rules);
  CHECK(b.immature == 100);
  CHECK(b.trusted == 200 + 300 + 400 + 500);
  CHECK(b.untrusted_pending == 600);
  CHECK(b.arrived == 200 + 400);
  CHECK(wallet::balance_at(outs, 0, rules) == 200 + 300 + 400 + 500);
  CHECK(wallet::balance_at(outs, 1, rules) == 200 + 300 + 400);
  CHECK(wallet::balance_at(outs, 6, rules) == 200 + 400);
  CHECK(wallet::balance_at(outs, 101, rules) == 0);
}

namespace {

struct WalletOnChain {
  ChainFixture f{true};
  TempDir dir;
  int64_t now = 1700000000;
  std::unique_ptr<wallet::Wallet> w;

  void open() {
    auto r = wallet::Wallet::open(dir.path() / "wallet.sqlite", f.params(), f.chain(), nullptr, {},
                                  [this] { return now; });
    REQUIRE(r.ok());
    w = std::move(*r);
  }
  core::Script new_script() {
    auto h = w->keys().new_key(wallet::kExternalChain, "");
    REQUIRE(h.ok());
    return core::p2pkh_script(h->bytes);
  }
  const btr::node::BlockIndex* mine(const core::Script& payout,
                                    std::vector<core::Transaction> txs = {},
                                    const btr::node::BlockIndex* parent = nullptr,
                                    uint32_t tag = 0) {
    BlockSpec spec;
    spec.payout = payout;
    spec.txs = std::move(txs);
    spec.tag = tag;
    const core::Block b = f.make_block(parent, spec);
    REQUIRE(f.submit(b).kind == btr::node::SubmitResult::Kind::kAccepted);
    return f.chain().lookup(b.hash());
  }
};

}  // namespace

TEST_CASE("wallet balances: coinbase maturity, a spend arriving, a reorg and a restart") {
  WalletOnChain t;
  t.open();
  const core::Script mine_script = t.new_script();
  const auto* first = t.mine(mine_script);
  CHECK(t.w->balances().immature == core::kCoin);
  CHECK(t.w->balances().trusted == 0);
  t.f.extend(nullptr, 98);  // the coinbase is 99 deep
  CHECK(t.w->balances().immature == core::kCoin);
  t.f.extend(nullptr, 1);  // 100 deep: mature
  CHECK(t.w->balances().immature == 0);
  CHECK(t.w->balances().trusted == core::kCoin);
  CHECK(t.w->balance(6) == core::kCoin);

  // Pay 0.3 BTR to someone else; the change returns to a new internal key.
  std::array<uint8_t, 20> other{};
  other.fill(0x33);
  auto created = t.w->create_transaction({{core::p2pkh_script(other), 30'000'000, false}}, 1000, 1);
  REQUIRE(created.ok());
  CHECK(created->fee == 226);  // 1 input, 2 outputs at 1000 units/kB
  CHECK(created->change_position >= 0);
  const auto* fork_point = t.f.chain().tip();
  const auto* confirmed = t.mine(t.f.payout_script(), {created->tx});
  const core::Amount change = core::kCoin - 30'000'000 - 226;
  CHECK(t.w->balance(1) == change);
  CHECK(t.w->balance(6) == 0);  // not arrived yet
  const wallet::WalletTx* wtx = t.w->find_tx(created->tx.txid());
  REQUIRE(wtx != nullptr);
  CHECK(t.w->depth(*wtx) == 1);
  CHECK(t.w->debit(created->tx) == core::kCoin);
  t.f.extend(nullptr, 5);
  CHECK(t.w->balance(6) == change);
  CHECK(t.w->balances().arrived == change);

  // A longer branch from before the spend: the spend leaves the chain.
  const auto* other_tip = t.f.extend(fork_point, 8, 7);
  REQUIRE(t.f.chain().tip() == other_tip);
  CHECK_FALSE(t.f.chain().in_active_chain(confirmed));
  CHECK(t.w->depth(*wtx) == 0);      // no pool in this test: unconfirmed
  CHECK(t.w->balance(1) == 0);       // the coinbase is spent by it, its change is unconfirmed
  CHECK(t.w->balance(0) == change);  // own unconfirmed change is trusted
  (void)first;

  // Closed while blocks pay it; a restart scans them.
  t.w.reset();
  t.mine(mine_script);
  t.mine(mine_script);
  t.open();
  CHECK(t.w->balances().immature == 2 * core::kCoin);
  CHECK(t.w->find_tx(created->tx.txid()) != nullptr);
  CHECK(t.w->depth(*t.w->find_tx(created->tx.txid())) == 0);
}
