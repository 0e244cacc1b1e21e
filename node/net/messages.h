#pragma once
// The payloads of the P2P messages btr-node speaks, as typed values, and
// their encoding and strict decoding. Pure: no I/O. Decoding refuses
// truncated input, trailing bytes, counts above each message's limit and
// anything else malformed, with a reason; it never allocates more than the
// input it was given could hold.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "core/block.h"
#include "core/result.h"
#include "core/transaction.h"

namespace btr::node::net {

struct NetAddress {
  uint32_t time = 0;  // only in addr messages
  uint64_t services = 0;
  std::array<uint8_t, 16> ip{};  // IPv6, or IPv4-mapped (::ffff:a.b.c.d)
  uint16_t port = 0;

  static NetAddress from_ipv4(uint32_t host_order_ip, uint16_t port, uint64_t services);
  bool is_ipv4() const;
  std::string ip_string() const;
  std::string to_string() const;  // "1.2.3.4:8633" or "[::1]:8633"
  bool operator==(const NetAddress&) const = default;
};

struct VersionMsg {
  int32_t version = 0;
  uint64_t services = 0;
  int64_t timestamp = 0;
  NetAddress addr_recv;
  NetAddress addr_from;
  uint64_t nonce = 0;
  std::string user_agent;
  int32_t start_height = 0;
  bool relay = true;
  bool operator==(const VersionMsg&) const = default;
};

struct VerackMsg {
  bool operator==(const VerackMsg&) const = default;
};
struct SendHeadersMsg {
  bool operator==(const SendHeadersMsg&) const = default;
};
struct GetAddrMsg {
  bool operator==(const GetAddrMsg&) const = default;
};
struct PingMsg {
  uint64_t nonce = 0;
  bool operator==(const PingMsg&) const = default;
};
struct PongMsg {
  uint64_t nonce = 0;
  bool operator==(const PongMsg&) const = default;
};

struct GetHeadersMsg {
  uint32_t version = 0;
  std::vector<core::Hash256> locator;
  core::Hash256 stop;  // zero: as many as allowed
  bool operator==(const GetHeadersMsg&) const = default;
};

struct HeadersMsg {
  std::vector<core::BlockHeader> headers;
  bool operator==(const HeadersMsg&) const = default;
};

struct InvItem {
  uint32_t type = 0;
  core::Hash256 hash;
  bool operator==(const InvItem&) const = default;
};

struct InvMsg {
  std::vector<InvItem> items;
  bool operator==(const InvMsg&) const = default;
};
struct GetDataMsg {
  std::vector<InvItem> items;
  bool operator==(const GetDataMsg&) const = default;
};
struct NotFoundMsg {
  std::vector<InvItem> items;
  bool operator==(const NotFoundMsg&) const = default;
};

struct BlockMsg {
  core::Block block;
  bool operator==(const BlockMsg&) const = default;
};
struct TxMsg {
  core::Transaction tx;
  bool operator==(const TxMsg&) const = default;
};

struct AddrMsg {
  std::vector<NetAddress> addresses;
  bool operator==(const AddrMsg&) const = default;
};

// A command btr-node does not know: ignored, as Core does.
struct UnknownMsg {
  std::string command;
  bool operator==(const UnknownMsg&) const = default;
};

using Message =
    std::variant<VersionMsg, VerackMsg, PingMsg, PongMsg, GetHeadersMsg, HeadersMsg, SendHeadersMsg,
                 InvMsg, GetDataMsg, NotFoundMsg, BlockMsg, TxMsg, GetAddrMsg, AddrMsg, UnknownMsg>;

std::string command_of(const Message& msg);
std::vector<uint8_t> encode_payload(const Message& msg);
core::Result<Message> decode_message(const std::string& command, std::span<const uint8_t> payload);

}  // namespace btr::node::net
