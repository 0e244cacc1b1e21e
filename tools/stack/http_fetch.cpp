#include "tools/stack/http_fetch.h"

#include <uv.h>

#include <charconv>
#include <fstream>
#include <memory>

namespace btr::tools::stack {
namespace {

// State of one request on its private loop.
struct Exchange {
  uv_loop_t loop{};
  uv_tcp_t tcp{};
  uv_timer_t timer{};
  uv_connect_t connect{};
  uv_write_t write{};
  std::string request;
  std::string response;
  std::string error;
  char buffer[16384];
  bool done = false;
};

void finish(Exchange* x, std::string error) {
  if (x->done) return;
  x->done = true;
  x->error = std::move(error);
  uv_timer_stop(&x->timer);
  uv_read_stop(reinterpret_cast<uv_stream_t*>(&x->tcp));
  if (uv_is_closing(reinterpret_cast<uv_handle_t*>(&x->tcp)) == 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(&x->tcp), nullptr);
  }
  uv_close(reinterpret_cast<uv_handle_t*>(&x->timer), nullptr);
}

// True once the head and Content-Length bytes of body are in.
bool response_complete(const std::string& r) {
  const size_t head_end = r.find("\r\n\r\n");
  if (head_end == std::string::npos) return false;
  std::string head = r.substr(0, head_end);
  for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const size_t cl = head.find("content-length:");
  if (cl == std::string::npos) return false;  // read until the server closes
  size_t pos = cl + 15;
  while (pos < head.size() && head[pos] == ' ') ++pos;
  size_t length = 0;
  std::from_chars(head.data() + pos, head.data() + head.size(), length);
  return r.size() >= head_end + 4 + length;
}

void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  auto* x = static_cast<Exchange*>(stream->data);
  if (nread > 0) {
    x->response.append(buf->base, static_cast<size_t>(nread));
    if (x->response.size() > (64u << 20)) return finish(x, "response too large");
    if (response_complete(x->response)) finish(x, "");
    return;
  }
  if (nread < 0) finish(x, nread == UV_EOF ? "" : uv_strerror(static_cast<int>(nread)));
}

void on_connect(uv_connect_t* req, int status) {
  auto* x = static_cast<Exchange*>(req->data);
  if (status != 0) return finish(x, std::string("connect: ") + uv_strerror(status));
  uv_buf_t buf = uv_buf_init(x->request.data(), static_cast<unsigned>(x->request.size()));
  x->write.data = x;
  uv_write(&x->write, reinterpret_cast<uv_stream_t*>(&x->tcp), &buf, 1, [](uv_write_t* w, int st) {
    if (st != 0) finish(static_cast<Exchange*>(w->data), "write failed");
  });
  uv_read_start(
      reinterpret_cast<uv_stream_t*>(&x->tcp),
      [](uv_handle_t* h, size_t, uv_buf_t* b) {
        auto* ex = static_cast<Exchange*>(h->data);
        *b = uv_buf_init(ex->buffer, sizeof ex->buffer);
      },
      &on_read);
}

}  // namespace

core::Result<HttpReply> http_fetch(const HttpRequest& r) {
  auto x = std::make_unique<Exchange>();
  x->request = r.method + " " + r.path + " HTTP/1.1\r\nHost: " + r.host + ":" +
               std::to_string(r.port) + "\r\nConnection: close\r\n";
  if (!r.authorization.empty()) x->request += "Authorization: " + r.authorization + "\r\n";
  if (!r.body.empty() || r.method == "POST") {
    x->request +=
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(r.body.size()) +
        "\r\n";
  }
  x->request += "\r\n" + r.body;

  sockaddr_storage addr{};
  if (uv_ip4_addr(r.host.c_str(), r.port, reinterpret_cast<sockaddr_in*>(&addr)) != 0 &&
      uv_ip6_addr(r.host.c_str(), r.port, reinterpret_cast<sockaddr_in6*>(&addr)) != 0) {
    return core::fail("not an IP address: " + r.host);
  }
  uv_loop_init(&x->loop);
  uv_tcp_init(&x->loop, &x->tcp);
  uv_timer_init(&x->loop, &x->timer);
  x->tcp.data = x.get();
  x->timer.data = x.get();
  x->connect.data = x.get();
  uv_timer_start(
      &x->timer, [](uv_timer_t* t) { finish(static_cast<Exchange*>(t->data), "timeout"); },
      static_cast<uint64_t>(r.timeout_s * 1000), 0);
  const int rc =
      uv_tcp_connect(&x->connect, &x->tcp, reinterpret_cast<const sockaddr*>(&addr), &on_connect);
  if (rc != 0) finish(x.get(), std::string("connect: ") + uv_strerror(rc));
  uv_run(&x->loop, UV_RUN_DEFAULT);
  uv_loop_close(&x->loop);
  if (!x->error.empty()) return core::fail(x->error);

  const std::string& resp = x->response;
  const size_t head_end = resp.find("\r\n\r\n");
  if (!resp.starts_with("HTTP/1.") || head_end == std::string::npos || resp.size() < 12) {
    return core::fail("not an HTTP response");
  }
  HttpReply reply;
  std::from_chars(resp.data() + 9, resp.data() + 12, reply.status);
  reply.body = resp.substr(head_end + 4);
  return reply;
}

core::Result<nlohmann::json> http_get_json(const std::string& host, uint16_t port,
                                           const std::string& path, double timeout_s) {
  HttpRequest req;
  req.host = host;
  req.port = port;
  req.path = path;
  req.timeout_s = timeout_s;
  auto reply = http_fetch(req);
  if (!reply) return core::fail(reply.error());
  if (reply->status != 200)
    return core::fail("HTTP " + std::to_string(reply->status) + " for " + path);
  auto j = nlohmann::json::parse(reply->body, nullptr, false);
  if (j.is_discarded()) return core::fail("not JSON: " + path);
  return j;
}

NodeRpc::NodeRpc(std::string host, uint16_t port, std::string cookie_file)
    : host_(std::move(host)), port_(port), cookie_file_(std::move(cookie_file)) {}

core::Status NodeRpc::load_cookie() {
  std::ifstream in(cookie_file_);
  std::string line;
  if (!in || !std::getline(in, line) || line.find(':') == std::string::npos) {
    return core::fail("no cookie at " + cookie_file_);
  }
  // Basic auth needs base64 of user:password.
  static constexpr char kTable[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string encoded;
  uint32_t acc = 0;
  int bits = 0;
  for (const unsigned char c : line) {
    acc = (acc << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      encoded += kTable[(acc >> bits) & 63];
    }
  }
  if (bits > 0) encoded += kTable[(acc << (6 - bits)) & 63];
  while (encoded.size() % 4 != 0) encoded += '=';
  authorization_ = "Basic " + encoded;
  return core::Status::success();
}

core::Result<nlohmann::json> NodeRpc::call(const std::string& method, const nlohmann::json& params,
                                           double timeout_s) {
  if (authorization_.empty()) {
    if (auto st = load_cookie(); !st) return core::fail(st.error());
  }
  HttpRequest req;
  req.method = "POST";
  req.host = host_;
  req.port = port_;
  req.timeout_s = timeout_s;
  req.body = nlohmann::json{
      {"jsonrpc", "1.0"},
      {"id", "btr-stack"},
      {"method", method},
      {"params",
       params}}.dump();
  req.authorization = authorization_;
  auto reply = http_fetch(req);
  if (!reply) return core::fail(reply.error());
  if (reply->status == 401 || reply->status == 403) {
    authorization_.clear();  // a restarted node wrote a new cookie
    return core::fail("RPC authorization refused");
  }
  auto j = nlohmann::json::parse(reply->body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return core::fail("HTTP " + std::to_string(reply->status) + " without a JSON-RPC reply");
  }
  if (j.contains("error") && !j["error"].is_null()) {
    const auto& e = j["error"];
    return core::fail(e.is_object() ? e.value("message", e.dump()) : e.dump());
  }
  return j.value("result", nlohmann::json());
}

}  // namespace btr::tools::stack
