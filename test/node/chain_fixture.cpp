#include "test/node/chain_fixture.h"

#include <doctest/doctest.h>

#include <random>

#include "test/common/test_util.h"

namespace btr::test {

TempDir::TempDir() {
  std::mt19937_64 rng(seed() ^ reinterpret_cast<uintptr_t>(this));
  path_ = std::filesystem::temp_directory_path() / ("btr_node_test_" + std::to_string(rng()));
  std::filesystem::create_directories(path_);
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

ChainFixture::ChainFixture(bool accept_scripts, node::ChainOptions options)
    : params_(core::chain_params(core::Network::kRegtest)),
      options_(options),
      verifier_(accept_scripts ? static_cast<const node::ScriptVerifier*>(&accept_all_)
                               : &unavailable_) {
  reopen();
}

ChainFixture::ChainFixture(const node::ScriptVerifier& verifier, node::ChainOptions options)
    : params_(core::chain_params(core::Network::kRegtest)),
      options_(options),
      verifier_(&verifier) {
  reopen();
}

void ChainFixture::reopen() {
  chain_.reset();
  store_.reset();
  auto store = node::ChainStore::open(dir_.path() / "chainstate.sqlite");
  REQUIRE(store.ok());
  store_ = std::move(*store);
  chain_ = std::make_unique<node::ChainState>(params_, *store_, *verifier_, options_,
                                              [this] { return now; });
  auto st = chain_->load();
  REQUIRE_MESSAGE(st.ok(), (st.ok() ? "" : st.error()));
}

std::vector<uint8_t> ChainFixture::payout_script() const {
  std::array<uint8_t, 20> h{};
  h.fill(0x11);
  return core::p2pkh_script(h);
}

void ChainFixture::mine(core::Block& block) {
  const auto& p = core::chain_params(core::Network::kRegtest);
  const core::Uint256 target = core::decode_compact(block.header.bits).target;
  while (!core::hash_meets_target(block.header.hash(), target)) ++block.header.nonce;
  (void)p;
}

void ChainFixture::finish(core::Block& block) {
  block.header.merkle_root = block.compute_merkle_root().root;
  mine(block);
}

core::Block ChainFixture::make_block(const node::BlockIndex* parent, const BlockSpec& spec) {
  if (parent == nullptr) parent = chain_->tip();
  const int32_t height = parent->height() + 1;
  core::Transaction cb;
  core::TxIn in;
  in.prevout.index = core::OutPoint::kNullIndex;
  const int64_t h = spec.bip34_height >= 0 ? spec.bip34_height : height;
  if (spec.one_byte_push_height) {
    in.script_sig = {0x01, static_cast<uint8_t>(h)};
  } else {
    in.script_sig = core::coinbase_height_script(h);
  }
  // A tag push keeps sibling coinbases distinct (and the scriptSig >= 2 bytes).
  core::push_int(in.script_sig, 1000 + spec.tag);
  cb.inputs.push_back(in);
  const int64_t value =
      spec.coinbase_value >= 0 ? spec.coinbase_value : core::block_subsidy(height);
  cb.outputs.push_back({value, spec.payout.empty() ? payout_script() : spec.payout});
  core::Block b;
  b.transactions.push_back(cb);
  for (const auto& tx : spec.txs) b.transactions.push_back(tx);
  b.header.version = spec.version;
  b.header.prev_block = parent->hash();
  b.header.bits = chain_->next_bits(parent);
  b.header.time =
      static_cast<uint32_t>(spec.time >= 0 ? spec.time : int64_t{parent->rec.header.time} + 60);
  finish(b);
  return b;
}

const node::BlockIndex* ChainFixture::extend(const node::BlockIndex* parent, int n, uint32_t tag) {
  for (int i = 0; i < n; ++i) {
    BlockSpec spec;
    spec.tag = tag;
    const core::Block b = make_block(parent, spec);
    const auto r = submit(b);
    REQUIRE_MESSAGE((r.kind == node::SubmitResult::Kind::kAccepted ||
                     r.kind == node::SubmitResult::Kind::kInconclusive),
                    r.reason);
    parent = chain_->lookup(b.hash());
    REQUIRE(parent != nullptr);
  }
  return parent;
}

core::Transaction spend(const core::OutPoint& from, int64_t value) {
  core::Transaction tx;
  core::TxIn in;
  in.prevout = from;
  in.script_sig = {0x51};  // any script: the verifier under test decides
  tx.inputs.push_back(in);
  std::array<uint8_t, 20> h{};
  h.fill(0x22);
  tx.outputs.push_back({value, core::p2pkh_script(h)});
  return tx;
}

}  // namespace btr::test
