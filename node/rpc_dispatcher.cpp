#include "node/rpc_dispatcher.h"

#include <memory>

namespace btr::node {
namespace {

json error_object(const RpcError& e) {
  return json{{"code", e.code}, {"message", e.message}};
}

// Stands in the response for a raw result until the text is spliced in.
constexpr const char* kRawMarker = "\x01raw-result\x01";

json result_or_marker(const RpcOutcome& out) {
  return out.raw_result ? json(kRawMarker) : out.result;
}

// response.dump() with the raw result text in place of the marker.
std::string dump_with_raw(const json& response, const std::shared_ptr<const std::string>& raw) {
  std::string text = response.dump();
  if (!raw) return text;
  static const std::string dumped_marker = json(kRawMarker).dump();
  // "result" sorts after "error", "id" and "jsonrpc": the last match is it,
  // even if a client chose the marker as its id.
  const size_t at = text.rfind(dumped_marker);
  if (at != std::string::npos) text.replace(at, dumped_marker.size(), *raw);
  return text;
}

json make_response(bool v2, const json& id, const RpcOutcome& out) {
  if (v2) {
    json r = {{"jsonrpc", "2.0"}};
    if (out.ok)
      r["result"] = result_or_marker(out);
    else
      r["error"] = error_object(out.error);
    r["id"] = id;
    return r;
  }
  return json{{"result", out.ok ? result_or_marker(out) : json(nullptr)},
              {"error", out.ok ? json(nullptr) : error_object(out.error)},
              {"id", id}};
}

}  // namespace

int legacy_http_status(int rpc_error_code) {
  if (rpc_error_code == rpc_code::kInvalidRequest) return 400;
  if (rpc_error_code == rpc_code::kMethodNotFound) return 404;
  return 500;
}

void RpcDispatcher::add(RpcMethod method) {
  const std::string name = method.name;
  methods_[name] = std::move(method);
}

std::vector<std::string> RpcDispatcher::method_names() const {
  std::vector<std::string> names;
  for (const auto& [name, m] : methods_) names.push_back(name);
  return names;
}

std::string RpcDispatcher::help(const std::string& method) const {
  if (!method.empty()) {
    const auto it = methods_.find(method);
    if (it == methods_.end()) return "help: unknown command: " + method;
    return it->second.help;
  }
  std::string out;
  std::string category;
  std::map<std::string, std::vector<const RpcMethod*>> by_category;
  for (const auto& [name, m] : methods_) by_category[m.category].push_back(&m);
  for (const auto& [cat, list] : by_category) {
    if (!out.empty()) out += "\n";
    out += "== " + cat + " ==\n";
    for (const RpcMethod* m : list) out += m->help.substr(0, m->help.find('\n')) + "\n";
  }
  return out;
}

void RpcDispatcher::handle_one(const json& request, OneDone done) {
  if (!request.is_object()) {
    RpcOutcome bad = RpcOutcome::failure(rpc_code::kInvalidRequest, "Invalid Request object");
    done(make_response(false, nullptr, bad), 400, nullptr);
    return;
  }
  const json id = request.contains("id") ? request["id"] : json(nullptr);
  bool v2 = false;
  if (request.contains("jsonrpc")) {
    const json& ver = request["jsonrpc"];
    if (ver == "2.0") {
      v2 = true;
    } else if (ver != "1.0") {
      RpcOutcome bad =
          RpcOutcome::failure(rpc_code::kInvalidRequest, "JSON-RPC version not supported");
      done(make_response(false, id, bad), 400, nullptr);
      return;
    }
  }
  const bool notification = v2 && !request.contains("id");
  auto finish = [v2, id, notification, done](const RpcOutcome& out) {
    if (notification) {
      done(nullptr, 204, nullptr);
      return;
    }
    done(make_response(v2, id, out), out.ok || v2 ? 200 : legacy_http_status(out.error.code),
         out.ok ? out.raw_result : nullptr);
  };
  if (!request.contains("method") || !request["method"].is_string()) {
    finish(RpcOutcome::failure(rpc_code::kInvalidRequest, "Method must be a string"));
    return;
  }
  const std::string method = request["method"];
  json params = json::array();
  if (request.contains("params") && !request["params"].is_null()) {
    params = request["params"];
    if (!params.is_array() && !params.is_object()) {
      finish(RpcOutcome::failure(rpc_code::kInvalidRequest, "Params must be an array or object"));
      return;
    }
  }
  const auto it = methods_.find(method);
  if (it == methods_.end()) {
    finish(RpcOutcome::failure(rpc_code::kMethodNotFound, "Method not found"));
    return;
  }
  const RpcMethod& m = it->second;
  if (params.is_object()) {
    // Map named arguments onto positions; unset ones stay null.
    json positional = json::array();
    for (const auto& [key, value] : params.items()) {
      size_t pos = 0;
      while (pos < m.args.size() && m.args[pos] != key) ++pos;
      if (pos == m.args.size()) {
        finish(RpcOutcome::failure(rpc_code::kInvalidParameter, "Unknown named parameter " + key));
        return;
      }
      while (positional.size() <= pos) positional.push_back(nullptr);
      positional[pos] = value;
    }
    params = std::move(positional);
  }
  while (!params.empty() && params.back().is_null()) params.erase(params.size() - 1);
  if (params.size() > m.args.size()) {
    finish(RpcOutcome::failure(rpc_code::kMiscError, m.help));
    return;
  }
  const uint64_t active_id = next_active_++;
  active_[active_id] = method;
  // Handlers may finish later; the map entry lives until they do.
  auto once = std::make_shared<bool>(false);
  m.handler(params, [this, active_id, once, finish](RpcOutcome out) {
    if (*once) return;
    *once = true;
    active_.erase(active_id);
    finish(out);
  });
}

void RpcDispatcher::handle(const std::string& body, Reply reply) {
  json request = json::parse(body, nullptr, false);
  if (request.is_discarded() || (!request.is_object() && !request.is_array())) {
    RpcOutcome bad = RpcOutcome::failure(
        rpc_code::kParseError,
        request.is_discarded() ? "Parse error" : "Top-level object parse error");
    reply(500, make_response(false, nullptr, bad).dump());
    return;
  }
  if (request.is_object()) {
    handle_one(request, [reply](json response, int status, std::shared_ptr<const std::string> raw) {
      reply(status, response.is_null() ? std::string() : dump_with_raw(response, raw) + "\n");
    });
    return;
  }
  // Batch: answer when every element has; notifications are left out.
  struct Batch {
    std::vector<json> responses;
    size_t pending = 0;
    Reply reply;
  };
  auto batch = std::make_shared<Batch>();
  batch->responses.resize(request.size());
  batch->pending = request.size() + 1;  // +1 released after the loop
  batch->reply = std::move(reply);
  auto complete = [batch] {
    if (--batch->pending != 0) return;
    json out = json::array();
    for (json& r : batch->responses) {
      if (!r.is_null()) out.push_back(std::move(r));
    }
    batch->reply(200, out.dump() + "\n");
  };
  for (size_t i = 0; i < request.size(); ++i) {
    handle_one(request[i],
               [batch, i, complete](json response, int, std::shared_ptr<const std::string> raw) {
                 // Batches are rare: a raw result is parsed back into the tree.
                 if (raw) response["result"] = json::parse(*raw);
                 batch->responses[i] = std::move(response);
                 complete();
               });
  }
  complete();
}

}  // namespace btr::node
