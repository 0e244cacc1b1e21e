#include "node/net/net_manager.h"

#include <algorithm>
#include <ctime>

#include "node/log.h"
#include "node/net/protocol.h"
#include "node/net/tx_relay.h"

namespace btr::node::net {
namespace {

constexpr int64_t kTimerMs = 100;
constexpr int kSyncTickEvery = 10;       // timer ticks per sync tick (1 s)
constexpr int64_t kAddrSaveEveryS = 60;  // address book flush
constexpr int64_t kManualRetryS = 5;

}  // namespace

NetManager::NetManager(uv_loop_t* loop, ChainState& chain, NetOptions options)
    : loop_(loop),
      chain_(chain),
      options_(std::move(options)),
      params_(chain.params()),
      rng_(std::random_device{}()),
      bans_(options_.datadir / "banlist.json"),
      addrs_(options_.datadir / "peers.json") {
  std::copy(params_.message_start.begin(), params_.message_start.end(), magic_.begin());
  local_nonce_ = rng_();
  added_ = options_.addnode;
}

NetManager::~NetManager() {
  if (sync_) chain_.remove_listener(sync_.get());
}

int64_t NetManager::now() const {
  return static_cast<int64_t>(std::time(nullptr));
}

core::Status NetManager::start() {
  bans_.load(now());
  addrs_.load();
  sync_ = std::make_unique<BlockSync>(chain_, *this,
                                      [this] { return static_cast<int64_t>(uv_now(loop_)); });
  chain_.add_listener(sync_.get());
  if (options_.listen) {
    std::vector<std::string> hosts = options_.bind;
    if (hosts.empty()) hosts = {"0.0.0.0"};
    for (const std::string& h : hosts) {
      auto st = listen_on(h);
      // Only an explicit --bind must succeed; the default port may be taken by
      // another node on this machine, which still leaves outbound connections.
      if (!st && !options_.bind.empty()) return st;
      if (!st) log_warn(st.error() + "; not accepting P2P connections");
    }
  }
  uv_timer_init(loop_, &timer_);
  timer_.data = this;
  timer_open_ = true;
  uv_timer_start(&timer_, &NetManager::on_timer, 0, kTimerMs);
  return core::Status::success();
}

void NetManager::attach_mempool(Mempool& mempool) {
  relay_ = std::make_unique<TxRelay>(
      mempool, *this, [this] { return static_cast<int64_t>(uv_now(loop_)); }, rng_());
}

core::Status NetManager::listen_on(const std::string& host) {
  sockaddr_storage addr{};
  if (uv_ip4_addr(host.c_str(), options_.port, reinterpret_cast<sockaddr_in*>(&addr)) != 0 &&
      uv_ip6_addr(host.c_str(), options_.port, reinterpret_cast<sockaddr_in6*>(&addr)) != 0) {
    return core::fail("invalid bind address " + host);
  }
  auto* tcp = new uv_tcp_t;
  uv_tcp_init(loop_, tcp);
  tcp->data = this;
  int rc = uv_tcp_bind(tcp, reinterpret_cast<const sockaddr*>(&addr), 0);
  if (rc == 0) rc = uv_listen(reinterpret_cast<uv_stream_t*>(tcp), 128, &NetManager::on_accept);
  if (rc != 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(tcp),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_tcp_t*>(h); });
    return core::fail("p2p: cannot listen on " + host + ":" + std::to_string(options_.port) + ": " +
                      uv_strerror(rc));
  }
  sockaddr_storage bound{};
  int len = sizeof bound;
  uv_tcp_getsockname(tcp, reinterpret_cast<sockaddr*>(&bound), &len);
  const uint16_t port =
      ntohs(bound.ss_family == AF_INET ? reinterpret_cast<sockaddr_in*>(&bound)->sin_port
                                       : reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port);
  listeners_.push_back(tcp);
  listening_.push_back({host, port});
  log_info("p2p: listening on " + host + ":" + std::to_string(port));
  return core::Status::success();
}

void NetManager::stop() {
  if (stopping_) return;
  stopping_ = true;
  addrs_.save();
  for (uv_tcp_t* l : listeners_) {
    uv_close(reinterpret_cast<uv_handle_t*>(l),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_tcp_t*>(h); });
  }
  listeners_.clear();
  if (timer_open_) {
    uv_close(reinterpret_cast<uv_handle_t*>(&timer_), nullptr);
    timer_open_ = false;
  }
  for (auto& [id, p] : peers_) p->close("shutting down");
}

int NetManager::connection_count() const {
  return static_cast<int>(std::count_if(peers_.begin(), peers_.end(),
                                        [](const auto& kv) { return !kv.second->closing(); }));
}

Peer* NetManager::find_peer(PeerId id) {
  auto it = peers_.find(id);
  return it == peers_.end() || it->second->closing() ? nullptr : it->second.get();
}

void NetManager::on_accept(uv_stream_t* server, int status) {
  auto* self = static_cast<NetManager*>(server->data);
  if (status != 0 || self->stopping_) return;
  auto peer = std::make_unique<Peer>(self->loop_, *self, self->next_id_++, ConnType::kInbound,
                                     self->magic_, self->params_.max_block_size, self->now());
  if (uv_accept(server, reinterpret_cast<uv_stream_t*>(peer->tcp())) != 0) {
    Peer* raw = peer.get();
    self->peers_.emplace(raw->id, std::move(peer));
    raw->close("accept failed");
    return;
  }
  Peer* raw = peer.get();
  self->peers_.emplace(raw->id, std::move(peer));
  raw->start();
  int inbound = 0;
  for (const auto& [id, p] : self->peers_) inbound += p->type == ConnType::kInbound ? 1 : 0;
  const int max_inbound = std::max(0, self->options_.max_connections - kMaxOutbound);
  if (self->bans_.is_banned(raw->ip, self->now())) {
    raw->close("banned");
  } else if (inbound > max_inbound) {
    raw->close("too many inbound connections");
  }
}

void NetManager::peer_connected(Peer& peer) {
  send_version(peer);
}

void NetManager::send_version(Peer& peer) {
  VersionMsg v;
  v.version = kProtocolVersion;
  v.services = kNodeNetworkServices;
  v.timestamp = now();
  v.addr_recv = net_address_of(peer.ip, peer.port, 0, 0);
  v.addr_from = net_address_of(IpAddress{}, listening_.empty() ? 0 : listening_.front().port,
                               kNodeNetworkServices, 0);
  v.nonce = local_nonce_;
  v.user_agent = kUserAgent;
  v.start_height = chain_.tip()->height();
  v.relay = true;
  peer.send(v);
}

void NetManager::peer_message(Peer& peer, RawMessage raw) {
  auto msg = decode_message(raw.command, raw.payload);
  if (!msg) {
    punish(peer.id, kBanThreshold, "malformed " + raw.command + ": " + msg.error());
    return;
  }
  handle(peer, *msg);
}

void NetManager::peer_protocol_error(Peer& peer, const std::string& reason) {
  punish(peer.id, kBanThreshold, "protocol violation: " + reason);
  peer.close("protocol violation: " + reason);
}

void NetManager::peer_closed(Peer& peer) {
  const PeerId id = peer.id;
  if (sync_) sync_->peer_gone(id);
  if (relay_) relay_->peer_gone(id);
  peers_.erase(id);
}

void NetManager::send_to(PeerId id, const Message& msg) {
  if (Peer* p = find_peer(id)) p->send(msg);
}

void NetManager::punish(PeerId id, int score, const std::string& reason) {
  Peer* p = find_peer(id);
  if (p == nullptr) return;
  p->misbehaviour += score;
  log_info("p2p: peer " + std::to_string(id) + " (" + p->addr_name + ") misbehaving (+" +
           std::to_string(score) + " = " + std::to_string(p->misbehaviour) + "): " + reason);
  if (p->misbehaviour < kBanThreshold) return;
  Subnet net;
  net.base = p->ip;
  net.prefix_bits = p->ip.v6 ? 128 : 32;
  bans_.ban(net, now(), now() + kDefaultBanSeconds);
  log_info("p2p: banned " + BanList::key(net) + " for 24 h");
  p->close("banned: " + reason);
}

void NetManager::drop(PeerId id, const std::string& reason) {
  if (Peer* p = find_peer(id)) p->close(reason);
}

void NetManager::handle(Peer& peer, Message& msg) {
  if (auto* v = std::get_if<VersionMsg>(&msg)) return on_version(peer, *v);
  if (!peer.version_received) {
    punish(peer.id, 1, "message before version");
    return;
  }
  if (std::holds_alternative<VerackMsg>(msg)) return on_verack(peer);
  if (!peer.handshake_done()) return;
  if (auto* m = std::get_if<PingMsg>(&msg)) return peer.send(PongMsg{m->nonce});
  if (auto* m = std::get_if<PongMsg>(&msg)) {
    if (peer.ping_nonce != 0 && m->nonce == peer.ping_nonce) {
      peer.last_ping_us = static_cast<int64_t>(uv_now(loop_)) * 1000 - peer.ping_sent_us;
      if (peer.min_ping_us < 0 || peer.last_ping_us < peer.min_ping_us) {
        peer.min_ping_us = peer.last_ping_us;
      }
      peer.ping_nonce = 0;
    }
    return;
  }
  if (std::holds_alternative<SendHeadersMsg>(msg)) {
    peer.prefers_headers = true;
    return sync_->set_prefers_headers(peer.id);
  }
  if (auto* m = std::get_if<HeadersMsg>(&msg)) return sync_->on_headers(peer.id, *m);
  if (auto* m = std::get_if<GetHeadersMsg>(&msg)) return sync_->on_getheaders(peer.id, *m);
  if (auto* m = std::get_if<BlockMsg>(&msg)) return sync_->on_block(peer.id, m->block);
  if (auto* m = std::get_if<InvMsg>(&msg)) return on_inv(peer, *m);
  if (auto* m = std::get_if<GetDataMsg>(&msg)) return on_getdata(peer, *m);
  if (auto* m = std::get_if<NotFoundMsg>(&msg)) {
    for (const InvItem& it : m->items) {
      if (it.type == kInvBlock) sync_->on_block_notfound(peer.id, it.hash);
    }
    return;
  }
  if (auto* m = std::get_if<TxMsg>(&msg)) {
    if (relay_) relay_->on_tx(peer.id, m->tx);
    return;
  }
  if (std::holds_alternative<GetAddrMsg>(msg)) {
    // Answered once per inbound connection, so it cannot map the address book.
    if (peer.type != ConnType::kInbound || peer.getaddr_answered) return;
    peer.getaddr_answered = true;
    AddrMsg out;
    for (const AddrInfo& a : addrs_.sample(rng_, kMaxAddrPerMessage)) {
      out.addresses.push_back(
          net_address_of(a.ip, a.port, a.services, static_cast<uint32_t>(a.time)));
    }
    if (!out.addresses.empty()) peer.send(out);
    return;
  }
  if (auto* m = std::get_if<AddrMsg>(&msg)) return on_addr(peer, *m);
}

void NetManager::on_version(Peer& peer, const VersionMsg& v) {
  if (peer.version_received) {
    punish(peer.id, 1, "duplicate version");
    return;
  }
  if (v.nonce == local_nonce_ && peer.type == ConnType::kInbound) {
    peer.close("connected to self");
    return;
  }
  if (v.version < kMinPeerProtocolVersion) {
    peer.close("obsolete protocol version " + std::to_string(v.version));
    return;
  }
  peer.version_received = true;
  peer.remote_version = v;
  peer.relay_txs = v.relay;
  if (peer.type == ConnType::kInbound) send_version(peer);
  peer.send(VerackMsg{});
}

void NetManager::on_verack(Peer& peer) {
  if (peer.verack_received) return;
  peer.verack_received = true;
  log_info("p2p: connected to peer " + std::to_string(peer.id) + " " + peer.addr_name + " (" +
           (peer.type == ConnType::kInbound ? "inbound" : "outbound") + ", height " +
           std::to_string(peer.remote_version.start_height) + ", " +
           peer.remote_version.user_agent + ")");
  peer.send(SendHeadersMsg{});
  if (peer.type != ConnType::kInbound) {
    (void)addrs_.add(peer.ip, peer.port, peer.remote_version.services, now());
    addrs_.mark_good(AddrInfo{peer.ip, peer.port, 0, 0, 0, 0}.key(), now());
    peer.send(GetAddrMsg{});
  }
  sync_->peer_ready(peer.id, peer.remote_version.start_height);
  if (relay_) relay_->peer_ready(peer.id, peer.type == ConnType::kInbound, peer.relay_txs);
}

void NetManager::on_addr(Peer& peer, const AddrMsg& msg) {
  const int64_t t = now();
  AddrMsg fresh;
  for (const NetAddress& a : msg.addresses) {
    // Timestamps from the future or far past are clamped to something plausible.
    const int64_t when = a.time > t + 600 || a.time < 100000000 ? t - 5 * 86400 : a.time;
    // Only addresses new to this node travel on, so a relay cannot loop.
    if (addrs_.add(ip_of(a), a.port, a.services, when) && t - when < 600) {
      fresh.addresses.push_back(a);
    }
  }
  // Small announcements of recently seen addresses travel on to two other
  // peers (as Core does), so a new node becomes known beyond its neighbours;
  // getaddr answers (large) stay here.
  if (msg.addresses.size() > 10 || fresh.addresses.empty()) return;
  std::vector<Peer*> others;
  for (auto& [id, p] : peers_) {
    if (p.get() != &peer && !p->closing() && p->handshake_done()) others.push_back(p.get());
  }
  std::shuffle(others.begin(), others.end(), rng_);
  for (size_t i = 0; i < others.size() && i < 2; ++i) others[i]->send(fresh);
}

void NetManager::on_inv(Peer& peer, const InvMsg& msg) {
  for (const InvItem& it : msg.items) {
    if (it.type == kInvBlock) {
      sync_->on_block_inv(peer.id, it.hash);
    } else if (it.type == kInvTx && relay_) {
      relay_->on_tx_inv(peer.id, it.hash);
    }
  }
}

void NetManager::on_getdata(Peer& peer, const GetDataMsg& msg) {
  NotFoundMsg missing;
  for (const InvItem& it : msg.items) {
    if (peer.closing()) return;
    if (it.type == kInvBlock) {
      // Only blocks with data that never failed validation are served.
      const BlockIndex* b = chain_.lookup(it.hash);
      std::optional<std::vector<uint8_t>> raw;
      if (b != nullptr && !b->failed() && b->have_data()) raw = chain_.read_raw_block(b);
      if (raw) {
        peer.send_raw("block", *raw);
      } else {
        missing.items.push_back(it);
      }
    } else if (it.type == kInvTx) {
      if (relay_ == nullptr || !relay_->on_getdata_tx(peer.id, it.hash))
        missing.items.push_back(it);
    } else {
      missing.items.push_back(it);
    }
  }
  if (!missing.items.empty()) peer.send(missing);
}

std::optional<std::pair<IpAddress, uint16_t>> NetManager::parse_endpoint(
    const std::string& text) const {
  std::string host = text;
  uint16_t port = params_.p2p_port;
  if (!host.empty() && host.front() == '[') {
    const size_t close = host.find(']');
    if (close == std::string::npos) return std::nullopt;
    if (close + 2 < host.size() && host[close + 1] == ':') {
      port = static_cast<uint16_t>(std::atoi(host.c_str() + close + 2));
    }
    host = host.substr(1, close - 1);
  } else if (std::count(host.begin(), host.end(), ':') == 1) {
    const size_t colon = host.find(':');
    port = static_cast<uint16_t>(std::atoi(host.c_str() + colon + 1));
    host = host.substr(0, colon);
  }
  if (host == "localhost") host = "127.0.0.1";
  auto ip = IpAddress::parse(host);
  if (!ip || port == 0) return std::nullopt;
  return std::make_pair(*ip, port);
}

bool NetManager::connected_to(const std::string& key) const {
  return std::any_of(peers_.begin(), peers_.end(),
                     [&](const auto& kv) { return kv.second->addr_name == key; });
}

Peer* NetManager::open_outbound(const IpAddress& ip, uint16_t port, ConnType type) {
  if (bans_.is_banned(ip, now()) && type == ConnType::kOutbound) return nullptr;
  auto peer =
      std::make_unique<Peer>(loop_, *this, next_id_++, type, magic_, params_.max_block_size, now());
  Peer* raw = peer.get();
  peers_.emplace(raw->id, std::move(peer));
  raw->connect(ip, port);
  return raw;
}

core::Status NetManager::add_node(const std::string& address, const std::string& command) {
  if (command == "remove") {
    auto it = std::find(added_.begin(), added_.end(), address);
    if (it == added_.end())
      return core::fail("Node could not be removed. It has not been added previously.");
    added_.erase(it);
    return core::Status::success();
  }
  auto ep = parse_endpoint(address);
  if (!ep) return core::fail("Invalid address: " + address);
  if (command == "add") {
    if (std::find(added_.begin(), added_.end(), address) != added_.end()) {
      return core::fail("Node already added");
    }
    added_.push_back(address);
    maintain_connections();
    return core::Status::success();
  }
  if (command == "onetry") {
    Peer* p = open_outbound(ep->first, ep->second, ConnType::kManual);
    if (p != nullptr) p->one_shot = true;
    return core::Status::success();
  }
  return core::fail("Invalid command: " + command);
}

bool NetManager::disconnect(const std::string& address, std::optional<PeerId> id) {
  for (auto& [pid, p] : peers_) {
    if (p->closing()) continue;
    if ((id && pid == *id) || (!id && p->addr_name == address)) {
      p->close("disconnectnode");
      return true;
    }
  }
  return false;
}

void NetManager::ban(const Subnet& net, int64_t seconds, bool absolute) {
  const int64_t t = now();
  bans_.ban(net, t, absolute ? seconds : t + (seconds > 0 ? seconds : kDefaultBanSeconds));
  for (auto& [id, p] : peers_) {
    if (net.contains(p->ip)) p->close("banned by setban");
  }
}

void NetManager::maintain_connections() {
  if (stopping_) return;
  const int64_t t = now();
  const bool connect_only = !options_.connect.empty();
  // Manual peers: --connect, or --addnode and addnode add, retried while missing.
  std::vector<std::string> manual = connect_only ? options_.connect : added_;
  for (const std::string& target : manual) {
    if (target == "0") continue;
    auto ep = parse_endpoint(target);
    if (!ep) continue;
    const std::string key = AddrInfo{ep->first, ep->second, 0, 0, 0, 0}.key();
    if (connected_to(key)) continue;
    addrs_.mark_try(key, t);
    open_outbound(ep->first, ep->second, ConnType::kManual);
  }
  if (connect_only) return;
  int outbound = 0;
  std::set<std::string> exclude;
  for (const auto& [id, p] : peers_) {
    exclude.insert(p->addr_name);
    if (p->type == ConnType::kOutbound) ++outbound;
  }
  for (const ListenAddress& l : listening_)
    exclude.insert(l.address + ":" + std::to_string(l.port));
  while (outbound < kMaxOutbound && connection_count() < options_.max_connections) {
    auto a = addrs_.select(rng_, exclude, t);
    if (!a) break;
    exclude.insert(a->key());
    addrs_.mark_try(a->key(), t);
    if (bans_.is_banned(a->ip, t)) continue;
    open_outbound(a->ip, a->port, ConnType::kOutbound);
    ++outbound;
  }
}

void NetManager::check_timeouts() {
  const int64_t t = now();
  const int64_t now_us = static_cast<int64_t>(uv_now(loop_)) * 1000;
  for (auto& [id, p] : peers_) {
    if (p->closing()) continue;
    if (!p->handshake_done()) {
      if (t - p->conn_time > kHandshakeTimeoutS) p->close("handshake timeout");
      continue;
    }
    if (p->ping_nonce != 0 && now_us - p->ping_sent_us > kPingTimeoutS * 1000000) {
      p->close("ping timeout");
    } else if (p->ping_nonce == 0 && now_us - p->ping_sent_us > kPingIntervalS * 1000000) {
      p->ping_nonce = rng_() | 1;
      p->ping_sent_us = now_us;
      p->send(PingMsg{p->ping_nonce});
    }
  }
}

void NetManager::on_timer(uv_timer_t* timer) {
  auto* self = static_cast<NetManager*>(timer->data);
  if (self->relay_) self->relay_->tick();
  const int ticks = ++self->ticks_;
  if (ticks % kSyncTickEvery != 0) return;
  self->sync_->tick();
  self->check_timeouts();
  const int64_t t = self->now();
  if (ticks % (kSyncTickEvery * kManualRetryS) == 0 || ticks == kSyncTickEvery) {
    self->maintain_connections();
  }
  if (t - self->last_addr_save_ > kAddrSaveEveryS) {
    self->last_addr_save_ = t;
    self->addrs_.save();
  }
}

}  // namespace btr::node::net
