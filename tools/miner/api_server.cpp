#include "tools/miner/api_server.h"

#include <string_view>

namespace btr::tools::miner {

// One HTTP exchange. Owns itself; freed when both handles are closed.
struct ApiServer::Client {
  uv_tcp_t tcp{};
  uv_timer_t timer{};
  uv_write_t write{};
  std::string request;
  std::string response;
  Body* body = nullptr;
  int open_handles = 2;
  bool closing = false;

  void close() {
    if (closing) return;
    closing = true;
    const auto closed = [](uv_handle_t* h) {
      auto* self = static_cast<Client*>(h->data);
      if (--self->open_handles == 0) delete self;
    };
    uv_close(reinterpret_cast<uv_handle_t*>(&timer), closed);
    uv_close(reinterpret_cast<uv_handle_t*>(&tcp), closed);
  }

  void respond() {
    uv_read_stop(reinterpret_cast<uv_stream_t*>(&tcp));
    const bool get = request.starts_with("GET ");
    const std::string json = get ? (*body)() : std::string(R"({"error":"use GET"})");
    response =
        std::string(get ? "HTTP/1.1 200 OK" : "HTTP/1.1 405 Method Not Allowed") +
        "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(json.size()) +
        "\r\nConnection: close\r\n\r\n" + json;
    uv_buf_t buf = uv_buf_init(response.data(), static_cast<unsigned>(response.size()));
    write.data = this;
    if (uv_write(&write, reinterpret_cast<uv_stream_t*>(&tcp), &buf, 1,
                 [](uv_write_t* req, int) { static_cast<Client*>(req->data)->close(); }) != 0) {
      close();
    }
  }
};

core::Result<uint16_t> ApiServer::listen(const std::string& address, uint16_t port) {
  sockaddr_storage addr{};
  if (uv_ip4_addr(address.c_str(), port, reinterpret_cast<sockaddr_in*>(&addr)) != 0 &&
      uv_ip6_addr(address.c_str(), port, reinterpret_cast<sockaddr_in6*>(&addr)) != 0) {
    return core::fail("--api-bind: bad address " + address);
  }
  uv_tcp_init(loop_, &server_);
  server_.data = this;
  listening_ = true;
  int rc = uv_tcp_bind(&server_, reinterpret_cast<const sockaddr*>(&addr), 0);
  if (rc == 0)
    rc = uv_listen(reinterpret_cast<uv_stream_t*>(&server_), 16, &ApiServer::on_connection);
  if (rc != 0) return core::fail(std::string("--api-port: ") + uv_strerror(rc));
  sockaddr_storage bound{};
  int len = sizeof bound;
  uv_tcp_getsockname(&server_, reinterpret_cast<sockaddr*>(&bound), &len);
  return static_cast<uint16_t>(ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port));
}

void ApiServer::close() {
  if (!listening_) return;
  listening_ = false;
  uv_close(reinterpret_cast<uv_handle_t*>(&server_), nullptr);
}

void ApiServer::on_connection(uv_stream_t* server, int status) {
  auto* self = static_cast<ApiServer*>(server->data);
  if (status < 0) return;
  auto* client = new Client;
  client->body = &self->body_;
  uv_tcp_init(self->loop_, &client->tcp);
  uv_timer_init(self->loop_, &client->timer);
  client->tcp.data = client;
  client->timer.data = client;
  if (uv_accept(server, reinterpret_cast<uv_stream_t*>(&client->tcp)) != 0) {
    client->close();
    return;
  }
  uv_timer_start(
      &client->timer, [](uv_timer_t* t) { static_cast<Client*>(t->data)->close(); }, 5000, 0);
  uv_read_start(
      reinterpret_cast<uv_stream_t*>(&client->tcp),
      [](uv_handle_t* h, size_t, uv_buf_t* buf) {
        static thread_local char scratch[4096];
        (void)h;
        buf->base = scratch;
        buf->len = sizeof scratch;
      },
      [](uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
        auto* c = static_cast<Client*>(stream->data);
        if (c->closing) return;
        if (nread < 0) return c->close();
        c->request.append(buf->base, static_cast<size_t>(nread));
        if (c->request.find("\r\n\r\n") != std::string::npos ||
            c->request.find("\n\n") != std::string::npos) {
          c->respond();
        } else if (c->request.size() > 8192) {
          c->close();
        }
      });
}

}  // namespace btr::tools::miner
