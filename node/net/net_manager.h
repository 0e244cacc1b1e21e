#pragma once
// The P2P network of one node: listening sockets, outbound connection slots
// (--connect, --addnode, the address book), the version/verack handshake,
// ping, getaddr/addr, misbehaviour and bans, and the routing of every other
// message to block sync and transaction relay. Owns every Peer.
//
// Connection limits: --maxconnections in all (default 125), of which up to
// kMaxOutbound automatic outbound ones; manual (--addnode, addnode RPC,
// --connect) connections come on top of the automatic outbound slots.

#include <uv.h>

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "core/chain_params.h"
#include "core/result.h"
#include "node/chain_state.h"
#include "node/config.h"
#include "node/net/addr_book.h"
#include "node/net/ban_list.h"
#include "node/net/block_sync.h"
#include "node/net/peer.h"

namespace btr::node {
class Mempool;
}

namespace btr::node::net {

class TxRelay;

inline constexpr int kMaxOutbound = 8;
inline constexpr int64_t kHandshakeTimeoutS = 30;
inline constexpr int64_t kPingIntervalS = 60;
inline constexpr int64_t kPingTimeoutS = 20 * 60;

struct NetOptions {
  std::vector<std::string> connect;  // only these ("0": no automatic connections)
  std::vector<std::string> addnode;
  bool listen = true;
  std::vector<std::string> bind;  // default: every interface
  uint16_t port = 0;              // 0 with listen: any free port
  int max_connections = 125;
  std::filesystem::path datadir;
};

class NetManager : public PeerOwner, public SyncHost {
 public:
  NetManager(uv_loop_t* loop, ChainState& chain, NetOptions options);
  ~NetManager() override;

  core::Status start();
  // Closes every connection and listener; the loop then runs out of work.
  void stop();
  // Transaction relay (optional: absent when the node has no mempool).
  void attach_mempool(Mempool& mempool);

  // ---- RPC operations ----
  struct ListenAddress {
    std::string address;
    uint16_t port;
  };
  const std::vector<ListenAddress>& listening() const { return listening_; }
  const std::map<PeerId, std::unique_ptr<Peer>>& peers() const { return peers_; }
  const BlockSync& sync() const { return *sync_; }
  const TxRelay* relay() const { return relay_.get(); }
  int connection_count() const;
  core::Status add_node(const std::string& address, const std::string& command);
  std::vector<std::string> added_nodes() const { return added_; }
  // By "ip:port" or id; false when no such peer.
  bool disconnect(const std::string& address, std::optional<PeerId> id);
  void ban(const Subnet& net, int64_t seconds, bool absolute);
  bool unban(const Subnet& net) { return bans_.unban(net); }
  void clear_bans() { bans_.clear(); }
  const std::map<std::string, BanEntry>& bans() { return bans_.entries(now()); }
  int64_t now() const;
  uint64_t local_services() const { return kNodeNetworkServices; }

  // ---- PeerOwner ----
  void peer_connected(Peer& peer) override;
  void peer_message(Peer& peer, RawMessage msg) override;
  void peer_protocol_error(Peer& peer, const std::string& reason) override;
  void peer_closed(Peer& peer) override;

  // ---- SyncHost ----
  void send_to(PeerId peer, const Message& msg) override;
  void punish(PeerId peer, int score, const std::string& reason) override;
  void drop(PeerId peer, const std::string& reason) override;

  Peer* find_peer(PeerId id);

 private:
  static constexpr uint64_t kNodeNetworkServices = 1;
  static void on_accept(uv_stream_t* server, int status);
  static void on_timer(uv_timer_t* timer);
  core::Status listen_on(const std::string& host);
  void maintain_connections();
  void check_timeouts();
  bool connected_to(const std::string& key) const;
  Peer* open_outbound(const IpAddress& ip, uint16_t port, ConnType type);
  std::optional<std::pair<IpAddress, uint16_t>> parse_endpoint(const std::string& text) const;
  void send_version(Peer& peer);
  void handle(Peer& peer, Message& msg);
  void on_version(Peer& peer, const VersionMsg& v);
  void on_verack(Peer& peer);
  void on_addr(Peer& peer, const AddrMsg& msg);
  void on_getdata(Peer& peer, const GetDataMsg& msg);
  void on_inv(Peer& peer, const InvMsg& msg);

  uv_loop_t* loop_;
  ChainState& chain_;
  NetOptions options_;
  const core::ChainParams& params_;
  Magic magic_{};
  std::vector<uv_tcp_t*> listeners_;
  std::vector<ListenAddress> listening_;
  uv_timer_t timer_{};
  bool timer_open_ = false;
  bool stopping_ = false;
  std::map<PeerId, std::unique_ptr<Peer>> peers_;
  PeerId next_id_ = 0;
  uint64_t local_nonce_ = 0;
  std::mt19937_64 rng_;
  BanList bans_;
  AddrBook addrs_;
  std::unique_ptr<BlockSync> sync_;
  std::unique_ptr<TxRelay> relay_;
  std::vector<std::string> added_;  // addnode add: kept connected
  int64_t last_addr_save_ = 0;
  int ticks_ = 0;
};

}  // namespace btr::node::net
