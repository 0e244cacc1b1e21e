#pragma once
// The pool's current work: the newest block template(s) and, built lazily,
// one Job per payout set (solo mining pays each miner's own address, so the
// coinbase and thus the notify differ per address). Each job's notify line is
// serialized once and shared by every connection that gets it.
// Single-threaded (the event loop owns it).

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "pool/block_template.h"
#include "pool/job_builder.h"
#include "pool/job_store.h"

namespace btr::pool {

struct JobLines {
  std::shared_ptr<const Job> job;
  std::shared_ptr<const std::string> notify_clean;   // clean_jobs = true
  std::shared_ptr<const std::string> notify_update;  // clean_jobs = false
};

// Who a job pays. Solo: the miner's script; the operator fee (if any) is a
// second output.
struct PayoutSet {
  PayoutSet() = default;
  PayoutSet(std::vector<uint8_t> script, size_t en2_size,
            payout::Scheme payout_scheme = payout::Scheme::kSolo, std::string address = {})
      : miner_script(std::move(script)),
        extranonce2_size(en2_size),
        scheme(payout_scheme),
        miner_address(std::move(address)) {}
  std::vector<uint8_t> miner_script;
  size_t extranonce2_size = kDefaultExtranonce2Size;
  // Accounting: PPLNS jobs pay the window, not the miner, so every PPLNS
  // miner with the same extranonce2 size shares one job (and notify line).
  payout::Scheme scheme = payout::Scheme::kSolo;
  std::string miner_address;
};

// A job's payout from the ledger: the plan and its coinbase outputs.
struct PlannedPayout {
  std::shared_ptr<const payout::PayoutPlan> plan;
  std::vector<PayoutOutput> outputs;
};
// Called whenever a job is built; nullopt: no job for this payout set now.
using PayoutPlanner =
    std::function<std::optional<PlannedPayout>(const PayoutSet&, const BlockTemplate&)>;

struct FeeSettings {
  std::vector<uint8_t> script;  // empty: no fee output
  double percent = 0;
};

// Solo outputs for a coinbase value: fee (rounded down) to the operator, the
// rest to the miner; they always sum to exactly `value`.
std::vector<PayoutOutput> solo_payouts(int64_t value, const std::vector<uint8_t>& miner_script,
                                       const FeeSettings& fee);

class WorkManager {
 public:
  WorkManager(std::string pool_tag, FeeSettings fee, unsigned templates_kept);

  struct Update {
    bool new_tip = false;  // jobs must be sent with clean_jobs
    bool changed = false;  // anything new to send at all
  };
  // A newer template. Same-tip templates replace the work without clean_jobs;
  // the jobs of the last `templates_kept` of them stay valid until the tip moves.
  Update on_template(std::shared_ptr<const BlockTemplate> tmpl);

  bool has_work() const { return current_ != nullptr; }
  const BlockTemplate* current_template() const { return current_.get(); }
  // The job of the current template for this payout set (built on first use);
  // nullptr when there is no work or the job could not be built.
  const JobLines* job_for(const PayoutSet& payout);
  // Accounting hook: with a planner, every job's outputs come from it
  // (recomputed at each build); without one, solo_payouts() as before.
  void set_payout_planner(PayoutPlanner planner) { planner_ = std::move(planner); }
  // Forgets the cached job of this payout set, so the next job_for builds a
  // new one with a new id (the old job stays valid for whoever holds it).
  // Used when a session's extranonce1 changes and its old job ids must die.
  void renew_job(const PayoutSet& payout);
  JobStore& jobs() { return jobs_; }
  uint64_t template_serial() const { return serial_; }
  size_t cached_jobs() const { return by_payout_.size(); }

 private:
  std::string pool_tag_;
  FeeSettings fee_;
  PayoutPlanner planner_;
  unsigned templates_kept_;
  std::shared_ptr<const BlockTemplate> current_;
  bool current_is_new_tip_ = true;
  uint64_t serial_ = 0;
  uint64_t next_job_id_ = 1;
  std::unordered_map<std::string, JobLines> by_payout_;       // current template only
  std::deque<std::vector<std::string>> job_ids_by_template_;  // same tip, oldest first
  JobStore jobs_{1};
};

}  // namespace btr::pool
