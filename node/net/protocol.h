#pragma once
// Constants of Bitcoin's wire protocol as btr-node speaks it: the protocol
// version it announces, service bits, inventory types and the per-message
// limits every decoder enforces before it allocates anything.

#include <cstddef>
#include <cstdint>

namespace btr::node::net {

inline constexpr int32_t kProtocolVersion = 70016;
// Peers older than this lack sendheaders (70012); they are refused.
inline constexpr int32_t kMinPeerProtocolVersion = 70012;
inline constexpr uint64_t kNodeNetwork = 1;  // serves full blocks
inline constexpr const char* kUserAgent = "/btr-node:0.1.0/";

inline constexpr size_t kFrameHeaderSize = 24;  // magic, command, length, checksum
inline constexpr size_t kCommandSize = 12;
// No message is larger than a block plus its message header allowance.
inline constexpr size_t kMaxMessagePayload = 4'000'000;

inline constexpr size_t kMaxUserAgentLength = 256;
inline constexpr size_t kMaxLocatorSize = 101;
inline constexpr size_t kMaxHeadersPerMessage = 2000;
inline constexpr size_t kMaxInvPerMessage = 50'000;
inline constexpr size_t kMaxAddrPerMessage = 1000;

enum InvType : uint32_t {
  kInvTx = 1,
  kInvBlock = 2,
};

// Misbehaviour: a peer whose score reaches this is disconnected and banned.
inline constexpr int kBanThreshold = 100;
inline constexpr int64_t kDefaultBanSeconds = 24 * 60 * 60;

}  // namespace btr::node::net
