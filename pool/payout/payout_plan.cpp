#include "pool/payout/payout_plan.h"

#include <algorithm>
#include <cmath>
#include <set>

namespace btr::pool::payout {
namespace {

// Due of one address in a PPLNS coinbase.
struct Due {
  std::string address;
  int64_t earned = 0;
  int64_t balance = 0;
  int64_t total() const { return earned + balance; }
};

bool larger_due_first(const Due& a, const Due& b) {
  if (a.total() != b.total()) return a.total() > b.total();
  return a.address < b.address;
}

std::vector<Due> collect_dues(const std::map<std::string, int64_t>& earned,
                              const std::map<std::string, int64_t>& balances) {
  std::vector<Due> dues;
  for (const auto& [address, e] : earned) {
    const auto it = balances.find(address);
    dues.push_back({address, e, it == balances.end() ? 0 : it->second});
  }
  // Addresses that left the window but are owed something still get paid.
  for (const auto& [address, b] : balances) {
    if (b > 0 && earned.count(address) == 0) dues.push_back({address, 0, b});
  }
  std::sort(dues.begin(), dues.end(), larger_due_first);
  return dues;
}

}  // namespace

const char* scheme_name(Scheme s) {
  return s == Scheme::kPplns ? "pplns" : "solo";
}

bool parse_scheme(const std::string& text, Scheme& out) {
  if (text == "solo") {
    out = Scheme::kSolo;
  } else if (text == "pplns") {
    out = Scheme::kPplns;
  } else {
    return false;
  }
  return true;
}

int64_t fee_amount(int64_t value, double fee_percent) {
  if (!(fee_percent > 0) || value <= 0) return 0;
  const auto bp = std::min<int64_t>(10000, std::llround(fee_percent * 100.0));
  // floor(value * bp / 10000) without overflow for any value >= 0.
  return value / 10000 * bp + (value % 10000) * bp / 10000;
}

std::map<std::string, int64_t> split_proportional(int64_t amount,
                                                  const std::map<std::string, double>& weights) {
  std::map<std::string, int64_t> out;
  long double total = 0;
  for (const auto& [a, w] : weights) {
    if (w > 0) total += static_cast<long double>(w);
  }
  if (!(total > 0) || amount <= 0) return out;
  struct Part {
    std::string address;
    long double fraction;
  };
  std::vector<Part> parts;
  int64_t given = 0;
  for (const auto& [a, w] : weights) {
    if (!(w > 0)) continue;
    const long double exact =
        static_cast<long double>(amount) * static_cast<long double>(w) / total;
    auto whole = static_cast<int64_t>(std::floor(exact));
    whole = std::clamp<int64_t>(whole, 0, amount - given);  // guards rounding at the last ulp
    out[a] = whole;
    given += whole;
    parts.push_back({a, exact - static_cast<long double>(whole)});
  }
  // Largest fractional parts first; ties by address (parts are in address order).
  std::stable_sort(parts.begin(), parts.end(),
                   [](const Part& x, const Part& y) { return x.fraction > y.fraction; });
  for (size_t i = 0; given < amount; i = (i + 1) % parts.size()) {
    ++out[parts[i].address];
    ++given;
  }
  return out;
}

PayoutPlan solo_plan(int64_t value, const std::string& finder, const FeeRule& fee) {
  PayoutPlan plan;
  plan.scheme = Scheme::kSolo;
  plan.value = value;
  plan.operator_address = fee.operator_address;
  plan.fee = fee.operator_address.empty() ? 0 : fee_amount(value, fee.fee_percent);
  PlanEntry e;
  e.address = finder;
  e.earned = value - plan.fee;
  e.output = e.earned;
  plan.entries.push_back(e);
  plan.operator_output = plan.fee;
  return plan;
}

PayoutPlan pplns_plan(int64_t value, const std::map<std::string, double>& weights,
                      const std::map<std::string, int64_t>& balances, const FeeRule& fee,
                      const PplnsRules& rules) {
  PayoutPlan plan;
  plan.scheme = Scheme::kPplns;
  plan.value = value;
  plan.operator_address = fee.operator_address;
  plan.fee = fee_amount(value, fee.fee_percent);
  const std::map<std::string, int64_t> earned = split_proportional(value - plan.fee, weights);
  const std::vector<Due> dues = collect_dues(earned, balances);

  // Pass 1: who gets an output by due (largest first, bounded count and size).
  std::vector<bool> selected(dues.size(), false);
  size_t count = 0;
  for (size_t i = 0; i < dues.size() && count < rules.max_outputs; ++i) {
    if (dues[i].total() >= std::max<int64_t>(1, rules.min_output)) {
      selected[i] = true;
      ++count;
    }
  }
  // What the operator output holds before positive balances are paid back:
  // the value less every selected earning (a debt recovered stays with it).
  int64_t operator_budget = value;
  for (size_t i = 0; i < dues.size(); ++i) {
    if (selected[i]) operator_budget -= dues[i].earned + std::min<int64_t>(0, dues[i].balance);
  }
  // Pass 2: settle positive balances as far as the budget allows, in order.
  for (size_t i = 0; i < dues.size(); ++i) {
    const Due& d = dues[i];
    PlanEntry e;
    e.address = d.address;
    e.earned = d.earned;
    if (selected[i]) {
      const int64_t paid_back = d.balance > 0 ? std::min(d.balance, operator_budget) : d.balance;
      if (d.earned + paid_back >= std::max<int64_t>(1, rules.min_output)) {
        if (paid_back > 0) operator_budget -= paid_back;
        e.balance_paid = paid_back;
        e.output = d.earned + paid_back;
      } else {
        selected[i] = false;
        if (d.balance < 0) operator_budget += d.balance;  // the debt stays
        operator_budget += d.earned;
      }
    }
    if (!selected[i]) e.carried = d.earned;
    if (e.earned != 0 || e.output != 0 || e.balance_paid != 0) plan.entries.push_back(e);
  }
  int64_t paid = 0;
  for (const PlanEntry& e : plan.entries) paid += e.output;
  plan.operator_output = value - paid;
  return plan;
}

std::vector<std::pair<std::string, int64_t>> PayoutPlan::outputs() const {
  std::vector<std::pair<std::string, int64_t>> out;
  for (const PlanEntry& e : entries) {
    if (e.output > 0) out.emplace_back(e.address, e.output);
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (operator_output > 0) out.emplace_back(operator_address, operator_output);
  return out;
}

std::map<std::string, int64_t> PayoutPlan::balance_changes() const {
  std::map<std::string, int64_t> out;
  for (const PlanEntry& e : entries) {
    const int64_t delta = e.carried - e.balance_paid;
    if (delta != 0) out[e.address] += delta;
  }
  return out;
}

std::string check_plan(const PayoutPlan& plan) {
  int64_t sum = plan.operator_output;
  if (plan.operator_output < 0) return "negative operator output";
  if (plan.operator_output > 0 && plan.operator_address.empty())
    return "operator output without an operator address";
  std::set<std::string> seen;
  for (const PlanEntry& e : plan.entries) {
    if (!seen.insert(e.address).second) return "address listed twice: " + e.address;
    if (e.output < 0 || e.earned < 0) return "negative amount for " + e.address;
    if (e.output != 0 && e.output != e.earned + e.balance_paid)
      return "output != earned + balance paid for " + e.address;
    if (e.output != 0 && e.carried != 0) return "paid and carried at once: " + e.address;
    if (e.output == 0 && (e.carried != e.earned || e.balance_paid != 0))
      return "unpaid earning not carried: " + e.address;
    sum += e.output;
  }
  if (sum != plan.value) return "outputs do not sum to the coinbase value";
  return {};
}

}  // namespace btr::pool::payout
