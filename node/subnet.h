#pragma once
// IP subnets for --rpcallowip: "1.2.3.4", "1.2.3.0/24", "1.2.3.0/255.255.255.0",
// "::1", "fe80::/10". Matching compares the peer address of an accepted socket.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

struct sockaddr;

namespace btr::node {

struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // v4 uses the first 4

  static core::Result<IpAddress> parse(std::string_view text);
  static core::Result<IpAddress> from_sockaddr(const sockaddr* sa);
  std::string to_string() const;
  bool is_loopback() const;
};

struct Subnet {
  IpAddress base;
  unsigned prefix_bits = 0;

  static core::Result<Subnet> parse(std::string_view text);
  bool contains(const IpAddress& ip) const;
};

}  // namespace btr::node
