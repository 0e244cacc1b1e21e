// Results answered as JSON text (RpcOutcome::success_raw, used by
// getblocktemplate's cache) reach the client exactly as a tree would, in
// single requests of both JSON-RPC versions and in batches.

#include <doctest/doctest.h>

#include "node/rpc_dispatcher.h"

using namespace btr::node;

namespace {

std::string answer(RpcDispatcher& d, const std::string& body) {
  std::string out;
  d.handle(body, [&out](int, std::string text) { out = std::move(text); });
  return out;
}

}  // namespace

TEST_CASE("rpc: raw JSON text results equal tree results") {
  RpcDispatcher d;
  const json value = {{"b", json::array({1, 2, "x\u0001y"})}, {"a", nullptr}};
  d.add({"tree", "test", {}, "tree", [value](const json&, RpcDone done) {
           done(RpcOutcome::success(value));
         }});
  d.add({"raw", "test", {}, "raw", [value](const json&, RpcDone done) {
           done(RpcOutcome::success_raw(std::make_shared<const std::string>(value.dump())));
         }});
  for (const char* version : {"1.0", "2.0"}) {
    const std::string head = std::string(R"({"jsonrpc":")") + version + R"(","id":7,"method":")";
    const json tree = json::parse(answer(d, head + R"(tree"})"));
    const json raw = json::parse(answer(d, head + R"(raw"})"));
    CHECK(raw == tree);
    CHECK(raw["result"] == value);
  }
  // An id that looks like the dispatcher's internal marker changes nothing.
  const json odd = json::parse(answer(d, R"({"id":"\u0001raw-result\u0001","method":"raw"})"));
  CHECK(odd["result"] == value);
  CHECK(odd["id"] == "\x01raw-result\x01");
  const json batch =
      json::parse(answer(d, R"([{"id":1,"method":"raw"},{"id":2,"method":"tree"}])"));
  REQUIRE(batch.size() == 2);
  CHECK(batch[0]["result"] == value);
  CHECK(batch[1]["result"] == value);
}
