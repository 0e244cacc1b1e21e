#include "tools/miner/share_queue.h"

namespace btr::tools::miner {

ShareQueue::ShareQueue(uv_loop_t* loop, std::function<void(FoundShare)> deliver)
    : deliver_(std::move(deliver)) {
  uv_async_init(loop, &async_, &ShareQueue::on_async);
  async_.data = this;
}

void ShareQueue::push(FoundShare share) {
  std::lock_guard lock(mutex_);
  if (closed_) return;
  queue_.push_back(std::move(share));
  uv_async_send(&async_);  // under the lock: close() cannot have released the handle
}

void ShareQueue::close() {
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = true;
    queue_.clear();
  }
  uv_close(reinterpret_cast<uv_handle_t*>(&async_), nullptr);
}

void ShareQueue::on_async(uv_async_t* async) {
  auto* self = static_cast<ShareQueue*>(async->data);
  std::deque<FoundShare> batch;
  {
    std::lock_guard lock(self->mutex_);
    if (self->closed_) return;
    batch.swap(self->queue_);
  }
  for (FoundShare& share : batch) self->deliver_(std::move(share));
}

}  // namespace btr::tools::miner
