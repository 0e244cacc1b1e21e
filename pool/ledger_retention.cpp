// SqliteLedger's retention: raw share slices that neither the PPLNS window
// nor the statistics horizon needs any more are rolled up into pool_hourly
// (kept for good: one row per hour) and address_daily (kept history_s), then
// deleted; incremental vacuum returns the pages. Per-worker lifetime totals
// live in worker_totals all along, so nothing a query shows is lost.
#include <sqlite3.h>

#include <algorithm>

#include "pool/ledger.h"
#include "pool/ledger_sql.h"

namespace btr::pool {

core::Status SqliteLedger::roll_up(int64_t now) {
  int64_t cutoff = now - options_.stats_horizon_s;
  if (last_window_n_ > 0) {
    window_.trim(last_window_n_);
    const int64_t oldest = window_.oldest_needed(last_window_n_);
    if (oldest > 0) cutoff = std::min(cutoff, oldest);
  }
  // Whole slices only: a slice is rolled up once it ends before the cutoff.
  const int64_t before = cutoff - options_.slice_s;
  const int64_t history_before = now - options_.history_s;
  if (auto st = exec("BEGIN IMMEDIATE;"); !st.ok()) return st;
  SqlStmt hourly(db_,
                 "INSERT INTO pool_hourly (hour, accepted, difficulty)"
                 " SELECT slice_start / 3600 * 3600 AS h, sum(accepted), sum(difficulty)"
                 " FROM share_slices WHERE slice_start < ?1 GROUP BY h"
                 " ON CONFLICT(hour) DO UPDATE SET accepted = accepted + excluded.accepted,"
                 " difficulty = difficulty + excluded.difficulty");
  SqlStmt daily(db_,
                "INSERT INTO address_daily (day, address, accepted, difficulty)"
                " SELECT slice_start / 86400 * 86400 AS d, address, sum(accepted),"
                " sum(difficulty) FROM share_slices WHERE slice_start < ?1 AND slice_start >= ?2"
                " GROUP BY d, address"
                " ON CONFLICT(day, address) DO UPDATE SET accepted = accepted + excluded.accepted,"
                " difficulty = difficulty + excluded.difficulty");
  SqlStmt drop(db_, "DELETE FROM share_slices WHERE slice_start < ?1");
  SqlStmt old(db_, "DELETE FROM address_daily WHERE day < ?1");
  core::Status st;
  if (!hourly.ok() || !daily.ok() || !drop.ok() || !old.ok()) {
    st = core::fail("ledger: retention: " + std::string(sqlite3_errmsg(db_)));
  } else {
    hourly.bind(1, before);
    daily.bind(1, before).bind(2, history_before);
    drop.bind(1, before);
    old.bind(1, history_before);
    if (!hourly.run() || !daily.run() || !drop.run() || !old.run())
      st = core::fail("ledger: retention: " + std::string(sqlite3_errmsg(db_)));
  }
  if (st.ok()) st = exec("COMMIT;");
  if (!st.ok()) {
    (void)exec("ROLLBACK;");
    return st;
  }
  return exec("PRAGMA incremental_vacuum; PRAGMA wal_checkpoint(PASSIVE);");
}

}  // namespace btr::pool
