#pragma once
// Payout schemes: who a block's coinbase pays, in integer base units. Pure
// logic (no I/O); the job builder turns a plan into coinbase outputs and the
// ledger records the plan of the job a found block came from.
//
// Rounding rule (both schemes), for a coinbase value R (subsidy + fees):
//  1. fee = floor(R * fee_bp / 10000), fee_bp = round(fee_percent * 100)
//     (basis points); the operator gets it. M = R - fee goes to miners.
//  2. PPLNS: each address a with weight w_a (its difficulty in the window,
//     W the total) earns e_a = floor(M * w_a / W); the M - sum(e_a) units
//     left (fewer than the number of addresses) go one each to the largest
//     fractional parts, ties by address text. So sum(e_a) == M exactly and
//     every e_a < M * w_a / W + 1.
//  3. PPLNS: an address's due is e_a plus its carried balance. Dues are
//     considered largest first (ties by address); at most max_outputs get an
//     output, each at least min_output. A due not paid is carried: its e_a
//     joins the address's balance, and the operator output holds the units
//     meanwhile (the operator pays them back later from its own output, as
//     a balance paid above e_a). A positive balance is paid only as far as
//     the operator's output can cover it; the rest stays carried.
//  4. The operator output is R minus every miner output (never negative),
//     omitted when 0. Outputs always sum to exactly R.
// SOLO: the finder earns M, the operator gets the fee; no balances.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace btr::pool::payout {

enum class Scheme { kSolo, kPplns };
const char* scheme_name(Scheme s);
bool parse_scheme(const std::string& text, Scheme& out);

struct PlanEntry {
  std::string address;
  int64_t earned = 0;        // e_a: this block's share of M
  int64_t balance_paid = 0;  // carried balance settled in this coinbase (< 0: debt recovered)
  int64_t output = 0;        // coinbase output (0: nothing paid, all carried)
  int64_t carried = 0;       // added to the address's balance if the block is found
  bool operator==(const PlanEntry&) const = default;
};

struct PayoutPlan {
  Scheme scheme = Scheme::kSolo;
  int64_t value = 0;  // R
  int64_t fee = 0;
  std::string operator_address;  // "" when there is no operator output
  int64_t operator_output = 0;   // R - sum(entries.output)
  std::vector<PlanEntry> entries;

  // Coinbase outputs, miner outputs largest first, then the operator's:
  // (address, amount), zero amounts left out.
  std::vector<std::pair<std::string, int64_t>> outputs() const;
  // Net balance change per address when the block counts (carried - balance_paid).
  std::map<std::string, int64_t> balance_changes() const;
};

struct FeeRule {
  std::string operator_address;  // required for a fee or for PPLNS carries
  double fee_percent = 0;
};

struct PplnsRules {
  int64_t min_output = 0;   // smaller dues are carried
  size_t max_outputs = 20;  // miner outputs per coinbase, largest first
};

int64_t fee_amount(int64_t value, double fee_percent);

// Splits `amount` in proportion to the weights (rule 2); weights > 0.
std::map<std::string, int64_t> split_proportional(int64_t amount,
                                                  const std::map<std::string, double>& weights);

PayoutPlan solo_plan(int64_t value, const std::string& finder, const FeeRule& fee);

// weights: difficulty per address in the PPLNS window (empty: the whole
// value goes to the operator). balances: carried balance per address.
PayoutPlan pplns_plan(int64_t value, const std::map<std::string, double>& weights,
                      const std::map<std::string, int64_t>& balances, const FeeRule& fee,
                      const PplnsRules& rules);

// Checks a plan's arithmetic (sums, signs); "" when consistent.
std::string check_plan(const PayoutPlan& plan);

}  // namespace btr::pool::payout
