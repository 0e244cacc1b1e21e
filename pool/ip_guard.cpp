#include "pool/ip_guard.h"

namespace btr::pool {

bool IpGuard::admit(const std::string& ip, int64_t now_ms) {
  if (banned(ip, now_ms)) return false;
  int& n = counts_[ip];
  if (n >= max_per_ip_) return false;
  ++n;
  return true;
}

void IpGuard::release(const std::string& ip) {
  const auto it = counts_.find(ip);
  if (it == counts_.end()) return;
  if (--it->second <= 0) counts_.erase(it);
}

void IpGuard::ban(const std::string& ip, int64_t until_ms) {
  int64_t& until = bans_[ip];
  if (until < until_ms) until = until_ms;
}

bool IpGuard::banned(const std::string& ip, int64_t now_ms) const {
  const auto it = bans_.find(ip);
  return it != bans_.end() && it->second > now_ms;
}

int IpGuard::connections(const std::string& ip) const {
  const auto it = counts_.find(ip);
  return it == counts_.end() ? 0 : it->second;
}

void IpGuard::sweep(int64_t now_ms) {
  for (auto it = bans_.begin(); it != bans_.end();) {
    it = it->second <= now_ms ? bans_.erase(it) : std::next(it);
  }
}

}  // namespace btr::pool
