#pragma once
// Carries shares from device threads to the event loop: push() from any
// thread, the callback runs on the loop thread (uv_async_t), in order.
// close() must be called on the loop thread before the loop ends.

#include <deque>
#include <functional>
#include <mutex>

#include <uv.h>

#include "tools/miner/work_manager.h"

namespace btr::tools::miner {

class ShareQueue {
 public:
  ShareQueue(uv_loop_t* loop, std::function<void(FoundShare)> deliver);
  ~ShareQueue() = default;
  ShareQueue(const ShareQueue&) = delete;
  ShareQueue& operator=(const ShareQueue&) = delete;

  void push(FoundShare share);  // any thread
  void close();                 // loop thread; later pushes are dropped

 private:
  static void on_async(uv_async_t* async);

  uv_async_t async_{};
  std::function<void(FoundShare)> deliver_;
  std::mutex mutex_;
  std::deque<FoundShare> queue_;
  bool closed_ = false;
};

}  // namespace btr::tools::miner
