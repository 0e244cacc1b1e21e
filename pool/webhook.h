#pragma once
// Notifications to an operator's webhook: each event is one HTTP POST of a
// JSON object ({"event": "block_found" | "block_confirmed" | "block_orphaned"
// | "worker_offline", "time": unix seconds, ...}) to the configured URL.
// notify() only queues (the event loop never waits on the network); one
// worker thread sends them in order with a timeout, and a failure is logged
// and dropped, never retried forever. The queue is bounded.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "core/result.h"
#include "pool/http_client.h"

namespace btr::pool {

class Webhook {
 public:
  using Logger = std::function<void(const std::string&)>;
  // url: "http://HOST:PORT/path". The thread starts at once.
  static core::Result<std::unique_ptr<Webhook>> create(const std::string& url, Logger log,
                                                       int timeout_ms = 5000);
  ~Webhook();  // sends nothing more; joins the thread
  Webhook(const Webhook&) = delete;
  Webhook& operator=(const Webhook&) = delete;

  // Queues an event; drops it (and counts it) when 1,000 are waiting.
  void notify(nlohmann::json event);
  uint64_t sent() const { return sent_.load(); }
  uint64_t failed() const { return failed_.load(); }
  uint64_t dropped() const { return dropped_.load(); }

 private:
  Webhook(HttpUrl url, Logger log, int timeout_ms);
  void run();

  HttpUrl url_;
  Logger log_;
  int timeout_ms_;
  std::atomic<bool> stop_{false};
  std::atomic<uint64_t> sent_{0}, failed_{0}, dropped_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  std::thread thread_;
};

}  // namespace btr::pool
