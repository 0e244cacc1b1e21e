#pragma once
// Gets work from btr-node without ever blocking the event loop. Blocking
// JSON-RPC calls run on worker threads, each with its own HTTP connection;
// their results are queued and handed to the loop through a uv_async_t, so
// every callback below runs on the loop thread.
//
//  - "rpc" thread: submitblock first (a found block goes out before anything
//    else), then the getbestblockhash poll (~100 ms), a template on a tip
//    change, when woken (ZMQ hashblock, after a submit) or every 30 s.
//  - "longpoll" thread: getblocktemplate with the last longpollid; the node
//    answers when the template changes.
//  - "zmq" thread (when configured and libzmq was found): hashblock -> wake.
// When the node is unreachable the threads retry with a growing backoff; a
// block is never submitted on top of a tip that is no longer the node's best.

#include <uv.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "pool/http_client.h"
#include "pool/rpc_client.h"

namespace btr::pool {

struct NodeClientOptions {
  HttpUrl url;
  RpcCredentials credentials;
  std::string zmq_hashblock;  // empty = off
  double poll_interval_s = 0.1;
  double template_refresh_s = 30.0;
  bool longpoll = true;
  int call_timeout_ms = 15000;
  int longpoll_timeout_ms = 120000;
  double submit_give_up_s = 120.0;  // a block not delivered by then is dropped
};

struct SubmitOutcome {
  uint64_t tag = 0;  // the caller's identifier of the submission
  std::string block_hash;
  bool accepted = false;  // null or "duplicate"
  std::string result;     // "accepted", the node's reason, or why it was not sent
};

struct NodeEvents {
  std::function<void(nlohmann::json tmpl)> on_template;
  std::function<void(bool reachable, const std::string& why)> on_node_state;
  std::function<void(const SubmitOutcome&)> on_submit_result;
};

class NodeClient {
 public:
  NodeClient(uv_loop_t* loop, NodeClientOptions options, NodeEvents events);
  ~NodeClient();
  NodeClient(const NodeClient&) = delete;
  NodeClient& operator=(const NodeClient&) = delete;

  void start();
  // Joins the threads and closes the async handle (loop thread only).
  void stop();
  // Queues a block (hex of the serialized block); prev_hash is the display hex
  // of the tip it builds on. The outcome arrives through on_submit_result.
  void submit_block(uint64_t tag, std::string block_hex, std::string block_hash,
                    std::string prev_hash);
  // Asks for a fresh template as soon as possible.
  void request_template();

 private:
  struct Submission {
    uint64_t tag;
    std::string hex, hash, prev;
    int64_t queued_ms;
  };
  struct Event {
    enum Kind { kTemplate, kState, kSubmit } kind;
    nlohmann::json tmpl;
    bool reachable = false;
    std::string why;
    SubmitOutcome submit;
  };

  void rpc_thread();
  void longpoll_thread();
  void zmq_thread();
  void post(Event ev);
  void drain_events();
  void set_reachable(bool reachable, const std::string& why);
  bool process_submissions(RpcClient& rpc);
  bool fetch_template(RpcClient& rpc, const char* reason);
  void note_template(const nlohmann::json& tmpl);
  void sleep_for_ms(int64_t ms);

  uv_loop_t* loop_;
  NodeClientOptions opt_;
  NodeEvents events_;
  uv_async_t async_{};
  bool async_open_ = false;

  std::atomic<bool> stop_{false};
  std::mutex mu_;  // guards everything below
  std::condition_variable cv_;
  std::deque<Submission> submissions_;
  std::deque<Event> events_queue_;
  bool wake_ = false;
  bool reachable_ = false;
  bool reported_state_ = false;
  std::string tip_;  // previousblockhash of the newest template
  std::string longpollid_;
  int64_t last_template_ms_ = 0;
  std::thread rpc_;
  std::thread longpoll_;
  std::thread zmq_;
};

// Monotonic milliseconds (shared by the pool's timers and the node client).
int64_t monotonic_ms();

}  // namespace btr::pool
