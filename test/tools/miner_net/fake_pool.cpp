#include "test/tools/miner_net/fake_pool.h"

#include <chrono>

namespace btr::test {
namespace {

struct Write {
  uv_write_t req{};
  std::string data;
};

}  // namespace

void FakePool::Client::send_raw(std::string line) {
  if (closed) return;
  auto* write = new Write;
  write->data = std::move(line);
  uv_buf_t buf = uv_buf_init(write->data.data(), static_cast<unsigned>(write->data.size()));
  if (uv_write(&write->req, reinterpret_cast<uv_stream_t*>(&tcp), &buf, 1,
               [](uv_write_t* req, int) { delete reinterpret_cast<Write*>(req); }) != 0) {
    delete write;
  }
}

void FakePool::Client::send(const nlohmann::json& message) {
  send_raw(message.dump() + "\n");
}

void FakePool::Client::close() {
  if (closed) return;
  closed = true;
  // The Client object stays in `clients` until the pool dies; the handle is
  // closed with no callback because its memory outlives the loop iteration.
  uv_close(reinterpret_cast<uv_handle_t*>(&tcp), nullptr);
}

FakePool::FakePool(uv_loop_t* loop) : loop_(loop) {
  script = [this](Client& c, const nlohmann::json& m) { default_script(c, m); };
  notify_params = make_notify("job1", true);
}

FakePool::~FakePool() {
  kill();
}

nlohmann::json FakePool::make_notify(const std::string& job_id, bool clean) {
  // Coinbase: version 1, one input with a scriptSig of 03 <height 3 bytes> + en1 + en2
  // (coinb1 ends inside it), one output of 1 BTR to OP_TRUE.
  const std::string coinb1 =
      "01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff0c03"
      "640000";
  const std::string coinb2 = "ffffffff0100e1f5050000000001510000000000";
  return nlohmann::json::array(
      {job_id, "00000000000000000000000000000000000000000000000000000000000000ff", coinb1, coinb2,
       nlohmann::json::array(), "20000000", "207fffff", "65000000", clean});
}

int FakePool::start(int port) {
  listener_ = new uv_tcp_t;
  uv_tcp_init(loop_, listener_);
  listener_->data = this;
  sockaddr_in addr{};
  uv_ip4_addr("127.0.0.1", port, &addr);
  if (uv_tcp_bind(listener_, reinterpret_cast<const sockaddr*>(&addr), 0) != 0 ||
      uv_listen(reinterpret_cast<uv_stream_t*>(listener_), 16, &FakePool::on_connection) != 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(listener_),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_tcp_t*>(h); });
    listener_ = nullptr;
    return -1;
  }
  sockaddr_storage bound{};
  int len = sizeof bound;
  uv_tcp_getsockname(listener_, reinterpret_cast<sockaddr*>(&bound), &len);
  port_ = ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  return port_;
}

void FakePool::kill() {
  if (listener_ != nullptr) {
    uv_close(reinterpret_cast<uv_handle_t*>(listener_),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_tcp_t*>(h); });
    listener_ = nullptr;
  }
  for (auto& client : clients) client->close();
}

FakePool::Client* FakePool::last_client() {
  return clients.empty() ? nullptr : clients.back().get();
}

void FakePool::on_connection(uv_stream_t* server, int status) {
  auto* pool = static_cast<FakePool*>(server->data);
  if (status < 0) return;
  auto client = std::make_unique<Client>();
  client->pool = pool;
  uv_tcp_init(pool->loop_, &client->tcp);
  client->tcp.data = client.get();
  if (uv_accept(server, reinterpret_cast<uv_stream_t*>(&client->tcp)) != 0) {
    client->close();
    pool->clients.push_back(std::move(client));
    return;
  }
  ++pool->connections;
  uv_read_start(
      reinterpret_cast<uv_stream_t*>(&client->tcp),
      [](uv_handle_t*, size_t suggested, uv_buf_t* buf) {
        buf->base = new char[suggested];
        buf->len = suggested;
      },
      &FakePool::on_read);
  pool->clients.push_back(std::move(client));
}

void FakePool::on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* client = static_cast<Client*>(stream->data);
  std::unique_ptr<char[]> owned(buf->base);
  if (client->closed) return;
  if (nread < 0) {
    client->close();
    return;
  }
  (void)client->framer.feed(std::string_view(buf->base, static_cast<size_t>(nread)));
  while (auto line = client->framer.next_line()) {
    auto message = nlohmann::json::parse(*line, nullptr, false);
    if (message.is_discarded()) continue;
    client->received.push_back(message);
    if (message.value("method", "") == "mining.submit") client->pool->submits.push_back(message);
    if (!client->pool->silent && client->pool->script) client->pool->script(*client, message);
    if (client->closed) return;
  }
}

void FakePool::default_script(Client& client, const nlohmann::json& message) {
  const std::string method = message.value("method", "");
  const nlohmann::json id = message.contains("id") ? message["id"] : nlohmann::json();
  if (method == "mining.configure") {
    client.send({{"id", id},
                 {"result", {{"version-rolling", true}, {"version-rolling.mask", "1fffe000"}}},
                 {"error", nullptr}});
  } else if (method == "mining.subscribe") {
    client.send(
        {{"id", id},
         {"result", {{{"mining.notify", "ae6812eb4cd7735a302a8a9dd95cf71f"}}, "01020304", 4}},
         {"error", nullptr}});
  } else if (method == "mining.authorize") {
    client.send({{"id", id}, {"result", true}, {"error", nullptr}});
    client.send({{"id", nullptr}, {"method", "mining.set_difficulty"}, {"params", {difficulty}}});
    client.send({{"id", nullptr}, {"method", "mining.notify"}, {"params", notify_params}});
  } else if (method == "mining.submit") {
    client.send({{"id", id}, {"result", true}, {"error", nullptr}});
  }
}

bool run_until(uv_loop_t* loop, const std::function<bool()>& pred, double timeout_s) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  uv_timer_t tick;
  uv_timer_init(loop, &tick);
  uv_timer_start(
      &tick, [](uv_timer_t*) {}, 5, 5);  // wakes UV_RUN_ONCE regularly
  while (!pred() && std::chrono::steady_clock::now() < deadline) uv_run(loop, UV_RUN_ONCE);
  uv_close(reinterpret_cast<uv_handle_t*>(&tick), nullptr);
  uv_run(loop, UV_RUN_NOWAIT);
  return pred();
}

void run_for(uv_loop_t* loop, double seconds) {
  run_until(
      loop, [] { return false; }, seconds);
}

}  // namespace btr::test
