#pragma once
// Per-IP connection counting and temporary bans (after a flood of invalid
// shares or garbage). Time is passed in; single-threaded (the event loop).

#include <cstdint>
#include <string>
#include <unordered_map>

namespace btr::pool {

class IpGuard {
 public:
  explicit IpGuard(int max_per_ip) : max_per_ip_(max_per_ip) {}

  // Counts a new connection from ip; false (and nothing counted) when the IP
  // is banned or already has max_per_ip connections.
  bool admit(const std::string& ip, int64_t now_ms);
  void release(const std::string& ip);
  void ban(const std::string& ip, int64_t until_ms);
  bool banned(const std::string& ip, int64_t now_ms) const;
  int connections(const std::string& ip) const;
  // Forgets expired bans.
  void sweep(int64_t now_ms);

 private:
  int max_per_ip_;
  std::unordered_map<std::string, int> counts_;
  std::unordered_map<std::string, int64_t> bans_;
};

}  // namespace btr::pool
