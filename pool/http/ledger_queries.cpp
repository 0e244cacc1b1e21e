#include "pool/http/ledger_queries.h"

#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <set>

#include "pool/ledger_sql.h"

namespace btr::pool::http {
namespace {

using nlohmann::json;

struct WorkerActivity {
  std::string address;
  double difficulty = 0;
  uint64_t accepted = 0;
};

// Accepted difficulty per worker since `since` (file + buffered); all
// addresses when `address` is empty.
std::map<std::string, WorkerActivity> activity(const SqliteLedger& ledger, int64_t since,
                                               const std::string& address) {
  std::map<std::string, WorkerActivity> out;
  const char* sql =
      address.empty()
          ? "SELECT worker, address, sum(difficulty), sum(accepted) FROM share_slices"
            " WHERE slice_start >= ?1 GROUP BY worker HAVING sum(accepted) > 0"
          : "SELECT worker, address, sum(difficulty), sum(accepted) FROM share_slices"
            " WHERE slice_start >= ?1 AND address = ?2 GROUP BY worker HAVING sum(accepted) > 0";
  SqlStmt q(ledger.db(), sql);
  q.bind(1, since);
  if (!address.empty()) q.bind(2, address);
  while (q.step() == SQLITE_ROW) {
    WorkerActivity& w = out[q.text(0)];
    w.address = q.text(1);
    w.difficulty += q.f64(2);
    w.accepted += static_cast<uint64_t>(q.i64(3));
  }
  for (const auto& [key, p] : ledger.pending()) {
    if (key.first < since || (!address.empty() && p.address != address)) continue;
    if (p.accepted == 0) continue;
    WorkerActivity& w = out[key.second];
    w.address = p.address;
    w.difficulty += p.difficulty;
    w.accepted += p.accepted;
  }
  return out;
}

json block_row(const SqlStmt& q) {
  return json{{"height", q.i64(0)},         {"hash", q.text(1)},   {"prev_hash", q.text(2)},
              {"address", q.text(3)},       {"worker", q.text(4)}, {"share_difficulty", q.f64(5)},
              {"submit_result", q.text(6)}, {"time", q.i64(7)},    {"status", q.text(8)},
              {"confirmations", q.i64(9)},  {"value", q.i64(10)},  {"scheme", q.text(11)}};
}

constexpr const char* kBlockColumns =
    "SELECT height, hash, prev_hash, address, worker, share_difficulty, submit_result,"
    " found_time, status, confirmations, value, scheme, id FROM blocks ";

json payouts_of_block(const SqliteLedger& ledger, int64_t block_id) {
  json out = json::array();
  SqlStmt q(ledger.db(),
            "SELECT address, is_operator, earned, balance_paid, output, carried, reversed"
            " FROM block_payouts WHERE block_id = ? ORDER BY output DESC, address");
  q.bind(1, block_id);
  while (q.step() == SQLITE_ROW) {
    out.push_back({{"address", q.text(0)},
                   {"operator", q.i64(1) != 0},
                   {"earned", q.i64(2)},
                   {"balance_paid", q.i64(3)},
                   {"output", q.i64(4)},
                   {"carried", q.i64(5)},
                   {"reversed", q.i64(6) != 0}});
  }
  return out;
}

}  // namespace

double hashrate_from_difficulty(double difficulty, double seconds) {
  return seconds > 0 ? difficulty * 4294967296.0 / seconds : 0;
}

nlohmann::json pool_summary(const SqliteLedger& ledger, const NetworkInfo& net, int64_t now) {
  json j;
  j["time"] = now;
  for (const auto& [name, seconds] : {std::pair<const char*, int64_t>{"10m", 600}, {"1h", 3600}}) {
    const auto act = activity(ledger, now - seconds, "");
    double diff = 0;
    std::set<std::string> addresses;
    for (const auto& [worker, w] : act) {
      diff += w.difficulty;
      addresses.insert(w.address);
    }
    j[std::string("hashrate_") + name] =
        hashrate_from_difficulty(diff, static_cast<double>(seconds));
    if (seconds == 600) {
      j["miners"] = addresses.size();
      j["workers"] = act.size();
    }
  }
  j["network"] = {{"height", net.height}, {"difficulty", net.difficulty}};
  json rejected = json::object();
  uint64_t rejected_total = 0;
  for (const auto& [reason, count] : ledger.rejected_by_reason()) {
    rejected[reason] = count;
    rejected_total += count;
  }
  j["shares"] = {{"accepted", ledger.accepted_shares()},
                 {"rejected", rejected_total},
                 {"rejected_by_reason", rejected}};
  json blocks = {{"found", 0}, {"pending", 0}, {"confirmed", 0}, {"orphaned", 0}, {"rejected", 0}};
  SqlStmt q(ledger.db(), "SELECT status, count(*) FROM blocks GROUP BY status");
  int64_t found = 0;
  while (q.step() == SQLITE_ROW) {
    blocks[q.text(0)] = q.i64(1);
    found += q.i64(1);
  }
  blocks["found"] = found;
  j["blocks"] = blocks;
  SqlStmt last(ledger.db(), "SELECT max(found_time) FROM blocks WHERE submit_accepted = 1");
  j["last_block_time"] = nullptr;
  if (last.step() == SQLITE_ROW && last.i64(0) > 0) j["last_block_time"] = last.i64(0);
  j["pplns_window_difficulty"] = ledger.window_total();
  j["recent_blocks"] = recent_blocks(ledger, 10);
  return j;
}

std::optional<nlohmann::json> address_summary(const SqliteLedger& ledger,
                                              const std::string& address, int64_t now) {
  json workers = json::array();
  const auto act10 = activity(ledger, now - 600, address);
  const auto act60 = activity(ledger, now - 3600, address);
  std::map<std::string, SqliteLedger::Pending> totals;
  SqlStmt q(ledger.db(),
            "SELECT worker, accepted, rejected, difficulty, best_share, last_time"
            " FROM worker_totals WHERE address = ?");
  q.bind(1, address);
  while (q.step() == SQLITE_ROW) {
    SqliteLedger::Pending& t = totals[q.text(0)];
    t.accepted = static_cast<uint64_t>(q.i64(1));
    t.rejected = static_cast<uint64_t>(q.i64(2));
    t.difficulty = q.f64(3);
    t.best_share = q.f64(4);
    t.last_time = q.i64(5);
  }
  for (const auto& [key, p] : ledger.pending()) {
    if (p.address != address) continue;
    SqliteLedger::Pending& t = totals[key.second];
    t.accepted += p.accepted;
    t.rejected += p.rejected;
    t.difficulty += p.difficulty;
    t.best_share = std::max(t.best_share, p.best_share);
    t.last_time = std::max(t.last_time, p.last_time);
  }
  const int64_t balance = ledger.balance(address);
  json payouts = json::array();
  SqlStmt pq(ledger.db(),
             "SELECT b.height, b.hash, b.status, p.earned, p.balance_paid, p.output, p.carried,"
             " p.reversed, b.found_time FROM block_payouts p JOIN blocks b ON b.id = p.block_id"
             " WHERE p.address = ? AND p.is_operator = 0 ORDER BY b.id DESC LIMIT 100");
  pq.bind(1, address);
  while (pq.step() == SQLITE_ROW) {
    payouts.push_back({{"height", pq.i64(0)},
                       {"hash", pq.text(1)},
                       {"status", pq.text(2)},
                       {"earned", pq.i64(3)},
                       {"balance_paid", pq.i64(4)},
                       {"output", pq.i64(5)},
                       {"carried", pq.i64(6)},
                       {"reversed", pq.i64(7) != 0},
                       {"time", pq.i64(8)}});
  }
  if (totals.empty() && payouts.empty() && balance == 0) return std::nullopt;
  double hr10 = 0;
  double hr60 = 0;
  for (const auto& [worker, t] : totals) {
    const auto a10 = act10.find(worker);
    const auto a60 = act60.find(worker);
    const double d10 = a10 == act10.end() ? 0 : a10->second.difficulty;
    const double d60 = a60 == act60.end() ? 0 : a60->second.difficulty;
    hr10 += hashrate_from_difficulty(d10, 600);
    hr60 += hashrate_from_difficulty(d60, 3600);
    workers.push_back({{"worker", worker},
                       {"hashrate_10m", hashrate_from_difficulty(d10, 600)},
                       {"hashrate_1h", hashrate_from_difficulty(d60, 3600)},
                       {"shares_accepted", t.accepted},
                       {"shares_rejected", t.rejected},
                       {"difficulty_accepted", t.difficulty},
                       {"best_share", t.best_share},
                       {"last_share", t.last_time}});
  }
  return json{{"address", address}, {"hashrate_10m", hr10}, {"hashrate_1h", hr60},
              {"workers", workers}, {"balance", balance},   {"payouts", payouts}};
}

std::optional<nlohmann::json> block_summary(const SqliteLedger& ledger, const std::string& key) {
  const bool by_height =
      !key.empty() && key.size() <= 10 && key.find_first_not_of("0123456789") == std::string::npos;
  const std::string sql =
      std::string(kBlockColumns) +
      (by_height ? "WHERE height = ? ORDER BY id DESC LIMIT 1" : "WHERE hash = ?");
  SqlStmt q(ledger.db(), sql.c_str());
  if (by_height) {
    q.bind(1, static_cast<int64_t>(std::stoll(key)));
  } else {
    q.bind(1, key);
  }
  if (q.step() != SQLITE_ROW) return std::nullopt;
  json j = block_row(q);
  j["payouts"] = payouts_of_block(ledger, q.i64(12));
  return j;
}

nlohmann::json recent_blocks(const SqliteLedger& ledger, int limit) {
  json out = json::array();
  const std::string sql = std::string(kBlockColumns) + "ORDER BY id DESC LIMIT ?";
  SqlStmt q(ledger.db(), sql.c_str());
  q.bind(1, static_cast<int64_t>(limit));
  while (q.step() == SQLITE_ROW) out.push_back(block_row(q));
  return out;
}

nlohmann::json workers_summary(const SqliteLedger& ledger, int64_t now, size_t limit) {
  const auto act10 = activity(ledger, now - 600, "");
  const auto act60 = activity(ledger, now - 3600, "");
  std::vector<std::pair<double, json>> rows;
  for (const auto& [worker, w] : act60) {
    const auto it = act10.find(worker);
    const double d10 = it == act10.end() ? 0 : it->second.difficulty;
    rows.emplace_back(w.difficulty,
                      json{{"worker", worker},
                           {"address", w.address},
                           {"hashrate_10m", hashrate_from_difficulty(d10, 600)},
                           {"hashrate_1h", hashrate_from_difficulty(w.difficulty, 3600)},
                           {"shares_1h", w.accepted}});
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  json out = json::array();
  for (size_t i = 0; i < rows.size() && i < limit; ++i) out.push_back(std::move(rows[i].second));
  return out;
}

nlohmann::json hashrate_history(const SqliteLedger& ledger, int64_t now, int hours) {
  constexpr int64_t kBin = 600;
  const int64_t end = now - now % kBin + kBin;
  const int64_t start = end - static_cast<int64_t>(hours) * 3600;
  std::map<int64_t, double> bins;
  for (int64_t t = start; t < end; t += kBin) bins[t] = 0;
  SqlStmt q(ledger.db(),
            "SELECT slice_start / 600 * 600 AS b, sum(difficulty) FROM share_slices"
            " WHERE slice_start >= ? GROUP BY b");
  q.bind(1, start);
  while (q.step() == SQLITE_ROW) bins[q.i64(0)] += q.f64(1);
  for (const auto& [key, p] : ledger.pending()) {
    if (key.first >= start) bins[key.first - key.first % kBin] += p.difficulty;
  }
  json out = json::array();
  for (const auto& [t, d] : bins)
    out.push_back({{"time", t}, {"hashrate", hashrate_from_difficulty(d, kBin)}});
  return out;
}

}  // namespace btr::pool::http
