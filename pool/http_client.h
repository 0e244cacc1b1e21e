#pragma once
// A small blocking HTTP/1.1 client for JSON-RPC to btr-node. It runs only on
// the node client's worker threads, never on the event loop. One keep-alive
// connection per client object; every blocking step waits in short slices so
// that a stop flag is honoured within ~100 ms.

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace btr::pool {

struct HttpUrl {
  std::string host;  // without brackets for IPv6 literals
  uint16_t port = 80;
  std::string path = "/";
};

// Parses "http://HOST:PORT[/path]" (HOST may be [v6]). Only plain http.
core::Result<HttpUrl> parse_http_url(std::string_view url);

struct HttpResponse {
  int status = 0;
  std::string body;
};

class HttpClient {
 public:
  explicit HttpClient(HttpUrl url) : url_(std::move(url)) {}
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // POSTs body to the URL's path with the given Authorization header value
  // (empty: none). timeout_ms bounds the whole exchange; `stop` (optional)
  // aborts it early. Reconnects once when a kept-alive connection was closed.
  core::Result<HttpResponse> post(std::string_view body, std::string_view authorization,
                                  int timeout_ms, const std::atomic<bool>* stop = nullptr);
  void close();

 private:
  core::Status connect_socket(int64_t deadline_ms, const std::atomic<bool>* stop);
  core::Result<HttpResponse> exchange(const std::string& request, int64_t deadline_ms,
                                      const std::atomic<bool>* stop, bool& server_closed);

  HttpUrl url_;
  int fd_ = -1;
};

// "Basic base64(user:password)".
std::string basic_auth(std::string_view user, std::string_view password);

}  // namespace btr::pool
