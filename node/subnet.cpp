#include "node/subnet.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <charconv>
#include <cstring>

namespace btr::node {

core::Result<IpAddress> IpAddress::parse(std::string_view text) {
  const std::string s(text);
  IpAddress ip;
  if (inet_pton(AF_INET, s.c_str(), ip.bytes.data()) == 1) return ip;
  if (inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) == 1) {
    ip.v6 = true;
    return ip;
  }
  return core::fail("invalid IP address: " + s);
}

core::Result<IpAddress> IpAddress::from_sockaddr(const sockaddr* sa) {
  IpAddress ip;
  if (sa->sa_family == AF_INET) {
    sockaddr_in in{};
    std::memcpy(&in, sa, sizeof in);
    std::memcpy(ip.bytes.data(), &in.sin_addr, 4);
    return ip;
  }
  if (sa->sa_family == AF_INET6) {
    sockaddr_in6 in6{};
    std::memcpy(&in6, sa, sizeof in6);
    std::memcpy(ip.bytes.data(), &in6.sin6_addr, 16);
    // IPv4-mapped (::ffff:a.b.c.d) is treated as the IPv4 address.
    static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(ip.bytes.data(), kMapped, 12) == 0) {
      std::memmove(ip.bytes.data(), ip.bytes.data() + 12, 4);
      std::memset(ip.bytes.data() + 4, 0, 12);
      return ip;
    }
    ip.v6 = true;
    return ip;
  }
  return core::fail("unsupported address family");
}

std::string IpAddress::to_string() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof buf);
  return buf;
}

bool IpAddress::is_loopback() const {
  if (!v6) return bytes[0] == 127;
  for (size_t i = 0; i < 15; ++i) {
    if (bytes[i] != 0) return false;
  }
  return bytes[15] == 1;
}

core::Result<Subnet> Subnet::parse(std::string_view text) {
  const size_t slash = text.find('/');
  auto base = IpAddress::parse(text.substr(0, slash));
  if (!base) return core::fail(base.error());
  Subnet net{*base, base->v6 ? 128u : 32u};
  if (slash == std::string_view::npos) return net;
  const std::string_view mask = text.substr(slash + 1);
  unsigned bits = 0;
  const auto res = std::from_chars(mask.data(), mask.data() + mask.size(), bits);
  if (res.ec == std::errc() && res.ptr == mask.data() + mask.size()) {
    if (bits > net.prefix_bits) return core::fail("invalid prefix length: " + std::string(text));
    net.prefix_bits = bits;
    return net;
  }
  // Dotted netmask: must be contiguous ones.
  auto m = IpAddress::parse(mask);
  if (!m || m->v6 != base->v6) return core::fail("invalid netmask: " + std::string(text));
  unsigned ones = 0;
  bool seen_zero = false;
  for (size_t i = 0; i < (m->v6 ? 16u : 4u); ++i) {
    for (int b = 7; b >= 0; --b) {
      const bool one = (m->bytes[i] >> b) & 1;
      if (one && seen_zero) return core::fail("non-contiguous netmask: " + std::string(text));
      if (one)
        ++ones;
      else
        seen_zero = true;
    }
  }
  net.prefix_bits = ones;
  return net;
}

bool Subnet::contains(const IpAddress& ip) const {
  if (ip.v6 != base.v6) return false;
  unsigned left = prefix_bits;
  for (size_t i = 0; left > 0; ++i) {
    const unsigned take = left >= 8 ? 8 : left;
    const auto mask = static_cast<uint8_t>(0xff00u >> take);
    if ((ip.bytes[i] & mask) != (base.bytes[i] & mask)) return false;
    left -= take;
  }
  return true;
}

}  // namespace btr::node
