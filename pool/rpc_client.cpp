#include "pool/rpc_client.h"

#include <fstream>
#include <sstream>

namespace btr::pool {

core::Status RpcClient::refresh_auth() {
  if (creds_.cookie_file.empty()) {
    auth_header_ = creds_.user.empty() ? std::string() : basic_auth(creds_.user, creds_.password);
    auth_fresh_ = true;
    return core::Status::success();
  }
  std::ifstream in(creds_.cookie_file);
  if (!in) return core::fail("cannot read cookie file " + creds_.cookie_file);
  std::string line;
  std::getline(in, line);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  const size_t colon = line.find(':');
  if (colon == std::string::npos) return core::fail("malformed cookie file " + creds_.cookie_file);
  auth_header_ = basic_auth(line.substr(0, colon), line.substr(colon + 1));
  auth_fresh_ = true;
  return core::Status::success();
}

core::Result<RpcReply> RpcClient::call(const std::string& method, const nlohmann::json& params,
                                       int timeout_ms, const std::atomic<bool>* stop) {
  if (!auth_fresh_) {
    auto st = refresh_auth();
    if (!st.ok()) return core::fail(st.error());
  }
  nlohmann::json req = {
      {"jsonrpc", "1.0"}, {"id", next_id_++}, {"method", method}, {"params", params}};
  auto resp = http_.post(req.dump(), auth_header_, timeout_ms, stop);
  if (!resp.ok()) {
    auth_fresh_ = false;  // re-read the cookie before the next attempt
    return core::fail(method + ": " + resp.error());
  }
  if (resp->status == 401 || resp->status == 403) {
    auth_fresh_ = false;
    http_.close();
    return core::fail(method + ": node refused the credentials (HTTP " +
                      std::to_string(resp->status) + ")");
  }
  nlohmann::json body = nlohmann::json::parse(resp->body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return core::fail(method + ": HTTP " + std::to_string(resp->status) + " without JSON body");
  }
  RpcReply reply;
  const auto err = body.find("error");
  if (err != body.end() && !err->is_null()) {
    reply.is_error = true;
    if (err->is_object()) {
      reply.error_code = err->value("code", 0);
      reply.error_message = err->value("message", std::string("error"));
    } else {
      reply.error_message = err->dump();
    }
    return reply;
  }
  const auto res = body.find("result");
  if (res == body.end()) return core::fail(method + ": reply has no result");
  reply.result = *res;
  return reply;
}

}  // namespace btr::pool
