// P2P RPCs in Bitcoin Core's shapes: getpeerinfo, getconnectioncount,
// getnetworkinfo, addnode, disconnectnode, setban, listbanned, clearbanned.

#include <cstdio>

#include "node/net/net_manager.h"
#include "node/net/protocol.h"
#include "node/node_context.h"
#include "node/rpc_util.h"

namespace btr::node {
namespace {

using net::NetManager;

// Core's codes for the P2P client errors (src/rpc/protocol.h).
constexpr int kP2pDisabled = -9;
constexpr int kNodeAlreadyAdded = -23;
constexpr int kNodeNotAdded = -24;
constexpr int kNodeNotConnected = -29;
constexpr int kInvalidIpOrSubnet = -30;

NetManager& need_net(NodeContext& ctx) {
  if (ctx.net == nullptr) {
    throw RpcException{kP2pDisabled, "Error: Peer-to-peer functionality missing or disabled"};
  }
  return *ctx.net;
}

std::string services_hex(uint64_t services) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(services));
  return buf;
}

json services_names(uint64_t services) {
  json names = json::array();
  if ((services & net::kNodeNetwork) != 0) names.push_back("NETWORK");
  return names;
}

const char* connection_type(net::ConnType type) {
  switch (type) {
    case net::ConnType::kInbound:
      return "inbound";
    case net::ConnType::kOutbound:
      return "outbound-full-relay";
    case net::ConnType::kManual:
      return "manual";
  }
  return "inbound";
}

json peer_json(const NetManager& n, const net::Peer& p) {
  json j = {{"id", p.id},
            {"addr", p.addr_name},
            {"addrbind", p.bind_name},
            {"services", services_hex(p.remote_version.services)},
            {"servicesnames", services_names(p.remote_version.services)},
            {"relaytxes", p.relay_txs},
            {"lastsend", p.last_send},
            {"lastrecv", p.last_recv},
            {"bytessent", p.bytes_sent},
            {"bytesrecv", p.bytes_recv},
            {"conntime", p.conn_time},
            {"timeoffset", p.version_received ? p.remote_version.timestamp - p.conn_time : 0},
            {"version", p.remote_version.version},
            {"subver", p.remote_version.user_agent},
            {"inbound", p.type == net::ConnType::kInbound},
            {"connection_type", connection_type(p.type)},
            {"startingheight", p.remote_version.start_height},
            {"synced_headers", n.sync().synced_headers(p.id)},
            {"synced_blocks", n.sync().synced_blocks(p.id)},
            {"inflight", n.sync().inflight_heights(p.id)},
            {"banscore", p.misbehaviour},
            {"handshake_complete", p.handshake_done()}};
  if (p.last_ping_us >= 0) j["pingtime"] = static_cast<double>(p.last_ping_us) / 1e6;
  if (p.min_ping_us >= 0) j["minping"] = static_cast<double>(p.min_ping_us) / 1e6;
  if (p.ping_nonce != 0) j["pingwait"] = 0.0;
  return j;
}

json getpeerinfo(NodeContext& ctx) {
  NetManager& n = need_net(ctx);
  json out = json::array();
  for (const auto& [id, p] : n.peers()) {
    if (!p->closing()) out.push_back(peer_json(n, *p));
  }
  return out;
}

json getnetworkinfo(NodeContext& ctx) {
  int in = 0;
  int out = 0;
  json local = json::array();
  if (ctx.net != nullptr) {
    for (const auto& [id, p] : ctx.net->peers()) {
      if (!p->closing()) (p->type == net::ConnType::kInbound ? in : out) += 1;
    }
    for (const auto& l : ctx.net->listening()) {
      local.push_back({{"address", l.address}, {"port", l.port}, {"score", 1}});
    }
  }
  const uint64_t services = ctx.net != nullptr ? net::kNodeNetwork : 0;
  json networks = json::array();
  for (const char* name : {"ipv4", "ipv6"}) {
    networks.push_back({{"name", name},
                        {"limited", false},
                        {"reachable", true},
                        {"proxy", ""},
                        {"proxy_randomize_credentials", false}});
  }
  return {{"version", 10000},
          {"subversion", net::kUserAgent},
          {"protocolversion", net::kProtocolVersion},
          {"localservices", services_hex(services)},
          {"localservicesnames", services_names(services)},
          {"localrelay", true},
          {"timeoffset", 0},
          {"networkactive", ctx.net != nullptr},
          {"connections", in + out},
          {"connections_in", in},
          {"connections_out", out},
          {"networks", networks},
          {"relayfee", amount_json(ctx.config.minrelaytxfee_per_kb)},
          {"incrementalfee", amount_json(1000)},
          {"localaddresses", local},
          {"warnings", ""}};
}

json addnode(NodeContext& ctx, const json& p) {
  NetManager& n = need_net(ctx);
  const std::string node = param_string(p, 0, "node");
  const std::string command = param_string(p, 1, "command");
  if (command != "add" && command != "remove" && command != "onetry") {
    throw RpcException{rpc_code::kInvalidParameter,
                       "addnode \"node\" \"command\"\ncommand must be add, remove or onetry"};
  }
  if (auto st = n.add_node(node, command); !st) {
    int code = rpc_code::kInvalidParameter;
    if (command == "add" && st.error() == "Node already added") code = kNodeAlreadyAdded;
    if (command == "remove") code = kNodeNotAdded;
    throw RpcException{code, "Error: " + st.error()};
  }
  return nullptr;
}

json disconnectnode(NodeContext& ctx, const json& p) {
  NetManager& n = need_net(ctx);
  const json* addr = param(p, 0);
  const json* id = param(p, 1);
  const bool by_addr = addr != nullptr && addr->is_string() && !addr->get<std::string>().empty();
  if (by_addr == (id != nullptr)) {
    throw RpcException{rpc_code::kInvalidParameter,
                       "Only one of address and nodeid should be provided."};
  }
  const bool found = by_addr ? n.disconnect(addr->get<std::string>(), std::nullopt)
                             : n.disconnect("", param_int(p, 1, "nodeid"));
  if (!found) throw RpcException{kNodeNotConnected, "Node not found in connected nodes"};
  return nullptr;
}

json setban(NodeContext& ctx, const json& p) {
  NetManager& n = need_net(ctx);
  const std::string text = param_string(p, 0, "subnet");
  const std::string command = param_string(p, 1, "command");
  if (command != "add" && command != "remove") {
    throw RpcException{rpc_code::kInvalidParameter, "setban: command must be add or remove"};
  }
  auto net = Subnet::parse(text);
  if (!net) throw RpcException{kInvalidIpOrSubnet, "Error: Invalid IP/Subnet"};
  if (command == "remove") {
    if (!n.unban(*net)) {
      throw RpcException{
          kInvalidIpOrSubnet,
          "Error: Unban failed. Requested address/subnet was not previously manually banned."};
    }
    return nullptr;
  }
  if (n.bans().count(net::BanList::key(*net)) != 0) {
    throw RpcException{kNodeAlreadyAdded, "Error: IP/Subnet already banned"};
  }
  const int64_t bantime = param_int_opt(p, 2, "bantime").value_or(0);
  n.ban(*net, bantime, param_bool(p, 3, false));
  return nullptr;
}

json listbanned(NodeContext& ctx) {
  NetManager& n = need_net(ctx);
  const int64_t now = n.now();
  json out = json::array();
  for (const auto& [key, b] : n.bans()) {
    out.push_back({{"address", key},
                   {"ban_created", b.created},
                   {"banned_until", b.until},
                   {"ban_duration", b.until - b.created},
                   {"time_remaining", b.until - now}});
  }
  return out;
}

}  // namespace

void register_net_rpcs(NodeContext& ctx) {
  RpcDispatcher& d = ctx.dispatcher;
  d.add({"getpeerinfo",
         "network",
         {},
         "getpeerinfo\nData about each connected peer.",
         sync_handler([&ctx](const json&) { return getpeerinfo(ctx); })});
  d.add({"getconnectioncount",
         "network",
         {},
         "getconnectioncount\nNumber of connections.",
         sync_handler([&ctx](const json&) { return need_net(ctx).connection_count(); })});
  d.add({"getnetworkinfo",
         "network",
         {},
         "getnetworkinfo\nState of the P2P network.",
         sync_handler([&ctx](const json&) { return getnetworkinfo(ctx); })});
  d.add(
      {"addnode",
       "network",
       {"node", "command"},
       "addnode \"node\" \"command\"\nAdds (add), removes (remove) or tries once (onetry) a peer.",
       sync_handler([&ctx](const json& p) { return addnode(ctx, p); })});
  d.add({"disconnectnode",
         "network",
         {"address", "nodeid"},
         "disconnectnode ( \"address\" nodeid )\nCloses the connection to a peer.",
         sync_handler([&ctx](const json& p) { return disconnectnode(ctx, p); })});
  d.add({"setban",
         "network",
         {"subnet", "command", "bantime", "absolute"},
         "setban \"subnet\" \"command\" ( bantime absolute )\nBans (add) or unbans (remove) an "
         "IP or subnet; bantime in seconds (default 24 h) or, with absolute, a Unix time.",
         sync_handler([&ctx](const json& p) { return setban(ctx, p); })});
  d.add({"listbanned",
         "network",
         {},
         "listbanned\nBanned IPs and subnets.",
         sync_handler([&ctx](const json&) { return listbanned(ctx); })});
  d.add({"clearbanned",
         "network",
         {},
         "clearbanned\nRemoves every ban.",
         sync_handler([&ctx](const json&) {
           need_net(ctx).clear_bans();
           return json(nullptr);
         })});
}

}  // namespace btr::node
