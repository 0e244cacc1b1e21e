// Block notifications: --blocknotify runs a shell command with %s = hash,
// and ZMQ publishes hashblock/rawblock in Core's three-frame format.

#include <doctest/doctest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <thread>

#include "core/hex.h"
#include "test/common/test_util.h"
#include "test/node/net/node_process.h"

#ifdef BTR_HAVE_ZMQ
#include <zmq.h>
#endif

using btr::test::NodeProcess;
using nlohmann::json;

namespace {

const char* kAddress = "mtVwi6aB1K4mZ4ziK27VgXGjdhLQ1V9iqs";

// A loopback port that was free a moment ago (for ZMQ, which the node binds).
uint16_t free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

}  // namespace

TEST_CASE("blocknotify runs the command with the block hash") {
  NodeProcess probe;  // only for its temporary folder name
  const auto out = probe.base() / "notified.txt";
  NodeProcess n({"--blocknotify=echo %s >> " + out.string()});
  REQUIRE(n.start());
  const json gen = n.call("generatetoaddress", json::array({2, kAddress}));
  REQUIRE(gen["error"].is_null());
  std::string text;
  for (int i = 0; i < 200 && std::count(text.begin(), text.end(), '\n') < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    if (std::filesystem::exists(out)) text = btr::test::read_file(out);
  }
  CHECK(text.find(gen["result"][0].get<std::string>()) != std::string::npos);
  CHECK(text.find(gen["result"][1].get<std::string>()) != std::string::npos);
  CHECK(n.terminate() == 0);
}

#ifdef BTR_HAVE_ZMQ
TEST_CASE("ZMQ hashblock and rawblock: topic, body, 4-byte little-endian sequence") {
  const std::string endpoint = "tcp://127.0.0.1:" + std::to_string(free_port());
  NodeProcess n({"--zmqpubhashblock=" + endpoint, "--zmqpubrawblock=" + endpoint});
  REQUIRE(n.start());
  void* ctx = zmq_ctx_new();
  void* sub = zmq_socket(ctx, ZMQ_SUB);
  zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "hashblock", 9);
  zmq_setsockopt(sub, ZMQ_SUBSCRIBE, "rawblock", 8);
  int timeout_ms = 5000;
  zmq_setsockopt(sub, ZMQ_RCVTIMEO, &timeout_ms, sizeof timeout_ms);
  REQUIRE(zmq_connect(sub, endpoint.c_str()) == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // PUB/SUB join
  const json gen = n.call("generatetoaddress", json::array({2, kAddress}));
  REQUIRE(gen["error"].is_null());
  int hash_msgs = 0;
  int raw_msgs = 0;
  for (int m = 0; m < 4; ++m) {
    std::vector<std::string> frames;
    int more = 1;
    while (more != 0) {
      zmq_msg_t msg;
      zmq_msg_init(&msg);
      if (zmq_msg_recv(&msg, sub, 0) < 0) {
        zmq_msg_close(&msg);
        break;
      }
      frames.emplace_back(static_cast<const char*>(zmq_msg_data(&msg)), zmq_msg_size(&msg));
      more = zmq_msg_more(&msg);
      zmq_msg_close(&msg);
    }
    REQUIRE(frames.size() == 3);
    REQUIRE(frames[2].size() == 4);
    const auto seq = static_cast<uint32_t>(static_cast<uint8_t>(frames[2][0])) |
                     static_cast<uint32_t>(static_cast<uint8_t>(frames[2][1])) << 8;
    if (frames[0] == "hashblock") {
      CHECK(frames[1].size() == 32);
      const std::vector<uint8_t> body(frames[1].begin(), frames[1].end());
      CHECK(btr::core::to_hex(body) == gen["result"][hash_msgs].get<std::string>());
      CHECK(seq == static_cast<uint32_t>(hash_msgs));
      ++hash_msgs;
    } else {
      CHECK(frames[0] == "rawblock");
      CHECK(frames[1].size() > 80);
      CHECK(seq == static_cast<uint32_t>(raw_msgs));
      ++raw_msgs;
    }
  }
  CHECK(hash_msgs == 2);
  CHECK(raw_msgs == 2);
  zmq_close(sub);
  zmq_ctx_term(ctx);
  CHECK(n.terminate() == 0);
}
#endif
