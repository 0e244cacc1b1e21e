#pragma once
// Banned addresses and subnets with their expiry, persisted as JSON in
// DATADIR/banlist.json so that a ban survives a restart (setban, and the
// automatic 24-hour ban of a misbehaving peer).

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>

#include "node/subnet.h"

namespace btr::node::net {

struct BanEntry {
  Subnet subnet;
  int64_t created = 0;
  int64_t until = 0;
};

class BanList {
 public:
  explicit BanList(std::filesystem::path file) : file_(std::move(file)) {}
  // Reads the file if present; unreadable entries are skipped.
  void load(int64_t now);
  // Canonical "ip/prefix" text of a subnet ("127.0.0.1/32").
  static std::string key(const Subnet& net);
  void ban(const Subnet& net, int64_t now, int64_t until);
  bool unban(const Subnet& net);
  void clear();
  bool is_banned(const IpAddress& ip, int64_t now) const;
  // Drops expired bans and returns the rest, by key.
  const std::map<std::string, BanEntry>& entries(int64_t now);

 private:
  void save() const;

  std::filesystem::path file_;
  std::map<std::string, BanEntry> bans_;
};

}  // namespace btr::node::net
