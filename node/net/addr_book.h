#pragma once
// Addresses of peers heard of (addr messages, --addnode, peers that
// connected), persisted as JSON in DATADIR/peers.json. Outbound connections
// pick from it at random, skipping addresses tried recently; it is bounded
// (the stalest entries go first) so addr floods cannot grow it.

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "node/net/messages.h"
#include "node/subnet.h"

namespace btr::node::net {

struct AddrInfo {
  IpAddress ip;
  uint16_t port = 0;
  uint64_t services = 0;
  int64_t time = 0;  // last heard of
  int64_t last_try = 0;
  int attempts = 0;

  std::string key() const;
};

inline constexpr size_t kMaxAddrBookSize = 10'000;

IpAddress ip_of(const NetAddress& a);
NetAddress net_address_of(const IpAddress& ip, uint16_t port, uint64_t services, uint32_t time);

class AddrBook {
 public:
  explicit AddrBook(std::filesystem::path file) : file_(std::move(file)) {}
  void load();
  void save() const;
  // True when the address was not known before.
  bool add(const IpAddress& ip, uint16_t port, uint64_t services, int64_t time);
  void mark_try(const std::string& key, int64_t now);
  void mark_good(const std::string& key, int64_t now);
  // A random address not in `exclude`, not tried in the last minute (longer
  // after repeated failures).
  std::optional<AddrInfo> select(std::mt19937_64& rng, const std::set<std::string>& exclude,
                                 int64_t now) const;
  // Up to n addresses at random, for a getaddr answer.
  std::vector<AddrInfo> sample(std::mt19937_64& rng, size_t n) const;
  size_t size() const { return addrs_.size(); }

 private:
  void evict_stalest();

  std::filesystem::path file_;
  std::map<std::string, AddrInfo> addrs_;
};

}  // namespace btr::node::net
