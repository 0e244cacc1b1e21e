#pragma once
// The check behind btr-stack's summary: the pool's ledger against the node's
// chain. For every block the ledger holds as found (not orphaned), the node
// must have it in its active chain and its coinbase must pay exactly what the
// ledger says; a block the ledger calls orphaned must be off the active
// chain; and every active-chain block that carries the pool's tag must be in
// the ledger (nothing lost).

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "tools/stack/http_fetch.h"
#include "tools/stack/ledger_snapshot.h"

namespace btr::tools::stack {

// A coinbase's outputs by regtest address; value paid to scripts that are
// not P2PKH/P2SH is summed under "script:<hex>".
struct CoinbasePayout {
  int64_t height = 0;
  std::string hash;
  std::map<std::string, int64_t> by_address;
  int64_t total = 0;
  bool has_pool_tag = false;  // the pool's tag is in the coinbase scriptSig
};

core::Result<CoinbasePayout> coinbase_payout(std::span<const uint8_t> raw_block,
                                             const std::string& pool_tag);

// The node's block (by hash, or by active-chain height) read as a coinbase payout.
core::Result<CoinbasePayout> fetch_coinbase(NodeRpc& node, const std::string& hash,
                                            const std::string& pool_tag);
core::Result<CoinbasePayout> fetch_coinbase_at(NodeRpc& node, int64_t height,
                                               const std::string& pool_tag);

// Why the ledger's record of a block disagrees with its coinbase, or nullopt.
std::optional<std::string> compare_payouts(const LedgerBlock& ledger, const CoinbasePayout& chain);

struct AuditReport {
  std::vector<std::string> mismatches;  // empty: everything agrees
  uint64_t blocks_in_chain = 0;         // ledger blocks found in the active chain
  uint64_t blocks_orphaned = 0;         // ledger blocks marked orphaned (and off the chain)
  uint64_t blocks_rejected = 0;         // submitblock refused them
  std::map<std::string, int64_t> paid;  // base units per address, pool blocks in the active chain
  int64_t tip_height = 0;
};

AuditReport audit_ledger(const LedgerSnapshot& ledger, NodeRpc& node, const std::string& pool_tag);

// "1.00000000" for 100000000 base units.
std::string format_btr(int64_t units);

}  // namespace btr::tools::stack
