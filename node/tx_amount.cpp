#include "node/tx_amount.h"

#include <string>

namespace btr::node {

core::Result<core::Amount> parse_coin_amount(std::string_view text) {
  if (!text.empty() && text.front() == '-') return core::fail("Amount out of range");
  const size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view frac = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  const auto digits = [](std::string_view s) {
    return s.find_first_not_of("0123456789") == std::string_view::npos;
  };
  if (whole.empty() || whole.size() > 10 || frac.size() > 8 || !digits(whole) || !digits(frac)) {
    return core::fail("Invalid amount");
  }
  std::string units(frac);
  units.resize(8, '0');
  const core::Amount value = std::stoll(std::string(whole)) * core::kCoin + std::stoll(units);
  if (!core::money_range(value)) return core::fail("Amount out of range");
  return value;
}

}  // namespace btr::node
