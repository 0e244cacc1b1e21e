// btr-node as a process, spoken to exactly as ckpool and public-pool speak
// to bitcoind (mining-interop.md section 3), plus long polling, btr-cli and
// shutdown. Loopback only; every wait is bounded.

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

#include "core/address.h"
#include "core/block.h"
#include "core/chain_params.h"
#include "core/hex.h"
#include "core/pow.h"
#include "core/script.h"
#include "core/serialize.h"
#include "test/node/net/node_process.h"

using btr::test::NodeProcess;
using nlohmann::json;
namespace core = btr::core;

namespace {

const char* kAddress = "mtVwi6aB1K4mZ4ziK27VgXGjdhLQ1V9iqs";  // the regtest pre-mine key

// What a pool does with a template: its own coinbase, the template's header
// fields, a nonce search.
core::Block block_from_template(const json& t, bool one_byte_height_push) {
  const auto& params = core::chain_params(core::Network::kRegtest);
  const int64_t height = t["height"];
  core::Transaction cb;
  cb.version = 2;
  core::TxIn in;
  in.prevout.index = core::OutPoint::kNullIndex;
  if (one_byte_height_push && height <= 16) {
    in.script_sig = {0x01, static_cast<uint8_t>(height)};  // ckpool / public-pool style
  } else {
    in.script_sig = core::coinbase_height_script(height);
  }
  const std::vector<uint8_t> extranonce = {1, 2, 3, 4, 5, 6, 7, 8};
  core::push_data(in.script_sig, extranonce);
  cb.inputs.push_back(in);
  auto addr = core::decode_address(kAddress, params.prefixes);
  REQUIRE(addr.ok());
  cb.outputs.push_back({t["coinbasevalue"].get<int64_t>(), core::address_script(*addr)});
  core::Block b;
  b.transactions.push_back(cb);
  b.header.version = t["version"];
  auto prev = core::Hash256::from_display_hex(t["previousblockhash"].get<std::string>());
  REQUIRE(prev.ok());
  b.header.prev_block = *prev;
  b.header.time = t["curtime"];
  b.header.bits = static_cast<uint32_t>(std::stoul(t["bits"].get<std::string>(), nullptr, 16));
  b.header.merkle_root = b.compute_merkle_root().root;
  while (!core::check_proof_of_work(b.header.hash(), b.header.bits, params.pow_limit))
    ++b.header.nonce;
  return b;
}

// bitcoinjs-lib's Block.toHex(false): the coinbase in BIP144 form with the
// 32-byte witness reserved value.
std::string witness_block_hex(const core::Block& b) {
  std::vector<uint8_t> out;
  core::Writer w(out);
  w.bytes(b.header.serialize());
  w.compact_size(b.transactions.size());
  const core::Transaction& cb = b.transactions[0];
  w.i32(cb.version).u8(0).u8(1);
  w.compact_size(1);
  w.hash(cb.inputs[0].prevout.txid).u32(cb.inputs[0].prevout.index);
  w.var_bytes(cb.inputs[0].script_sig).u32(cb.inputs[0].sequence);
  w.compact_size(cb.outputs.size());
  for (const auto& o : cb.outputs) w.i64(o.value).var_bytes(o.script_pubkey);
  w.compact_size(1);
  w.var_bytes(std::vector<uint8_t>(32, 0));
  w.u32(cb.locktime);
  for (size_t i = 1; i < b.transactions.size(); ++i) b.transactions[i].serialize(w);
  return core::to_hex(out);
}

std::string lf_request(const std::string& auth, const std::string& body) {
  // ckpool's http_post: headers end in bare LF.
  return "POST / HTTP/1.1\nAuthorization: " + auth +
         "\nUser-Agent: ckpool\nContent-type: application/json\nContent-Length: " +
         std::to_string(body.size()) + "\n\n" + body;
}

json lf_call(const NodeProcess& n, const std::string& body) {
  const std::string resp = n.raw(lf_request(btr::test::basic_auth("user:pass"), body));
  CHECK(btr::test::http_status(resp) == 200);
  return json::parse(btr::test::http_body(resp), nullptr, false);
}

}  // namespace

TEST_CASE("ckpool: no id, no params, bare LF, Basic auth with rpcuser/rpcpassword") {
  NodeProcess n({"--rpcuser=user", "--rpcpassword=pass"});
  REQUIRE(n.start());
  // server_alive: getblocktemplate probe, then validateaddress.
  json gbt = lf_call(
      n,
      R"({"method":"getblocktemplate","params":[{"capabilities":["coinbasetxn","workid","coinbase/append"],"rules":["segwit"]}]})");
  REQUIRE(gbt["error"].is_null());
  const json& t = gbt["result"];
  CHECK(t["version"] == 0x20000000);
  CHECK((t["version"].get<uint32_t>() & 0x1fffe000u) == 0);
  CHECK(t["coinbaseaux"].is_object());
  CHECK(t["rules"] == json::array());
  CHECK(t["transactions"] == json::array());
  CHECK(t["height"] == 1);
  CHECK(t["bits"] == "207fffff");
  CHECK(t["target"].get<std::string>().size() == 64);
  CHECK(t["noncerange"] == "00000000ffffffff");
  CHECK(t["coinbasevalue"] == 100000000);
  CHECK(t.contains("curtime"));
  CHECK(t.contains("mintime"));
  CHECK_FALSE(t.contains("default_witness_commitment"));
  json va =
      lf_call(n, std::string(R"({"method":"validateaddress","params":[")") + kAddress + "\"]}");
  CHECK(va["result"]["isvalid"] == true);
  CHECK(va["result"]["isscript"] == false);
  CHECK(va["result"]["iswitness"] == false);
  CHECK(va["result"]["scriptPubKey"] == "76a9148e68bb02448f9cd6b7f4facc39ba3aa826b92ff488ac");
  json bad =
      lf_call(n, R"({"method":"validateaddress","params":["1BoatSLRHtKNngkdXEeobR76b53LETtpyT"]})");
  CHECK(bad["result"]["isvalid"] == false);

  const core::Block block = block_from_template(t, /*one_byte_height_push=*/true);
  json dec = lf_call(n, R"({"method":"decoderawtransaction","params":[")" +
                            core::to_hex(block.transactions[0].serialize()) + "\"]}");
  REQUIRE(dec["error"].is_null());
  CHECK(dec["result"]["txid"] == block.transactions[0].txid().to_display_hex());

  json best = lf_call(n, R"({"method":"getbestblockhash"})");
  CHECK(best["result"] == t["previousblockhash"]);
  json sub = lf_call(
      n, R"({"method":"submitblock","params":[")" + core::to_hex(block.serialize()) + "\"]}");
  CHECK(sub["error"].is_null());
  CHECK(sub["result"].is_null());
  const std::string hash = block.hash().to_display_hex();
  json again = lf_call(
      n, R"({"method":"submitblock","params":[")" + core::to_hex(block.serialize()) + "\"]}");
  CHECK(again["result"] == "duplicate");
  json precious = lf_call(n, R"({"method":"preciousblock","params":[")" + hash + "\"]}");
  CHECK(precious["error"].is_null());
  json bh = lf_call(n, R"({"method":"getblockhash","params":[1]})");
  CHECK(bh["result"] == hash);
  CHECK(lf_call(n, R"({"method":"getbestblockhash"})")["result"] == hash);
  // Wrong password: 401 with a challenge.
  const std::string denied =
      n.raw(lf_request(btr::test::basic_auth("user:wrong"), R"({"method":"getblockcount"})"));
  CHECK(btr::test::http_status(denied) == 401);
  CHECK(denied.find("WWW-Authenticate: Basic realm=\"jsonrpc\"") != std::string::npos);
  CHECK(btr::test::http_status(n.raw("GET / HTTP/1.1\r\nAuthorization: " +
                                     btr::test::basic_auth("user:pass") + "\r\n\r\n")) == 405);
  CHECK(n.terminate() == 0);
}

TEST_CASE("public-pool: named params, jsonrpc 1.0, id rpc-bitcoin, cookie, BIP144 coinbase") {
  NodeProcess n;
  REQUIRE(n.start());
  const std::string cookie = n.cookie();
  REQUIRE(cookie.rfind("__cookie__:", 0) == 0);
  auto named = [&](const std::string& method, const json& params) {
    const json req = {
        {"method", method}, {"params", params}, {"jsonrpc", "1.0"}, {"id", "rpc-bitcoin"}};
    const std::string body = req.dump();
    const std::string resp = n.raw(
        "POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        "Authorization: " +
        btr::test::basic_auth(cookie) + "\r\nContent-Length: " + std::to_string(body.size()) +
        "\r\n\r\n" + body);
    json reply = json::parse(btr::test::http_body(resp), nullptr, false);
    CHECK(reply["id"] == "rpc-bitcoin");
    return reply;
  };
  json info = named("getrpcinfo", json::object());
  CHECK(info["result"].contains("active_commands"));
  json mi = named("getmininginfo", json::object());
  CHECK(mi["result"]["blocks"] == 0);
  json gbt = named("getblocktemplate", {{"template_request",
                                         {{"rules", {"segwit"}},
                                          {"mode", "template"},
                                          {"capabilities", {"serverlist", "proposal"}}}}});
  REQUIRE(gbt["error"].is_null());
  core::Block block = block_from_template(gbt["result"], true);
  // public-pool adds the witness commitment output; BitSilver ignores it.
  std::vector<uint8_t> commit = {0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed};
  commit.resize(38, 0x00);
  block.transactions[0].outputs.push_back({0, commit});
  block.header.merkle_root = block.compute_merkle_root().root;
  const auto& params = core::chain_params(core::Network::kRegtest);
  while (!core::check_proof_of_work(block.header.hash(), block.header.bits, params.pow_limit)) {
    ++block.header.nonce;
  }
  // Proposal mode first (BIP23), then the submission.
  json prop = named(
      "getblocktemplate",
      {{"template_request", {{"mode", "proposal"}, {"data", core::to_hex(block.serialize())}}}});
  CHECK(prop["error"].is_null());
  CHECK(prop["result"].is_null());
  json sub = named("submitblock", {{"hexdata", witness_block_hex(block)}});
  CHECK(sub["error"].is_null());
  CHECK(sub["result"].is_null());
  CHECK(named("getmininginfo", json::object())["result"]["blocks"] == 1);
  CHECK(n.call("getbestblockhash")["result"] == block.hash().to_display_hex());
  // Stop RPC: answered, then the node exits and removes its cookie.
  CHECK(n.call("stop")["result"] == "BitSilver server stopping");
  CHECK(n.wait_exit(20000) == 0);
  CHECK_FALSE(std::filesystem::exists(n.datadir() / ".cookie"));
}

TEST_CASE("long poll waits on the loop without blocking others, answers on a new tip") {
  NodeProcess n;
  REQUIRE(n.start());
  const json t = n.call("getblocktemplate")["result"];
  const std::string lpid = t["longpollid"];
  json lp_reply;
  std::thread waiter([&] {
    lp_reply = n.call("getblocktemplate", json::array({{{"longpollid", lpid}}}));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  // Other clients are served while the long poll is parked.
  CHECK(n.call("getblockcount")["result"] == 0);
  CHECK(lp_reply.is_null());
  const json gen = n.call("generatetoaddress", json::array({1, kAddress}));
  REQUIRE(gen["error"].is_null());
  waiter.join();
  REQUIRE(lp_reply.is_object());
  CHECK(lp_reply["result"]["previousblockhash"] == gen["result"][0]);
  CHECK(lp_reply["result"]["height"] == 2);
  CHECK(n.terminate() == 0);
}

TEST_CASE("btr-cli: cookie, positional and named args, errors, attackprob") {
  NodeProcess n;
  REQUIRE(n.start());
  const std::vector<std::string> base = {"-regtest", "--datadir=" + n.base().string()};
  auto cli = [&](std::vector<std::string> args) {
    std::vector<std::string> all = base;
    all.insert(all.end(), args.begin(), args.end());
    return btr::test::run_program(BTR_CLI_BIN, all);
  };
  auto gen = cli({"generatetoaddress", "2", kAddress});
  CHECK(gen.exit_code == 0);
  auto count = cli({"getblockcount"});
  CHECK(count.output == "2\n");
  auto h0 = cli({"-named", "getblockhash", "height=0"});
  CHECK(h0.output ==
        core::chain_params(core::Network::kRegtest).genesis.hash().to_display_hex() + "\n");
  auto gbt = cli({"getblocktemplate"});
  CHECK(json::parse(gbt.output)["height"] == 3);
  auto err = cli({"getblockhash", "99"});
  CHECK(err.exit_code != 0);
  auto ap = btr::test::run_program(BTR_CLI_BIN, {"attackprob", "0.1", "5"});
  CHECK(ap.output.find("z=5 P=0.0009137") != std::string::npos);
  auto table = btr::test::run_program(BTR_CLI_BIN, {"attackprob", "0.3"});
  CHECK(table.output.find("z=10 P=0.0416605") != std::string::npos);
  CHECK(n.terminate() == 0);
}

TEST_CASE("idle keep-alive connections close after rpcservertimeout, parked long polls stay") {
  NodeProcess n({"--rpcservertimeout=1"});
  REQUIRE(n.start());
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(n.port());
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  timeval tv{10, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  char buf[16];
  // Nothing sent: the server closes the connection after about a second.
  CHECK(recv(fd, buf, sizeof buf, 0) == 0);
  close(fd);
  // A long poll outlives the idle timeout and is answered on the new tip.
  const std::string lpid = n.call("getblocktemplate")["result"]["longpollid"];
  json lp;
  std::thread waiter([&] {
    lp = n.call("getblocktemplate", json::array({{{"longpollid", lpid}}}));
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  (void)n.call("generatetoaddress", json::array({1, kAddress}));
  waiter.join();
  CHECK(lp["result"]["height"] == 2);
  CHECK(n.terminate() == 0);
}
