#include "node/net/messages.h"

#include <cstdio>
#include <type_traits>

#include "core/serialize.h"
#include "node/net/protocol.h"

namespace btr::node::net {
namespace {

using core::Reader;
using core::Writer;

constexpr std::array<uint8_t, 12> kIpv4Prefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
constexpr size_t kAddrSizeNoTime = 26;
constexpr size_t kInvItemSize = 36;

// Propagates a failed read out of the enclosing decoder.
#define NET_READ(var, expr)                         \
  auto var##_r = (expr);                            \
  if (!var##_r) return core::fail(var##_r.error()); \
  auto var = std::move(*var##_r)

void write_addr(Writer& w, const NetAddress& a, bool with_time) {
  if (with_time) w.u32(a.time);
  w.u64(a.services);
  w.bytes(a.ip);
  // The port is big-endian on the wire (network order), unlike every other integer.
  w.u8(static_cast<uint8_t>(a.port >> 8)).u8(static_cast<uint8_t>(a.port & 0xff));
}

core::Result<NetAddress> read_addr(Reader& r, bool with_time) {
  NetAddress a;
  if (with_time) {
    NET_READ(t, r.u32());
    a.time = t;
  }
  NET_READ(services, r.u64());
  NET_READ(ip, r.bytes(16));
  NET_READ(port, r.bytes(2));
  a.services = services;
  std::copy(ip.begin(), ip.end(), a.ip.begin());
  a.port = static_cast<uint16_t>(port[0] << 8 | port[1]);
  return a;
}

void write_inv(Writer& w, const std::vector<InvItem>& items) {
  w.compact_size(items.size());
  for (const InvItem& it : items) w.u32(it.type).hash(it.hash);
}

core::Result<std::vector<InvItem>> read_inv(Reader& r) {
  NET_READ(n, r.count(kInvItemSize));
  if (n > kMaxInvPerMessage) return core::fail("oversized-inv");
  std::vector<InvItem> items;
  items.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    NET_READ(type, r.u32());
    NET_READ(hash, r.hash());
    items.push_back({type, hash});
  }
  return items;
}

void write_version(Writer& w, const VersionMsg& m) {
  w.i32(m.version).u64(m.services).i64(m.timestamp);
  write_addr(w, m.addr_recv, false);
  write_addr(w, m.addr_from, false);
  w.u64(m.nonce);
  w.var_bytes({reinterpret_cast<const uint8_t*>(m.user_agent.data()), m.user_agent.size()});
  w.i32(m.start_height).u8(m.relay ? 1 : 0);
}

core::Result<Message> read_version(Reader& r) {
  VersionMsg m;
  NET_READ(version, r.i32());
  NET_READ(services, r.u64());
  NET_READ(timestamp, r.i64());
  NET_READ(recv, read_addr(r, false));
  NET_READ(from, read_addr(r, false));
  NET_READ(nonce, r.u64());
  NET_READ(agent, r.var_bytes(kMaxUserAgentLength));
  NET_READ(height, r.i32());
  m.version = version;
  m.services = services;
  m.timestamp = timestamp;
  m.addr_recv = recv;
  m.addr_from = from;
  m.nonce = nonce;
  m.user_agent.assign(agent.begin(), agent.end());
  m.start_height = height;
  // The relay flag (BIP37) is optional at the end.
  if (!r.empty()) {
    NET_READ(relay, r.u8());
    if (relay > 1) return core::fail("bad-version-relay");
    m.relay = relay == 1;
  }
  return Message(std::move(m));
}

core::Result<Message> read_getheaders(Reader& r) {
  GetHeadersMsg m;
  NET_READ(version, r.u32());
  NET_READ(n, r.count(32));
  if (n > kMaxLocatorSize) return core::fail("oversized-locator");
  m.version = version;
  m.locator.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    NET_READ(h, r.hash());
    m.locator.push_back(h);
  }
  NET_READ(stop, r.hash());
  m.stop = stop;
  return Message(std::move(m));
}

core::Result<Message> read_headers(Reader& r) {
  HeadersMsg m;
  NET_READ(n, r.count(core::kHeaderSize + 1));
  if (n > kMaxHeadersPerMessage) return core::fail("oversized-headers");
  m.headers.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    NET_READ(raw, r.bytes(core::kHeaderSize));
    NET_READ(header, core::BlockHeader::parse(raw));
    // Each header carries a transaction count that must be zero.
    NET_READ(txs, r.compact_size());
    if (txs != 0) return core::fail("bad-headers-txcount");
    m.headers.push_back(header);
  }
  return Message(std::move(m));
}

core::Result<Message> read_addr_msg(Reader& r) {
  AddrMsg m;
  NET_READ(n, r.count(kAddrSizeNoTime + 4));
  if (n > kMaxAddrPerMessage) return core::fail("oversized-addr");
  m.addresses.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    NET_READ(a, read_addr(r, true));
    m.addresses.push_back(a);
  }
  return Message(std::move(m));
}

core::Result<uint64_t> read_nonce(Reader& r) {
  return r.u64();
}

core::Result<Message> decode_body(const std::string& command, Reader& r) {
  if (command == "version") return read_version(r);
  if (command == "verack") return Message(VerackMsg{});
  if (command == "sendheaders") return Message(SendHeadersMsg{});
  if (command == "getaddr") return Message(GetAddrMsg{});
  if (command == "ping" || command == "pong") {
    NET_READ(nonce, read_nonce(r));
    return command == "ping" ? Message(PingMsg{nonce}) : Message(PongMsg{nonce});
  }
  if (command == "getheaders") return read_getheaders(r);
  if (command == "headers") return read_headers(r);
  if (command == "inv" || command == "getdata" || command == "notfound") {
    NET_READ(items, read_inv(r));
    if (command == "inv") return Message(InvMsg{std::move(items)});
    if (command == "getdata") return Message(GetDataMsg{std::move(items)});
    return Message(NotFoundMsg{std::move(items)});
  }
  if (command == "addr") return read_addr_msg(r);
  if (command == "tx") {
    NET_READ(tx, core::Transaction::read(r));
    return Message(TxMsg{std::move(tx)});
  }
  return Message(UnknownMsg{command});
}

}  // namespace

NetAddress NetAddress::from_ipv4(uint32_t host_order_ip, uint16_t port, uint64_t services) {
  NetAddress a;
  std::copy(kIpv4Prefix.begin(), kIpv4Prefix.end(), a.ip.begin());
  for (int i = 0; i < 4; ++i) a.ip[12 + i] = static_cast<uint8_t>(host_order_ip >> (24 - 8 * i));
  a.port = port;
  a.services = services;
  return a;
}

bool NetAddress::is_ipv4() const {
  return std::equal(kIpv4Prefix.begin(), kIpv4Prefix.end(), ip.begin());
}

std::string NetAddress::ip_string() const {
  char buf[64];
  if (is_ipv4()) {
    std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", ip[12], ip[13], ip[14], ip[15]);
    return buf;
  }
  std::string out;
  for (int i = 0; i < 16; i += 2) {
    std::snprintf(buf, sizeof buf, "%s%x", i == 0 ? "" : ":", ip[i] << 8 | ip[i + 1]);
    out += buf;
  }
  return out;
}

std::string NetAddress::to_string() const {
  const std::string host = is_ipv4() ? ip_string() : "[" + ip_string() + "]";
  return host + ":" + std::to_string(port);
}

std::string command_of(const Message& msg) {
  return std::visit(
      [](const auto& m) -> std::string {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, VersionMsg>) return "version";
        if constexpr (std::is_same_v<T, VerackMsg>) return "verack";
        if constexpr (std::is_same_v<T, PingMsg>) return "ping";
        if constexpr (std::is_same_v<T, PongMsg>) return "pong";
        if constexpr (std::is_same_v<T, GetHeadersMsg>) return "getheaders";
        if constexpr (std::is_same_v<T, HeadersMsg>) return "headers";
        if constexpr (std::is_same_v<T, SendHeadersMsg>) return "sendheaders";
        if constexpr (std::is_same_v<T, InvMsg>) return "inv";
        if constexpr (std::is_same_v<T, GetDataMsg>) return "getdata";
        if constexpr (std::is_same_v<T, NotFoundMsg>) return "notfound";
        if constexpr (std::is_same_v<T, BlockMsg>) return "block";
        if constexpr (std::is_same_v<T, TxMsg>) return "tx";
        if constexpr (std::is_same_v<T, GetAddrMsg>) return "getaddr";
        if constexpr (std::is_same_v<T, AddrMsg>) return "addr";
        if constexpr (std::is_same_v<T, UnknownMsg>) return m.command;
      },
      msg);
}

std::vector<uint8_t> encode_payload(const Message& msg) {
  std::vector<uint8_t> out;
  Writer w(out);
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, VersionMsg>) write_version(w, m);
        if constexpr (std::is_same_v<T, PingMsg> || std::is_same_v<T, PongMsg>) w.u64(m.nonce);
        if constexpr (std::is_same_v<T, GetHeadersMsg>) {
          w.u32(m.version).compact_size(m.locator.size());
          for (const auto& h : m.locator) w.hash(h);
          w.hash(m.stop);
        }
        if constexpr (std::is_same_v<T, HeadersMsg>) {
          w.compact_size(m.headers.size());
          for (const auto& h : m.headers) w.bytes(h.serialize()).u8(0);
        }
        if constexpr (std::is_same_v<T, InvMsg> || std::is_same_v<T, GetDataMsg> ||
                      std::is_same_v<T, NotFoundMsg>) {
          write_inv(w, m.items);
        }
        if constexpr (std::is_same_v<T, BlockMsg>) out = m.block.serialize();
        if constexpr (std::is_same_v<T, TxMsg>) m.tx.serialize(w);
        if constexpr (std::is_same_v<T, AddrMsg>) {
          w.compact_size(m.addresses.size());
          for (const auto& a : m.addresses) write_addr(w, a, true);
        }
      },
      msg);
  return out;
}

core::Result<Message> decode_message(const std::string& command, std::span<const uint8_t> payload) {
  if (command == "block") {
    NET_READ(block, core::Block::parse(payload));
    return Message(BlockMsg{std::move(block)});
  }
  Reader r(payload);
  auto msg = decode_body(command, r);
  if (!msg) return msg;
  if (!std::holds_alternative<UnknownMsg>(*msg)) {
    if (auto st = r.expect_end(); !st) return core::fail(st.error());
  }
  return msg;
}

#undef NET_READ

}  // namespace btr::node::net
