#pragma once
// What btr-stack reads of the pool's ledger, through the pool's JSON API:
// its blocks with the coinbase outputs the ledger recorded for each, and the
// accepted and rejected shares of the stack's workers.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/result.h"

namespace btr::tools::stack {

struct LedgerBlock {
  int64_t height = 0;
  std::string hash;     // display hex
  std::string status;   // "pending", "confirmed", "orphaned", "rejected" (submitblock refused)
  std::string address;  // finder's address
  std::string worker;   // finder's worker name
  std::string reason;   // the node's answer to submitblock
  // Base units per address (operator fee included) that the ledger says this
  // block's coinbase pays.
  std::map<std::string, int64_t> payouts;
  bool credits_reversed = false;  // every payout row marked reversed (orphaned blocks)
};

struct LedgerSnapshot {
  std::vector<LedgerBlock> blocks;                  // oldest first
  bool truncated = false;                           // older blocks exist beyond what the API lists
  std::map<std::string, uint64_t> accepted_shares;  // by worker as the pool names it
  std::map<std::string, uint64_t> rejected_shares;
  std::map<std::string, int64_t> balances;  // carried (unpaid) balance by address
};

// Reads the ledger from the pool's API on 127.0.0.1:api_port; `addresses`
// are the payout addresses whose workers and balances to read.
core::Result<LedgerSnapshot> read_ledger_api(uint16_t api_port,
                                             const std::vector<std::string>& addresses);

}  // namespace btr::tools::stack
