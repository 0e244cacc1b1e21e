// btr-cli: talks JSON-RPC to btr-node as bitcoin-cli talks to bitcoind.
//   btr-cli [options] METHOD [ARGS...]      positional arguments
//   btr-cli [options] -named METHOD k=v...  named arguments
//   btr-cli attackprob Q [Z]                offline: Nakamoto's catch-up probability
// Each argument is sent as JSON when it parses as JSON, else as a string.
// Credentials: --rpcuser/--rpcpassword, else the cookie DATADIR/.cookie.

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/chain_params.h"
#include "tools/cli/attack_prob.h"
#include "tools/cli/rpc_client.h"

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

struct Options {
  std::string network = "main";
  fs::path datadir;
  std::string host = "127.0.0.1";
  int port = -1;
  std::string user;
  std::string password;
  fs::path cookie;
  bool named = false;
  int timeout = 900;
  std::vector<std::string> rest;  // method and its arguments
};

const char* kUsage =
    "Usage: btr-cli [options] <command> [params]   send a command to btr-node\n"
    "       btr-cli [options] -named <command> [name=value]...\n"
    "       btr-cli attackprob Q [Z]                probability that an attacker with hash share "
    "Q\n"
    "                                               catches up from Z blocks behind (Z = 0..10 if "
    "omitted)\n"
    "Options:\n"
    "  --network=main|testnet|regtest, -regtest, -testnet\n"
    "  --datadir=DIR        base data folder (default ~/.bitsilver), for the cookie\n"
    "  --rpcconnect=HOST    (default 127.0.0.1)\n"
    "  --rpcport=PORT       (default: DATADIR/rpcport if the node wrote one, else the network's)\n"
    "  --rpcuser=USER --rpcpassword=PASS   (default: cookie authentication)\n"
    "  --rpccookiefile=FILE\n"
    "  --rpcclienttimeout=SECONDS (default 900)\n"
    "  -named               arguments are name=value pairs\n";

bool take_value(const std::string& arg, const std::string& name, std::string* out) {
  for (const std::string prefix : {"--", "-"}) {
    const std::string key = prefix + name + "=";
    if (arg.rfind(key, 0) == 0) {
      *out = arg.substr(key.size());
      return true;
    }
  }
  return false;
}

json parse_arg(const std::string& s) {
  json v = json::parse(s, nullptr, false);
  return v.is_discarded() ? json(s) : v;
}

int attackprob(const std::vector<std::string>& args) {
  if (args.size() < 2 || args.size() > 3) {
    std::fputs("Usage: btr-cli attackprob Q [Z]\n", stderr);
    return 1;
  }
  char* end = nullptr;
  const double q = std::strtod(args[1].c_str(), &end);
  if (*end != '\0' || !(q >= 0.0 && q <= 1.0)) {
    std::fputs("error: Q must be a number between 0 and 1\n", stderr);
    return 1;
  }
  int z_from = 0;
  int z_to = 10;
  if (args.size() == 3) {
    const long z = std::strtol(args[2].c_str(), &end, 10);
    if (*end != '\0' || z < 0 || z > 100000) {
      std::fputs("error: Z must be a whole number of blocks >= 0\n", stderr);
      return 1;
    }
    z_from = z_to = static_cast<int>(z);
  }
  std::printf("q=%g\n", q);
  for (int z = z_from; z <= z_to; ++z) {
    std::printf("z=%d P=%.7f\n", z, btr::tools::attacker_success_probability(q, z));
  }
  return 0;
}

std::string read_first_line(const fs::path& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  std::string value;
  int i = 1;
  for (; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.empty() || a[0] != '-') break;
    if (a == "-h" || a == "--help" || a == "-help") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (a == "-regtest" || a == "--regtest")
      o.network = "regtest";
    else if (a == "-testnet" || a == "--testnet")
      o.network = "testnet";
    else if (a == "-named" || a == "--named")
      o.named = true;
    else if (take_value(a, "network", &value) || take_value(a, "chain", &value))
      o.network = value;
    else if (take_value(a, "datadir", &value))
      o.datadir = value;
    else if (take_value(a, "rpcconnect", &value))
      o.host = value;
    else if (take_value(a, "rpcport", &value))
      o.port = std::atoi(value.c_str());
    else if (take_value(a, "rpcuser", &value))
      o.user = value;
    else if (take_value(a, "rpcpassword", &value))
      o.password = value;
    else if (take_value(a, "rpccookiefile", &value))
      o.cookie = value;
    else if (take_value(a, "rpcclienttimeout", &value))
      o.timeout = std::atoi(value.c_str());
    else {
      std::fprintf(stderr, "error: unknown option %s\n%s", a.c_str(), kUsage);
      return 1;
    }
  }
  for (; i < argc; ++i) o.rest.emplace_back(argv[i]);
  if (o.rest.empty()) {
    std::fputs(kUsage, stderr);
    return 1;
  }
  if (o.rest[0] == "attackprob") return attackprob(o.rest);

  auto params = btr::core::chain_params_by_name(o.network);
  if (!params) {
    std::fprintf(stderr, "error: unknown network %s\n", o.network.c_str());
    return 1;
  }
  const char* home = std::getenv("HOME");
  fs::path base =
      o.datadir.empty() ? fs::path(home != nullptr ? home : ".") / ".bitsilver" : o.datadir;
  if (o.network == "regtest")
    base /= "regtest";
  else if (o.network == "testnet" || o.network == "test")
    base /= "testnet3";
  if (o.port < 0) {
    // A node started with --rpcport=0 writes the port it bound.
    const std::string written = read_first_line(base / "rpcport");
    o.port = written.empty() ? (*params)->rpc_port : std::atoi(written.c_str());
  }
  std::string credentials;
  if (!o.password.empty()) {
    credentials = o.user + ":" + o.password;
  } else {
    const fs::path cookie = o.cookie.empty() ? base / ".cookie" : o.cookie;
    credentials = read_first_line(cookie);
    if (credentials.empty()) {
      std::fprintf(stderr,
                   "error: Could not locate RPC credentials. No authentication cookie could be "
                   "found (%s), and no rpcpassword is set.\n",
                   cookie.c_str());
      return 1;
    }
  }
  json params_json = o.named ? json::object() : json::array();
  for (size_t k = 1; k < o.rest.size(); ++k) {
    if (o.named) {
      const size_t eq = o.rest[k].find('=');
      if (eq == std::string::npos) {
        std::fprintf(stderr, "error: named argument %s has no '='\n", o.rest[k].c_str());
        return 1;
      }
      params_json[o.rest[k].substr(0, eq)] = parse_arg(o.rest[k].substr(eq + 1));
    } else {
      params_json.push_back(parse_arg(o.rest[k]));
    }
  }
  const json request = {
      {"jsonrpc", "1.0"}, {"id", 1}, {"method", o.rest[0]}, {"params", params_json}};
  auto answer = btr::tools::http_post(o.host, static_cast<uint16_t>(o.port), credentials,
                                      request.dump(), o.timeout);
  if (!answer) {
    std::fprintf(stderr, "error: %s\n", answer.error().c_str());
    return 1;
  }
  if (answer->status == 401) {
    std::fputs("error: Authorization failed: Incorrect rpcuser or rpcpassword\n", stderr);
    return 1;
  }
  const json reply = json::parse(answer->body, nullptr, false);
  if (reply.is_discarded() || !reply.is_object()) {
    std::fprintf(stderr, "error: server returned HTTP status %d: %s\n", answer->status,
                 answer->body.c_str());
    return 1;
  }
  if (reply.contains("error") && !reply["error"].is_null()) {
    const json& e = reply["error"];
    const int code = e.value("code", -1);
    std::fprintf(stderr, "error code: %d\nerror message:\n%s\n", code,
                 e.value("message", std::string()).c_str());
    return code < 0 ? -code : 1;
  }
  const json& result = reply["result"];
  if (result.is_string())
    std::printf("%s\n", result.get<std::string>().c_str());
  else if (!result.is_null())
    std::printf("%s\n", result.dump(2).c_str());
  return 0;
}
