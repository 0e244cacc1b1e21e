// The --api-port endpoint on 127.0.0.1 (port 0): a GET returns the body.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "test/tools/miner_net/fake_pool.h"
#include "tools/miner/api_server.h"
#include "tools/miner/mining_stats.h"

using namespace btr::tools::miner;

namespace {

struct HttpGet {
  uv_tcp_t tcp{};
  uv_connect_t connect{};
  uv_write_t write{};
  std::string request;
  std::string response;
  bool done = false;
};

}  // namespace

TEST_CASE("api server: GET returns the status JSON") {
  uv_loop_t loop;
  uv_loop_init(&loop);
  MiningStats stats({"cpu"});
  stats.share_accepted(12);
  stats.share_rejected("Above target", false, 10);
  stats.set_pool("stratum+tcp://127.0.0.1:1", true);
  ApiServer api(&loop, [&] { return stats.to_json(1).dump(); });
  auto port = api.listen("127.0.0.1", 0);
  REQUIRE(port);
  REQUIRE(*port != 0);

  HttpGet get;
  get.request = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  uv_tcp_init(&loop, &get.tcp);
  get.tcp.data = &get;
  get.connect.data = &get;
  sockaddr_in addr{};
  uv_ip4_addr("127.0.0.1", *port, &addr);
  uv_tcp_connect(&get.connect, &get.tcp, reinterpret_cast<const sockaddr*>(&addr),
                 [](uv_connect_t* req, int status) {
                   auto* g = static_cast<HttpGet*>(req->data);
                   if (status < 0) {
                     g->done = true;
                     return;
                   }
                   uv_buf_t buf =
                       uv_buf_init(g->request.data(), static_cast<unsigned>(g->request.size()));
                   uv_write(&g->write, reinterpret_cast<uv_stream_t*>(&g->tcp), &buf, 1, nullptr);
                   uv_read_start(
                       reinterpret_cast<uv_stream_t*>(&g->tcp),
                       [](uv_handle_t*, size_t, uv_buf_t* b) {
                         static char scratch[4096];
                         b->base = scratch;
                         b->len = sizeof scratch;
                       },
                       [](uv_stream_t* s, ssize_t n, const uv_buf_t* b) {
                         auto* gg = static_cast<HttpGet*>(s->data);
                         if (n < 0) {
                           gg->done = true;
                           return;
                         }
                         gg->response.append(b->base, static_cast<size_t>(n));
                       });
                 });
  REQUIRE(btr::test::run_until(
      &loop, [&] { return get.done; }, 10));
  uv_close(reinterpret_cast<uv_handle_t*>(&get.tcp), nullptr);
  api.close();
  btr::test::run_for(&loop, 0.02);
  (void)uv_loop_close(&loop);

  REQUIRE(get.response.starts_with("HTTP/1.1 200 OK"));
  const size_t body_at = get.response.find("\r\n\r\n");
  REQUIRE(body_at != std::string::npos);
  const auto body = nlohmann::json::parse(get.response.substr(body_at + 4));
  CHECK(body["accepted"] == 1);
  CHECK(body["rejected"] == 1);
  CHECK(body["rejected_by_reason"]["Above target"] == 1);
  CHECK(body["pool"] == "stratum+tcp://127.0.0.1:1");
  CHECK(body["devices"][0]["name"] == "cpu");
}
