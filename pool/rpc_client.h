#pragma once
// JSON-RPC 1.0 over HTTP to btr-node with Basic auth from a user/password pair
// or from the node's cookie file. The cookie is re-read whenever the
// connection is (re)made, because btr-node writes a new one at each start.
// Blocking: used only from the node client's worker threads.

#include <atomic>
#include <nlohmann/json.hpp>
#include <string>

#include "core/result.h"
#include "pool/http_client.h"

namespace btr::pool {

struct RpcCredentials {
  std::string cookie_file;  // "__cookie__:password"; used when set
  std::string user;
  std::string password;
};

// The node answered: either a result or a JSON-RPC error object.
struct RpcReply {
  nlohmann::json result;
  bool is_error = false;
  int error_code = 0;
  std::string error_message;
};

class RpcClient {
 public:
  RpcClient(HttpUrl url, RpcCredentials creds) : http_(std::move(url)), creds_(std::move(creds)) {}

  // Fails only when the node could not be reached or refused the credentials;
  // JSON-RPC errors come back as a reply with is_error set.
  core::Result<RpcReply> call(const std::string& method, const nlohmann::json& params,
                              int timeout_ms, const std::atomic<bool>* stop = nullptr);
  void disconnect() { http_.close(); }

 private:
  core::Status refresh_auth();

  HttpClient http_;
  RpcCredentials creds_;
  std::string auth_header_;
  bool auth_fresh_ = false;
  uint64_t next_id_ = 1;
};

}  // namespace btr::pool
