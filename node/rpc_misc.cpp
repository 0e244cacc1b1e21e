// Control RPCs: help, stop, uptime, getrpcinfo.

#include <chrono>

#include "node/node_context.h"
#include "node/rpc_util.h"

namespace btr::node {
namespace {

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

void register_misc_rpcs(NodeContext& ctx) {
  RpcDispatcher& d = ctx.dispatcher;
  d.add({"help",
         "control",
         {"command"},
         "help ( \"command\" )\nLists commands, or helps with one.",
         sync_handler([&ctx](const json& p) {
           const json* c = param(p, 0);
           return ctx.dispatcher.help(c != nullptr && c->is_string() ? c->get<std::string>() : "");
         })});
  d.add({"stop", "control", {"wait"}, "stop\nStops the node.", [&ctx](const json&, RpcDone done) {
           // Answer first; the loop stops after this reply is written.
           done(RpcOutcome::success("BitSilver server stopping"));
           ctx.request_stop();
         }});
  d.add({"uptime",
         "control",
         {},
         "uptime\nSeconds since the node started.",
         sync_handler([&ctx](const json&) { return unix_now() - ctx.start_time; })});
  d.add({"getrpcinfo",
         "control",
         {},
         "getrpcinfo\nActive commands and the log path.",
         sync_handler([&ctx](const json&) {
           json active = json::array();
           for (const auto& [id, method] : ctx.dispatcher.active()) {
             active.push_back({{"method", method}, {"duration", 0}});
           }
           return json{{"active_commands", active}, {"logpath", ctx.log_path.string()}};
         })});
}

}  // namespace btr::node
