#pragma once
// getblocktemplate long polling (BIP22): a request that names the current
// longpollid is parked here instead of blocking anything, and is answered
// from the loop as soon as the tip changes, when the mempool changed (at
// most once per mempool_interval, as Core re-checks the pool only every few
// seconds: a busy pool must not turn long polling into busy polling), or
// after the timeout. The id is the tip hash followed by a change counter,
// as Core forms it.

#include <uv.h>

#include <cstdint>
#include <functional>
#include <list>
#include <string>

namespace btr::node {

class LongPollHub {
 public:
  LongPollHub(uv_loop_t* loop, int timeout_s, int mempool_interval_ms = 5000);
  ~LongPollHub();
  LongPollHub(const LongPollHub&) = delete;
  LongPollHub& operator=(const LongPollHub&) = delete;

  std::string current_id() const { return tip_hex_ + std::to_string(updates_); }
  // The tip changed: wake every waiter now.
  void changed(const std::string& tip_hex);
  // The pool changed: wake every waiter within mempool_interval.
  void mempool_changed();
  // Parks a waiter; on_wake runs (once) on change, timeout or close.
  void wait(std::function<void()> on_wake);
  size_t waiting() const { return waiters_.size(); }
  // Wakes everyone (shutdown) and releases the timer handle.
  void close();

 private:
  struct Waiter {
    uint64_t deadline_ms;
    std::function<void()> on_wake;
  };
  static void on_tick(uv_timer_t* timer);
  void wake_all();

  uv_loop_t* loop_;
  uint64_t timeout_ms_;
  uint64_t mempool_interval_ms_;
  uint64_t last_publish_ms_ = 0;
  bool mempool_pending_ = false;
  uv_timer_t* timer_;
  std::list<Waiter> waiters_;
  std::string tip_hex_;
  uint64_t updates_ = 0;
};

}  // namespace btr::node
