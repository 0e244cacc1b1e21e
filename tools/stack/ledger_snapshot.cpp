#include "tools/stack/ledger_snapshot.h"

#include <algorithm>

#include "tools/stack/http_fetch.h"

namespace btr::tools::stack {
namespace {

constexpr int kBlockLimit = 1000;  // the most /api/blocks lists

core::Status read_block_payouts(uint16_t port, LedgerBlock& b) {
  auto j = http_get_json("127.0.0.1", port, "/api/block/" + b.hash);
  if (!j) return core::fail(j.error());
  const auto& payouts = (*j).value("payouts", nlohmann::json::array());
  bool all_reversed = !payouts.empty();
  for (const auto& p : payouts) {
    const int64_t output = p.value("output", int64_t{0});
    if (output != 0) b.payouts[p.value("address", "")] += output;
    all_reversed = all_reversed && p.value("reversed", false);
  }
  b.credits_reversed = all_reversed;
  return core::Status::success();
}

}  // namespace

core::Result<LedgerSnapshot> read_ledger_api(uint16_t api_port,
                                             const std::vector<std::string>& addresses) {
  LedgerSnapshot snap;
  auto list =
      http_get_json("127.0.0.1", api_port, "/api/blocks?limit=" + std::to_string(kBlockLimit));
  if (!list) return core::fail("pool API: " + list.error());
  if (!list->is_array()) return core::fail("pool API: /api/blocks is not a list");
  snap.truncated = list->size() >= static_cast<size_t>(kBlockLimit);
  try {
    for (const auto& row : *list) {
      LedgerBlock b;
      b.height = row.at("height").get<int64_t>();
      b.hash = row.at("hash").get<std::string>();
      b.status = row.at("status").get<std::string>();
      b.address = row.value("address", "");
      b.worker = row.value("worker", "");
      b.reason = row.value("submit_result", "");
      if (auto st = read_block_payouts(api_port, b); !st)
        return core::fail("pool API: " + st.error());
      snap.blocks.push_back(std::move(b));
    }
    std::reverse(snap.blocks.begin(), snap.blocks.end());  // the API lists the newest first
    for (const std::string& address : addresses) {
      auto a = http_get_json("127.0.0.1", api_port, "/api/address/" + address);
      if (!a) continue;  // 404: no shares from this address yet
      snap.balances[address] = a->value("balance", int64_t{0});
      for (const auto& w : a->value("workers", nlohmann::json::array())) {
        const std::string worker = w.at("worker").get<std::string>();
        snap.accepted_shares[worker] = w.value("shares_accepted", uint64_t{0});
        snap.rejected_shares[worker] = w.value("shares_rejected", uint64_t{0});
      }
    }
  } catch (const nlohmann::json::exception& e) {
    return core::fail(std::string("pool API: unexpected reply: ") + e.what());
  }
  return snap;
}

}  // namespace btr::tools::stack
