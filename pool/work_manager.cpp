#include "pool/work_manager.h"

#include <cstdio>

#include "stratum/codec.h"

namespace btr::pool {

std::vector<PayoutOutput> solo_payouts(int64_t value, const std::vector<uint8_t>& miner_script,
                                       const FeeSettings& fee) {
  std::vector<PayoutOutput> out;
  int64_t fee_amount = 0;
  if (!fee.script.empty() && fee.percent > 0) {
    // Basis points in integers so the rounding is exact and documented: down.
    const auto bp = static_cast<int64_t>(fee.percent * 100.0 + 0.5);
    // floor(value * bp / 10000) without overflow for any int64 value >= 0.
    fee_amount = value / 10000 * bp + (value % 10000) * bp / 10000;
  }
  out.push_back(PayoutOutput{miner_script, value - fee_amount});
  if (fee_amount > 0) out.push_back(PayoutOutput{fee.script, fee_amount});
  return out;
}

WorkManager::WorkManager(std::string pool_tag, FeeSettings fee, unsigned templates_kept)
    : pool_tag_(std::move(pool_tag)), fee_(std::move(fee)), templates_kept_(templates_kept) {}

WorkManager::Update WorkManager::on_template(std::shared_ptr<const BlockTemplate> tmpl) {
  Update up;
  const bool new_tip = current_ == nullptr || current_->prev_block != tmpl->prev_block;
  if (!new_tip && current_->longpollid == tmpl->longpollid && !tmpl->longpollid.empty() &&
      current_->transactions.size() == tmpl->transactions.size() &&
      current_->curtime == tmpl->curtime) {
    return up;  // the same template again (long poll and poll raced)
  }
  if (new_tip) {
    jobs_.new_tip();
    job_ids_by_template_.clear();
  } else {
    while (job_ids_by_template_.size() >= templates_kept_) {
      for (const std::string& id : job_ids_by_template_.front()) jobs_.remove(id);
      job_ids_by_template_.pop_front();
    }
  }
  job_ids_by_template_.emplace_back();
  current_ = std::move(tmpl);
  current_is_new_tip_ = new_tip;
  by_payout_.clear();
  ++serial_;
  up.new_tip = new_tip;
  up.changed = true;
  return up;
}

namespace {

std::string payout_key(const PayoutSet& payout) {
  // PPLNS jobs do not depend on the miner: one key per extranonce2 size.
  if (payout.scheme == payout::Scheme::kPplns)
    return std::string("pplns/") + static_cast<char>(payout.extranonce2_size);
  std::string key(payout.miner_script.begin(), payout.miner_script.end());
  key.push_back(static_cast<char>(payout.extranonce2_size));
  return key;
}

}  // namespace

void WorkManager::renew_job(const PayoutSet& payout) {
  by_payout_.erase(payout_key(payout));
  // The shared PPLNS job of that size too: a renewed session must get a job
  // id it never had (the old one stays valid for everybody else).
  by_payout_.erase(payout_key(PayoutSet({}, payout.extranonce2_size, payout::Scheme::kPplns)));
}

const JobLines* WorkManager::job_for(const PayoutSet& payout) {
  if (current_ == nullptr) return nullptr;
  std::string key = payout_key(payout);
  if (auto it = by_payout_.find(key); it != by_payout_.end()) return &it->second;

  std::optional<PlannedPayout> planned;
  if (planner_) {
    planned = planner_(payout, *current_);
    if (!planned) return nullptr;
  } else {
    planned =
        PlannedPayout{nullptr, solo_payouts(current_->coinbase_value, payout.miner_script, fee_)};
  }
  const std::vector<PayoutOutput>& outputs = planned->outputs;
  JobOptions opts;
  opts.pool_tag = pool_tag_;
  opts.extranonce2_size = payout.extranonce2_size;
  char id[24];
  std::snprintf(id, sizeof id, "%llx", static_cast<unsigned long long>(next_job_id_++));
  auto built = build_job(current_, outputs, opts, id, current_is_new_tip_);
  if (!built.ok()) {
    std::fprintf(stderr, "pool: cannot build job: %s\n", built.error().c_str());
    return nullptr;
  }
  auto job = std::make_shared<Job>(std::move(built).value());
  job->plan = std::move(planned->plan);
  JobLines lines;
  stratum::Notify n = job->notify;
  n.clean_jobs = true;
  lines.notify_clean = std::make_shared<const std::string>(stratum::encode_notify(n));
  n.clean_jobs = false;
  lines.notify_update = std::make_shared<const std::string>(stratum::encode_notify(n));
  lines.job = job;
  jobs_.add(job);
  job_ids_by_template_.back().push_back(job->notify.job_id);
  return &by_payout_.emplace(std::move(key), std::move(lines)).first->second;
}

}  // namespace btr::pool
