#include "node/net/ban_list.h"

#include "node/net/json_file.h"

namespace btr::node::net {

std::string BanList::key(const Subnet& net) {
  return net.base.to_string() + "/" + std::to_string(net.prefix_bits);
}

void BanList::load(int64_t now) {
  for (const auto& e : read_json_array(file_)) {
    if (!e.is_object() || !e.contains("address") || !e["address"].is_string()) continue;
    auto net = Subnet::parse(e["address"].get<std::string>());
    const int64_t created = e.value("ban_created", int64_t{0});
    const int64_t until = e.value("banned_until", int64_t{0});
    if (!net || until <= now) continue;
    bans_[key(*net)] = {*net, created, until};
  }
}

void BanList::save() const {
  nlohmann::json doc = nlohmann::json::array();
  for (const auto& [k, b] : bans_) {
    doc.push_back({{"address", k}, {"ban_created", b.created}, {"banned_until", b.until}});
  }
  write_json_atomic(file_, doc);
}

void BanList::ban(const Subnet& net, int64_t now, int64_t until) {
  bans_[key(net)] = {net, now, until};
  save();
}

bool BanList::unban(const Subnet& net) {
  const bool removed = bans_.erase(key(net)) != 0;
  if (removed) save();
  return removed;
}

void BanList::clear() {
  bans_.clear();
  save();
}

bool BanList::is_banned(const IpAddress& ip, int64_t now) const {
  for (const auto& [k, b] : bans_) {
    if (b.until > now && b.subnet.contains(ip)) return true;
  }
  return false;
}

const std::map<std::string, BanEntry>& BanList::entries(int64_t now) {
  bool changed = false;
  for (auto it = bans_.begin(); it != bans_.end();) {
    if (it->second.until <= now) {
      it = bans_.erase(it);
      changed = true;
    } else {
      ++it;
    }
  }
  if (changed) save();
  return bans_;
}

}  // namespace btr::node::net
