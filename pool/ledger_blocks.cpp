// SqliteLedger's blocks half: the payout of each job, found blocks with
// their payouts and balance changes, and the node's verdict on them.
#include <sqlite3.h>

#include <cstdio>

#include "pool/ledger.h"
#include "pool/ledger_sql.h"

namespace btr::pool {

payout::PayoutPlan SqliteLedger::plan_for_job(payout::Scheme scheme, int64_t value,
                                              const std::string& finder, double window_n,
                                              const payout::FeeRule& fee,
                                              const payout::PplnsRules& rules) {
  if (scheme == payout::Scheme::kSolo) return payout::solo_plan(value, finder, fee);
  const double n = window_n;
  last_window_n_ = n;
  window_.trim(n);
  return payout::pplns_plan(value, window_.weights(n), balances_, fee, rules);
}

void SqliteLedger::reload_balances() {
  balances_.clear();
  SqlStmt q(db_, "SELECT address, balance FROM balances");
  while (q.step() == SQLITE_ROW) balances_[q.text(0)] = q.i64(1);
}

int64_t SqliteLedger::balance(const std::string& address) const {
  const auto it = balances_.find(address);
  return it == balances_.end() ? 0 : it->second;
}

void SqliteLedger::on_block(const BlockEvent& b) {
  if (auto st = exec("BEGIN IMMEDIATE;"); !st.ok()) {
    std::fprintf(stderr, "%s\n", st.error().c_str());
    return;
  }
  int64_t id = 0;
  bool inserted = false;
  core::Status st = record_block(b, id, inserted);
  // Credits only once per block, and only for a block the node took.
  if (st.ok() && inserted && b.accepted && b.plan) st = record_payouts(id, *b.plan);
  if (st.ok()) st = exec("COMMIT;");
  if (!st.ok()) {
    (void)exec("ROLLBACK;");
    reload_balances();  // the transaction did not happen
    std::fprintf(stderr, "ledger: block %s not recorded: %s\n", b.hash.c_str(), st.error().c_str());
  }
}

core::Status SqliteLedger::record_block(const BlockEvent& b, int64_t& block_id, bool& inserted) {
  SqlStmt ins(db_,
              "INSERT OR IGNORE INTO blocks (height, hash, prev_hash, address, worker,"
              " share_difficulty, submit_accepted, submit_result, found_time, status, value,"
              " scheme) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
  ins.bind(1, b.height).bind(2, b.hash).bind(3, b.prev_hash).bind(4, b.address);
  ins.bind(5, b.worker).bind(6, b.share_difficulty).bind(7, int64_t{b.accepted ? 1 : 0});
  ins.bind(8, b.submit_result).bind(9, b.unix_time);
  ins.bind(10, std::string_view(b.accepted ? "pending" : "rejected"));
  ins.bind(11, b.plan ? b.plan->value : int64_t{0});
  ins.bind(12, std::string_view(b.plan ? payout::scheme_name(b.plan->scheme) : "solo"));
  if (!ins.run()) return core::fail("ledger: " + ins.error());
  inserted = sqlite3_changes(db_) == 1;
  block_id = inserted ? sqlite3_last_insert_rowid(db_) : 0;
  return core::Status::success();
}

core::Status SqliteLedger::record_payouts(int64_t block_id, const payout::PayoutPlan& plan) {
  SqlStmt ins(db_,
              "INSERT INTO block_payouts (block_id, address, is_operator, earned, balance_paid,"
              " output, carried) VALUES (?,?,?,?,?,?,?)");
  for (const payout::PlanEntry& e : plan.entries) {
    ins.reset();
    ins.bind(1, block_id).bind(2, e.address).bind(3, int64_t{0}).bind(4, e.earned);
    ins.bind(5, e.balance_paid).bind(6, e.output).bind(7, e.carried);
    if (!ins.run()) return core::fail("ledger: " + ins.error());
  }
  if (plan.operator_output > 0) {
    ins.reset();
    ins.bind(1, block_id).bind(2, plan.operator_address).bind(3, int64_t{1});
    ins.bind(4, plan.fee).bind(5, int64_t{0}).bind(6, plan.operator_output).bind(7, int64_t{0});
    if (!ins.run()) return core::fail("ledger: " + ins.error());
  }
  for (const auto& [address, delta] : plan.balance_changes()) {
    if (auto st = add_balance(address, delta); !st.ok()) return st;
  }
  return core::Status::success();
}

core::Status SqliteLedger::add_balance(const std::string& address, int64_t delta) {
  SqlStmt up(db_,
             "INSERT INTO balances (address, balance) VALUES (?1, ?2)"
             " ON CONFLICT(address) DO UPDATE SET balance = balance + ?2");
  up.bind(1, address).bind(2, delta);
  if (!up.run()) return core::fail("ledger: " + up.error());
  balances_[address] += delta;
  return core::Status::success();
}

// Undoes exactly the balance changes the block's payouts made.
core::Status SqliteLedger::reverse_payouts(int64_t block_id) {
  SqlStmt rows(db_,
               "SELECT address, carried - balance_paid FROM block_payouts"
               " WHERE block_id = ? AND is_operator = 0 AND reversed = 0");
  rows.bind(1, block_id);
  std::vector<std::pair<std::string, int64_t>> changes;
  while (rows.step() == SQLITE_ROW) changes.emplace_back(rows.text(0), rows.i64(1));
  for (const auto& [address, delta] : changes) {
    if (delta == 0) continue;
    if (auto st = add_balance(address, -delta); !st.ok()) return st;
  }
  SqlStmt mark(db_, "UPDATE block_payouts SET reversed = 1 WHERE block_id = ?");
  mark.bind(1, block_id);
  if (!mark.run()) return core::fail("ledger: " + mark.error());
  return core::Status::success();
}

std::vector<PendingBlock> SqliteLedger::pending_blocks() const {
  std::vector<PendingBlock> out;
  SqlStmt q(db_, "SELECT height, hash FROM blocks WHERE status = 'pending' ORDER BY height");
  while (q.step() == SQLITE_ROW) out.push_back({q.i64(0), q.text(1)});
  return out;
}

std::vector<std::string> SqliteLedger::apply_chain_checks(int64_t tip_height,
                                                          const std::vector<ChainCheck>& checks) {
  std::vector<std::string> changed;
  if (checks.empty() || !exec("BEGIN IMMEDIATE;").ok()) return changed;
  core::Status st;
  for (const ChainCheck& c : checks) {
    SqlStmt q(db_, "SELECT id FROM blocks WHERE height = ? AND hash = ? AND status = 'pending'");
    q.bind(1, c.height).bind(2, c.hash);
    if (q.step() != SQLITE_ROW) continue;
    const int64_t id = q.i64(0);
    std::string status = "pending";
    int64_t confirmations = 0;
    if (c.hash_at_height == c.hash) {
      confirmations = tip_height - c.height + 1;
      if (confirmations >= options_.confirmations) status = "confirmed";
    } else {
      status = "orphaned";
      st = reverse_payouts(id);
      if (!st.ok()) break;
    }
    SqlStmt up(db_, "UPDATE blocks SET status = ?, confirmations = ? WHERE id = ?");
    up.bind(1, status).bind(2, confirmations).bind(3, id);
    if (!up.run()) {
      st = core::fail("ledger: " + up.error());
      break;
    }
    if (status != "pending") changed.push_back(c.hash + ":" + status);
  }
  if (st.ok()) st = exec("COMMIT;");
  if (!st.ok()) {
    (void)exec("ROLLBACK;");
    changed.clear();
    reload_balances();
    std::fprintf(stderr, "ledger: chain check not recorded: %s\n", st.error().c_str());
  }
  return changed;
}

}  // namespace btr::pool
