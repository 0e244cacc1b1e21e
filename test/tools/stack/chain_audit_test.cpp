#include <doctest/doctest.h>

#include "core/address.h"
#include "core/block.h"
#include "core/chain_params.h"
#include "core/script.h"
#include "tools/stack/chain_audit.h"
#include "tools/stack/stack_keys.h"

namespace {

using btr::tools::stack::CoinbasePayout;
using btr::tools::stack::LedgerBlock;

std::vector<uint8_t> script_for(const std::string& address) {
  const auto& prefixes = btr::core::chain_params(btr::core::Network::kRegtest).prefixes;
  auto a = btr::core::decode_address(address, prefixes);
  REQUIRE(a.ok());
  return btr::core::address_script(*a);
}

// A block whose coinbase carries `tag` and pays `outputs` (address -> units),
// plus a zero-value OP_RETURN output that must not count.
std::vector<uint8_t> block_paying(const std::vector<std::pair<std::string, int64_t>>& outputs,
                                  const std::string& tag) {
  btr::core::Transaction cb;
  btr::core::TxIn in;
  in.prevout.index = btr::core::OutPoint::kNullIndex;
  in.script_sig = btr::core::coinbase_height_script(7);
  in.script_sig.insert(in.script_sig.end(), tag.begin(), tag.end());
  cb.inputs.push_back(in);
  for (const auto& [address, units] : outputs) cb.outputs.push_back({units, script_for(address)});
  cb.outputs.push_back({0, {0x6a, 0x01, 0x00}});
  btr::core::Block block;
  block.header.version = 0x20000000;
  block.transactions.push_back(cb);
  block.header.merkle_root = block.compute_merkle_root().root;
  return block.serialize();
}

}  // namespace

TEST_CASE("audit: coinbase outputs are read per address and the pool tag is found") {
  const auto w = btr::tools::stack::stack_workers();
  const std::string op = btr::tools::stack::stack_operator().address;
  const auto raw =
      block_paying({{w[0].key.address, 60}, {w[1].key.address, 39}, {op, 1}, {w[0].key.address, 5}},
                   "/btr-stack/");
  auto p = btr::tools::stack::coinbase_payout(raw, "/btr-stack/");
  REQUIRE(p.ok());
  CHECK(p->height == 7);
  CHECK(p->has_pool_tag);
  CHECK(p->total == 105);
  CHECK(p->by_address.size() == 3);
  CHECK(p->by_address.at(w[0].key.address) == 65);
  CHECK(p->by_address.at(op) == 1);
  auto other = btr::tools::stack::coinbase_payout(raw, "/other-pool/");
  REQUIRE(other.ok());
  CHECK_FALSE(other->has_pool_tag);
  CHECK_FALSE(btr::tools::stack::coinbase_payout(std::vector<uint8_t>{1, 2, 3}, "x").ok());
}

TEST_CASE("audit: the ledger's payouts must equal the coinbase exactly") {
  CoinbasePayout chain;
  chain.by_address = {{"a", 99}, {"op", 1}};
  LedgerBlock ledger;
  ledger.height = 3;
  ledger.hash = "ab";
  ledger.payouts = {{"a", 99}, {"op", 1}, {"b", 0}};  // zero rows pay nobody
  CHECK_FALSE(btr::tools::stack::compare_payouts(ledger, chain).has_value());
  ledger.payouts["a"] = 98;  // one unit off
  auto why = btr::tools::stack::compare_payouts(ledger, chain);
  REQUIRE(why.has_value());
  CHECK(why->find("block 3 ab") != std::string::npos);
  ledger.payouts = {{"a", 99}};  // the fee output missing from the ledger
  CHECK(btr::tools::stack::compare_payouts(ledger, chain).has_value());
  ledger.payouts = {{"a", 99}, {"op", 1}, {"c", 1}};  // an extra address
  CHECK(btr::tools::stack::compare_payouts(ledger, chain).has_value());
}

TEST_CASE("audit: amounts print as BTR with eight decimals") {
  CHECK(btr::tools::stack::format_btr(100000000) == "1.00000000");
  CHECK(btr::tools::stack::format_btr(99000001) == "0.99000001");
  CHECK(btr::tools::stack::format_btr(-5) == "-0.00000005");
  CHECK(btr::tools::stack::format_btr(0) == "0.00000000");
}
