#pragma once
// Read-only views of the ledger for the JSON API and the dashboard: what the
// file holds plus what is buffered for the next flush, so the API always
// answers the ledger's current numbers. Hashrate = accepted difficulty *
// 2^32 / seconds over the last 10 minutes and hour.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "pool/ledger.h"

namespace btr::pool::http {

struct NetworkInfo {
  int64_t height = 0;  // of the template being mined
  double difficulty = 0;
  int64_t template_time = 0;  // unix time the current template arrived
};

double hashrate_from_difficulty(double difficulty, double seconds);

nlohmann::json pool_summary(const SqliteLedger& ledger, const NetworkInfo& net, int64_t now);
// Workers, balance and payouts of one address; nullopt when the ledger never
// saw it.
std::optional<nlohmann::json> address_summary(const SqliteLedger& ledger,
                                              const std::string& address, int64_t now);
// One block by hash or by height (the most recent at that height).
std::optional<nlohmann::json> block_summary(const SqliteLedger& ledger, const std::string& key);
nlohmann::json recent_blocks(const SqliteLedger& ledger, int limit);
// Active workers over the last hour, busiest first (at most `limit`).
nlohmann::json workers_summary(const SqliteLedger& ledger, int64_t now, size_t limit);
// Pool hashrate per 10-minute bin over the last `hours` hours (oldest first).
nlohmann::json hashrate_history(const SqliteLedger& ledger, int64_t now, int hours);

}  // namespace btr::pool::http
