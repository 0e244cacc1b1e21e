// StackApp's final summary: what the run found, the shares the ledger holds,
// what the pool's blocks paid each address, and the ledger-against-chain
// check; on the terminal and, with --summary-json, as JSON.
#include <cstdio>
#include <fstream>

#include <nlohmann/json.hpp>

#include "tools/stack/stack_app.h"

namespace btr::tools::stack {

void StackApp::print_summary() {
  nlohmann::json j;
  j["reason"] = stop_reason_;
  j["start_height"] = start_height_;
  j["tip_height"] = last_height_;
  j["new_blocks"] = start_height_ >= 0 ? last_height_ - start_height_ : 0;
  if (start_height_ < 0) {
    std::printf("\nsummary (%s): the node never answered, see %s\n", stop_reason_.c_str(),
                (opt_.datadir / "logs" / "node.log").c_str());
  } else {
    std::printf("\nsummary (%s): height %lld -> %lld, %lld new blocks in %.0f s\n",
                stop_reason_.c_str(), static_cast<long long>(start_height_),
                static_cast<long long>(last_height_),
                static_cast<long long>(j["new_blocks"].get<int64_t>()), elapsed_s());
  }
  nlohmann::json restarts = nlohmann::json::object();
  for (const auto& s : slots_) restarts[s->name] = s->restarts;
  j["restarts"] = restarts;
  j["unclean_stops"] = unclean_stops_;
  for (const std::string& u : unclean_stops_)
    std::printf("  did not stop cleanly: %s\n", u.c_str());

  nlohmann::json miners = nlohmann::json::object();
  for (const StackWorker& w : workers_) {
    const MinerReport& m = miners_[w.name];
    miners[w.name] = {{"address", w.key.address},
                      {"accepted", m.accepted},
                      {"rejected", m.rejected},
                      {"stale", m.stale},
                      {"found_blocks", m.found_blocks}};
    std::printf(
        "  miner %s (%s): shares accepted %llu, rejected %llu, stale %llu, blocks found %zu\n",
        w.name.c_str(), w.key.address.c_str(), static_cast<unsigned long long>(m.accepted),
        static_cast<unsigned long long>(m.rejected), static_cast<unsigned long long>(m.stale),
        m.found_blocks.size());
  }
  j["miners"] = miners;

  if (ledger_) {
    nlohmann::json blocks = nlohmann::json::array();
    for (const LedgerBlock& b : ledger_->blocks) {
      blocks.push_back({{"height", b.height},
                        {"hash", b.hash},
                        {"status", b.status},
                        {"worker", b.worker},
                        {"reason", b.reason},
                        {"payouts", b.payouts},
                        {"credits_reversed", b.credits_reversed}});
    }
    j["ledger"] = {{"blocks", blocks},
                   {"accepted_shares", ledger_->accepted_shares},
                   {"rejected_shares", ledger_->rejected_shares},
                   {"balances", ledger_->balances}};
    std::printf("  pool ledger: %zu blocks recorded\n", ledger_->blocks.size());
    for (const auto& [worker, n] : ledger_->accepted_shares) {
      std::printf("    %s: %llu shares accepted, %llu rejected\n", worker.c_str(),
                  static_cast<unsigned long long>(n),
                  static_cast<unsigned long long>(ledger_->rejected_shares[worker]));
    }
    for (const auto& [address, units] : ledger_->balances) {
      if (units != 0) {
        std::printf("    %s: %s BTR carried to a later coinbase\n", address.c_str(),
                    format_btr(units).c_str());
      }
    }
  } else if (!ledger_error_.empty()) {
    std::printf("  pool ledger: %s\n", ledger_error_.c_str());
  }

  if (audit_) {
    std::printf(
        "  pool blocks in the node's chain: %llu, orphaned: %llu, refused by the node: %llu\n",
        static_cast<unsigned long long>(audit_->blocks_in_chain),
        static_cast<unsigned long long>(audit_->blocks_orphaned),
        static_cast<unsigned long long>(audit_->blocks_rejected));
    std::printf("  paid by the coinbases of the pool's blocks:\n");
    for (const auto& [address, units] : audit_->paid) {
      const std::string name = label(address);
      const std::string who = name.empty() ? "" : " (" + name + ")";
      std::printf("    %s%s: %s BTR\n", address.c_str(), who.c_str(), format_btr(units).c_str());
    }
    for (const std::string& m : audit_->mismatches) std::printf("  MISMATCH: %s\n", m.c_str());
    std::printf(
        "  check against the node's chain: %s\n",
        audit_->mismatches.empty() ? "OK, every coinbase pays what the ledger says" : "FAILED");
    j["audit"] = {
        {"blocks_in_chain", audit_->blocks_in_chain}, {"blocks_orphaned", audit_->blocks_orphaned},
        {"blocks_rejected", audit_->blocks_rejected}, {"paid", audit_->paid},
        {"mismatches", audit_->mismatches},           {"ok", audit_->mismatches.empty()}};
  } else {
    std::printf("  check against the node's chain: not run (node or ledger unavailable)\n");
  }
  std::fflush(stdout);
  if (!opt_.summary_json.empty()) std::ofstream(opt_.summary_json) << j.dump(2) << "\n";
}

}  // namespace btr::tools::stack
