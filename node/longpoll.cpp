#include "node/longpoll.h"

#include <algorithm>

namespace btr::node {

LongPollHub::LongPollHub(uv_loop_t* loop, int timeout_s, int mempool_interval_ms)
    : loop_(loop),
      timeout_ms_(static_cast<uint64_t>(timeout_s) * 1000),
      mempool_interval_ms_(static_cast<uint64_t>(mempool_interval_ms)),
      timer_(new uv_timer_t) {
  uv_timer_init(loop_, timer_);
  timer_->data = this;
  // A coarse tick is enough: deadlines are seconds away.
  const uint64_t tick = std::clamp<uint64_t>(mempool_interval_ms_ / 4, 10, 250);
  uv_timer_start(timer_, &LongPollHub::on_tick, tick, tick);
  uv_unref(reinterpret_cast<uv_handle_t*>(timer_));
}

LongPollHub::~LongPollHub() {
  if (timer_ != nullptr) close();
}

void LongPollHub::close() {
  wake_all();
  if (timer_ == nullptr) return;
  uv_timer_stop(timer_);
  uv_close(reinterpret_cast<uv_handle_t*>(timer_),
           [](uv_handle_t* h) { delete reinterpret_cast<uv_timer_t*>(h); });
  timer_ = nullptr;
}

void LongPollHub::changed(const std::string& tip_hex) {
  if (tip_hex == tip_hex_) {
    ++updates_;
  } else {
    tip_hex_ = tip_hex;
  }
  // A new tip's template already holds the pool as it is now.
  mempool_pending_ = false;
  last_publish_ms_ = uv_now(loop_);
  wake_all();
}

void LongPollHub::mempool_changed() {
  mempool_pending_ = true;
}

void LongPollHub::wait(std::function<void()> on_wake) {
  waiters_.push_back({uv_now(loop_) + timeout_ms_, std::move(on_wake)});
}

void LongPollHub::wake_all() {
  // Waking may park new waiters (a client polling again): take the list first.
  std::list<Waiter> ready;
  ready.swap(waiters_);
  for (Waiter& w : ready) w.on_wake();
}

void LongPollHub::on_tick(uv_timer_t* timer) {
  auto* self = static_cast<LongPollHub*>(timer->data);
  const uint64_t now = uv_now(self->loop_);
  if (self->mempool_pending_ && now >= self->last_publish_ms_ + self->mempool_interval_ms_) {
    self->mempool_pending_ = false;
    self->last_publish_ms_ = now;
    ++self->updates_;
    self->wake_all();
  }
  std::list<Waiter> ready;
  for (auto it = self->waiters_.begin(); it != self->waiters_.end();) {
    if (it->deadline_ms <= now) {
      ready.push_back(std::move(*it));
      it = self->waiters_.erase(it);
    } else {
      ++it;
    }
  }
  for (Waiter& w : ready) w.on_wake();
}

}  // namespace btr::node
