#include "node/net/addr_book.h"

#include <algorithm>
#include "node/net/json_file.h"

namespace btr::node::net {

std::string AddrInfo::key() const {
  const std::string host = ip.v6 ? "[" + ip.to_string() + "]" : ip.to_string();
  return host + ":" + std::to_string(port);
}

IpAddress ip_of(const NetAddress& a) {
  IpAddress ip;
  if (a.is_ipv4()) {
    std::copy(a.ip.begin() + 12, a.ip.end(), ip.bytes.begin());
  } else {
    ip.v6 = true;
    ip.bytes = a.ip;
  }
  return ip;
}

NetAddress net_address_of(const IpAddress& ip, uint16_t port, uint64_t services, uint32_t time) {
  NetAddress a;
  if (ip.v6) {
    a.ip = ip.bytes;
  } else {
    a = NetAddress::from_ipv4(static_cast<uint32_t>(ip.bytes[0]) << 24 |
                                  static_cast<uint32_t>(ip.bytes[1]) << 16 |
                                  static_cast<uint32_t>(ip.bytes[2]) << 8 | ip.bytes[3],
                              port, services);
  }
  a.port = port;
  a.services = services;
  a.time = time;
  return a;
}

void AddrBook::load() {
  for (const auto& e : read_json_array(file_)) {
    if (!e.is_object() || !e.contains("ip") || !e["ip"].is_string()) continue;
    auto ip = IpAddress::parse(e["ip"].get<std::string>());
    if (!ip) continue;
    AddrInfo a;
    a.ip = *ip;
    a.port = e.value("port", uint16_t{0});
    a.services = e.value("services", uint64_t{0});
    a.time = e.value("time", int64_t{0});
    if (a.port == 0 || addrs_.size() >= kMaxAddrBookSize) continue;
    addrs_[a.key()] = a;
  }
}

void AddrBook::save() const {
  nlohmann::json doc = nlohmann::json::array();
  for (const auto& [k, a] : addrs_) {
    doc.push_back(
        {{"ip", a.ip.to_string()}, {"port", a.port}, {"services", a.services}, {"time", a.time}});
  }
  write_json_atomic(file_, doc);
}

void AddrBook::evict_stalest() {
  auto stalest = std::min_element(addrs_.begin(), addrs_.end(), [](const auto& a, const auto& b) {
    return a.second.time < b.second.time;
  });
  if (stalest != addrs_.end()) addrs_.erase(stalest);
}

bool AddrBook::add(const IpAddress& ip, uint16_t port, uint64_t services, int64_t time) {
  if (port == 0) return false;
  AddrInfo a;
  a.ip = ip;
  a.port = port;
  const std::string k = a.key();
  auto it = addrs_.find(k);
  if (it != addrs_.end()) {
    it->second.time = std::max(it->second.time, time);
    it->second.services |= services;
    return false;
  }
  if (addrs_.size() >= kMaxAddrBookSize) evict_stalest();
  a.services = services;
  a.time = time;
  addrs_.emplace(k, a);
  return true;
}

void AddrBook::mark_try(const std::string& key, int64_t now) {
  auto it = addrs_.find(key);
  if (it == addrs_.end()) return;
  it->second.last_try = now;
  ++it->second.attempts;
}

void AddrBook::mark_good(const std::string& key, int64_t now) {
  auto it = addrs_.find(key);
  if (it == addrs_.end()) return;
  it->second.attempts = 0;
  it->second.time = now;
}

std::optional<AddrInfo> AddrBook::select(std::mt19937_64& rng, const std::set<std::string>& exclude,
                                         int64_t now) const {
  std::vector<const AddrInfo*> ok;
  for (const auto& [k, a] : addrs_) {
    const int64_t backoff = 60LL << std::min(a.attempts, 10);
    if (exclude.count(k) == 0 && now - a.last_try >= (a.attempts == 0 ? 60 : backoff)) {
      ok.push_back(&a);
    }
  }
  if (ok.empty()) return std::nullopt;
  return *ok[std::uniform_int_distribution<size_t>(0, ok.size() - 1)(rng)];
}

std::vector<AddrInfo> AddrBook::sample(std::mt19937_64& rng, size_t n) const {
  std::vector<AddrInfo> all;
  all.reserve(addrs_.size());
  for (const auto& [k, a] : addrs_) all.push_back(a);
  std::shuffle(all.begin(), all.end(), rng);
  if (all.size() > n) all.resize(n);
  return all;
}

}  // namespace btr::node::net
