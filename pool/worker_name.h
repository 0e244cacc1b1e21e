#pragma once
// Stratum usernames: ADDRESS[.worker] or ADDRESS_worker. Neither Base58 nor
// the worker suffix separator can occur inside an address, so the name is
// split at the first '.' or '_'. The address is checked offline against the
// network's prefixes; refusals carry a message fit to show the miner.

#include <string>
#include <string_view>
#include <vector>

#include "core/address.h"
#include "core/result.h"

namespace btr::pool {

inline constexpr size_t kMaxWorkerSuffix = 64;

struct WorkerName {
  std::string address;  // as given
  std::string worker;   // "" when absent
  core::Address decoded;
  std::vector<uint8_t> script_pubkey;  // payout script for the address
};

core::Result<WorkerName> parse_worker_name(std::string_view username,
                                           const core::AddressPrefixes& prefixes);

}  // namespace btr::pool
