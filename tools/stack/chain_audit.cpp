#include "tools/stack/chain_audit.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <set>

#include "core/address.h"
#include "core/block.h"
#include "core/chain_params.h"
#include "core/hex.h"
#include "core/script.h"

namespace btr::tools::stack {
namespace {

// The regtest address a standard output script pays, if it is P2PKH or P2SH.
std::optional<std::string> script_address(std::span<const uint8_t> s) {
  core::Address a;
  if (s.size() == 25 && s[0] == 0x76 && s[1] == 0xa9 && s[2] == 20 && s[23] == 0x88 &&
      s[24] == 0xac) {
    a.type = core::AddressType::kP2pkh;
    std::copy(s.begin() + 3, s.begin() + 23, a.hash.bytes.begin());
  } else if (s.size() == 23 && s[0] == 0xa9 && s[1] == 20 && s[22] == 0x87) {
    a.type = core::AddressType::kP2sh;
    std::copy(s.begin() + 2, s.begin() + 22, a.hash.bytes.begin());
  } else {
    return std::nullopt;
  }
  return core::encode_address(a, core::chain_params(core::Network::kRegtest).prefixes);
}

std::string describe(const std::map<std::string, int64_t>& m) {
  std::string out;
  for (const auto& [address, units] : m) {
    out += (out.empty() ? "" : ", ") + address + " " + format_btr(units);
  }
  return out.empty() ? "nothing" : out;
}

}  // namespace

std::string format_btr(int64_t units) {
  char buf[48];
  const char* sign = units < 0 ? "-" : "";
  const uint64_t u = units < 0 ? 0 - static_cast<uint64_t>(units) : static_cast<uint64_t>(units);
  std::snprintf(buf, sizeof buf, "%s%llu.%08llu", sign,
                static_cast<unsigned long long>(u / 100'000'000),
                static_cast<unsigned long long>(u % 100'000'000));
  return buf;
}

core::Result<CoinbasePayout> coinbase_payout(std::span<const uint8_t> raw_block,
                                             const std::string& pool_tag) {
  auto parsed = core::parse_block_with_witness_coinbase(raw_block);
  if (!parsed) return core::fail("block does not parse: " + parsed.error());
  const core::Block& block = parsed->block;
  if (block.transactions.empty() || !block.transactions.front().is_coinbase()) {
    return core::fail("block has no coinbase");
  }
  const core::Transaction& cb = block.transactions.front();
  CoinbasePayout out;
  out.hash = block.hash().to_display_hex();
  const std::vector<uint8_t>& sig = cb.inputs.front().script_sig;
  if (auto h = core::parse_coinbase_height(sig); h.ok()) out.height = *h;
  out.has_pool_tag = !pool_tag.empty() && std::search(sig.begin(), sig.end(), pool_tag.begin(),
                                                      pool_tag.end()) != sig.end();
  for (const core::TxOut& o : cb.outputs) {
    if (o.value == 0) continue;  // OP_RETURN commitments and the like pay nobody
    const auto address = script_address(o.script_pubkey);
    out.by_address[address ? *address : "script:" + core::to_hex(o.script_pubkey)] += o.value;
    out.total += o.value;
  }
  return out;
}

core::Result<CoinbasePayout> fetch_coinbase(NodeRpc& node, const std::string& hash,
                                            const std::string& pool_tag) {
  auto raw = node.call("getblock", {hash, 0});
  if (!raw) return core::fail(raw.error());
  if (!raw->is_string()) return core::fail("getblock did not return hex");
  auto bytes = core::from_hex(raw->get<std::string>());
  if (!bytes) return core::fail("getblock returned bad hex");
  return coinbase_payout(*bytes, pool_tag);
}

core::Result<CoinbasePayout> fetch_coinbase_at(NodeRpc& node, int64_t height,
                                               const std::string& pool_tag) {
  auto hash = node.call("getblockhash", {height});
  if (!hash) return core::fail(hash.error());
  if (!hash->is_string()) return core::fail("getblockhash did not return a hash");
  return fetch_coinbase(node, hash->get<std::string>(), pool_tag);
}

std::optional<std::string> compare_payouts(const LedgerBlock& ledger, const CoinbasePayout& chain) {
  std::map<std::string, int64_t> expected;
  for (const auto& [address, units] : ledger.payouts) {
    if (units != 0) expected[address] = units;
  }
  if (expected == chain.by_address) return std::nullopt;
  return "block " + std::to_string(ledger.height) + " " + ledger.hash + ": the ledger pays " +
         describe(expected) + " but the coinbase pays " + describe(chain.by_address);
}

AuditReport audit_ledger(const LedgerSnapshot& ledger, NodeRpc& node, const std::string& pool_tag) {
  AuditReport report;
  auto count = node.call("getblockcount");
  if (!count) {
    report.mismatches.push_back("node: " + count.error());
    return report;
  }
  report.tip_height = count->get<int64_t>();
  std::set<std::string> ledger_found;  // hashes the ledger holds as found (any status but rejected)
  for (const LedgerBlock& b : ledger.blocks) {
    if (b.status == "rejected") {
      ++report.blocks_rejected;
      continue;
    }
    ledger_found.insert(b.hash);
    auto header = node.call("getblockheader", {b.hash, true});
    const bool in_chain = header.ok() && (*header).value("confirmations", -1) >= 1;
    if (b.status == "orphaned") {
      ++report.blocks_orphaned;
      if (in_chain) {
        report.mismatches.push_back("block " + b.hash +
                                    ": the ledger calls it orphaned but it is in "
                                    "the node's active chain");
      }
      if (!b.payouts.empty() && !b.credits_reversed) {
        report.mismatches.push_back("block " + b.hash + ": orphaned but its credits not reversed");
      }
      continue;
    }
    if (!in_chain) {
      report.mismatches.push_back("block " + std::to_string(b.height) + " " + b.hash +
                                  ": in the ledger as " + b.status +
                                  " but not in the node's active chain");
      continue;
    }
    auto payout = fetch_coinbase(node, b.hash, pool_tag);
    if (!payout) {
      report.mismatches.push_back("block " + b.hash + ": " + payout.error());
      continue;
    }
    ++report.blocks_in_chain;
    if (auto why = compare_payouts(b, *payout)) report.mismatches.push_back(*why);
    for (const auto& [address, units] : payout->by_address) report.paid[address] += units;
  }
  // Nothing lost: every pool-tagged block of the active chain is in the ledger.
  // When the API listed only the newest blocks, older chain blocks are not compared.
  int64_t first = 1;
  if (ledger.truncated && !ledger.blocks.empty()) first = ledger.blocks.front().height;
  for (int64_t h = first; h <= report.tip_height; ++h) {
    auto payout = fetch_coinbase_at(node, h, pool_tag);
    if (!payout) {
      report.mismatches.push_back("chain block " + std::to_string(h) + ": " + payout.error());
      continue;
    }
    if (payout->has_pool_tag && !ledger_found.contains(payout->hash)) {
      report.mismatches.push_back("chain block " + std::to_string(h) + " " + payout->hash +
                                  " carries the pool's tag but is not in the ledger");
    }
  }
  return report;
}

}  // namespace btr::tools::stack
