#pragma once
// Bitcoin Core-compatible JSON-RPC on top of HTTP bodies: JSON-RPC 1.0
// (legacy: "result" and "error" both present, HTTP status from the error
// code) and 2.0 (HTTP 200, notifications without "id" get no answer), batches,
// positional and named parameters (named ones are mapped onto each method's
// argument list, as Core's transformNamedArguments does), requests without
// "id" or without "params". Methods may answer later (long polling): a
// handler gets a completion callback that it calls exactly once.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace btr::node {

using json = nlohmann::json;

// Bitcoin Core's RPC error codes (src/rpc/protocol.h).
namespace rpc_code {
inline constexpr int kMiscError = -1;
inline constexpr int kTypeError = -3;
inline constexpr int kInvalidAddressOrKey = -5;
inline constexpr int kInvalidParameter = -8;
inline constexpr int kDeserializationError = -22;
inline constexpr int kVerifyError = -25;
inline constexpr int kVerifyRejected = -26;
inline constexpr int kVerifyAlreadyInChain = -27;
inline constexpr int kInWarmup = -28;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
inline constexpr int kParseError = -32700;
}  // namespace rpc_code

struct RpcError {
  int code = rpc_code::kMiscError;
  std::string message;
};

// What a method produced: a result or an error.
struct RpcOutcome {
  bool ok = true;
  json result;
  RpcError error;
  // The result as JSON text, used instead of `result` when set: a large
  // cached answer (getblocktemplate with thousands of transactions) is sent
  // without building and serializing its tree again.
  std::shared_ptr<const std::string> raw_result;

  static RpcOutcome success(json value) { return {true, std::move(value), {}, nullptr}; }
  static RpcOutcome success_raw(std::shared_ptr<const std::string> text) {
    return {true, nullptr, {}, std::move(text)};
  }
  static RpcOutcome failure(int code, std::string message) {
    return {false, nullptr, {code, std::move(message)}, nullptr};
  }
};

using RpcDone = std::function<void(RpcOutcome)>;
// params is always a JSON array here (named parameters already mapped).
using RpcHandler = std::function<void(const json& params, RpcDone done)>;

struct RpcMethod {
  std::string name;
  std::string category;
  std::vector<std::string> args;  // argument names in positional order
  std::string help;               // first line: "name arg1 ( arg2 )"
  RpcHandler handler;
};

class RpcDispatcher {
 public:
  // Sends the HTTP answer: status and JSON body (empty body with 204).
  using Reply = std::function<void(int http_status, std::string body)>;

  void add(RpcMethod method);
  bool has(const std::string& name) const { return methods_.count(name) != 0; }
  // Handles one HTTP POST body; calls reply exactly once.
  void handle(const std::string& body, Reply reply);
  // Runs one request object already parsed; done gets the response object
  // (or nullptr for a JSON-RPC 2.0 notification) and the legacy HTTP status.
  // raw: the result's JSON text when the method answered with success_raw.
  using OneDone =
      std::function<void(json response, int status, std::shared_ptr<const std::string> raw)>;
  void handle_one(const json& request, OneDone done);

  std::string help(const std::string& method) const;
  std::vector<std::string> method_names() const;
  // Requests being executed right now (getrpcinfo's active_commands).
  const std::map<uint64_t, std::string>& active() const { return active_; }

 private:
  std::map<std::string, RpcMethod> methods_;
  std::map<uint64_t, std::string> active_;
  uint64_t next_active_ = 1;
};

// HTTP status Core uses for a legacy (JSON-RPC 1.0) error reply.
int legacy_http_status(int rpc_error_code);

}  // namespace btr::node
