#include "pool/batch_sender.h"

#include <cerrno>
#include <cstring>

#ifdef BTR_HAVE_LIBURING
#include <liburing.h>
#endif

namespace btr::pool {
namespace {

constexpr int kSendFlags = MSG_DONTWAIT | MSG_NOSIGNAL;
constexpr unsigned kRingEntries = 256;
constexpr unsigned kMaxAutoThreads = 4;

// A full socket buffer is not an error: nothing was sent.
int64_t normalize(int64_t result) {
  return result == -EAGAIN || result == -EWOULDBLOCK ? 0 : result;
}

void send_one(SendItem& item) {
  for (;;) {
    const ssize_t n = ::sendmsg(item.fd, &item.header, kSendFlags);
    if (n >= 0) {
      item.result = n;
      return;
    }
    if (errno == EINTR) continue;
    item.result = normalize(-static_cast<int64_t>(errno));
    return;
  }
}

unsigned thread_count(unsigned wanted) {
  if (wanted != 0) return wanted;
  const unsigned cores = std::thread::hardware_concurrency();
  if (cores == 0) return 1;
  return cores > kMaxAutoThreads ? kMaxAutoThreads : cores;
}

}  // namespace

size_t SendItem::total_bytes() const {
  size_t n = 0;
  for (size_t i = 0; i < part_count; ++i) n += parts[i].iov_len;
  return n;
}

// One thread's way of sending: its own ring, or plain sendmsg.
class BatchSender::Lane {
 public:
  explicit Lane(bool try_uring) {
#ifdef BTR_HAVE_LIBURING
    if (try_uring && io_uring_queue_init(kRingEntries, &ring_, 0) == 0) {
      io_uring_probe* probe = io_uring_get_probe_ring(&ring_);
      ring_ok_ = probe != nullptr && io_uring_opcode_supported(probe, IORING_OP_SENDMSG);
      if (probe != nullptr) io_uring_free_probe(probe);
      if (!ring_ok_) io_uring_queue_exit(&ring_);
    }
#else
    (void)try_uring;
#endif
  }
  ~Lane() {
    drop_ring();
  }
  Lane(const Lane&) = delete;
  Lane& operator=(const Lane&) = delete;

  bool uses_uring() const {
    return ring_ok_;
  }

  void send(std::span<SendItem> items) {
    size_t done = 0;
    while (ring_ok_ && done < items.size()) done += send_chunk(items.subspan(done));
    for (size_t i = done; i < items.size(); ++i) send_one(items[i]);
  }

 private:
  void drop_ring() {
#ifdef BTR_HAVE_LIBURING
    if (ring_ok_) io_uring_queue_exit(&ring_);
#endif
    ring_ok_ = false;
  }

  // Submits up to one ring's worth and reaps every completion; returns how
  // many items got a result. On a submission failure the ring is dropped
  // (unsubmitted entries die with it) and the rest go out with sendmsg.
  size_t send_chunk(std::span<SendItem> items) {
#ifdef BTR_HAVE_LIBURING
    const size_t most = items.size() < kRingEntries ? items.size() : kRingEntries;
    size_t n = 0;
    // Every chunk is reaped before the next, so the ring has room for all.
    for (; n < most; ++n) {
      io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
      if (sqe == nullptr) break;
      io_uring_prep_sendmsg(sqe, items[n].fd, &items[n].header, kSendFlags);
      io_uring_sqe_set_data64(sqe, n);
    }
    if (n == 0) {
      drop_ring();
      return 0;
    }
    const int submitted = io_uring_submit_and_wait(&ring_, static_cast<unsigned>(n));
    const size_t reaped = reap(items, submitted > 0 ? static_cast<size_t>(submitted) : 0);
    if (reaped < n) drop_ring();
    return reaped;
#else
    (void)items;
    return 0;
#endif
  }

#ifdef BTR_HAVE_LIBURING
  size_t reap(std::span<SendItem> items, size_t expected) {
    for (size_t got = 0; got < expected; ++got) {
      io_uring_cqe* cqe = nullptr;
      int r;
      do {
        r = io_uring_wait_cqe(&ring_, &cqe);
      } while (r == -EINTR);
      if (r != 0) return got;  // cannot happen with entries in flight; be safe
      items[io_uring_cqe_get_data64(cqe)].result = normalize(cqe->res);
      io_uring_cqe_seen(&ring_, cqe);
    }
    return expected;
  }

  io_uring ring_{};
#endif
  bool ring_ok_ = false;
};

BatchSender::BatchSender(BatchSenderOptions options)
    : parallel_threshold_(options.parallel_threshold) {
  const unsigned n = thread_count(options.threads);
  for (unsigned i = 0; i < n; ++i) lanes_.push_back(std::make_unique<Lane>(options.use_io_uring));
  for (unsigned i = 1; i < n; ++i) workers_.emplace_back([this, i] { worker_main(i); });
}

BatchSender::~BatchSender() {
  {
    std::lock_guard lk(mu_);
    quit_ = true;
  }
  work_cv_.notify_all();
  for (std::thread& t : workers_) t.join();
}

const char* BatchSender::method() const {
  return lanes_.front()->uses_uring() ? "io_uring" : "sendmsg";
}

void BatchSender::send_all(std::span<SendItem> items) {
  for (SendItem& item : items) {
    item.header = msghdr{};
    item.header.msg_iov = item.parts.data();
    item.header.msg_iovlen = item.part_count;
    item.result = 0;
  }
  if (workers_.empty() || items.size() < parallel_threshold_) {
    lanes_.front()->send(items);
    return;
  }
  {
    std::lock_guard lk(mu_);
    batch_ = items;
    ++batch_serial_;
    lanes_busy_ = workers_.size();
  }
  work_cv_.notify_all();
  run_slice(0, items);
  std::unique_lock lk(mu_);
  done_cv_.wait(lk, [this] { return lanes_busy_ == 0; });
  batch_ = {};
}

void BatchSender::run_slice(size_t lane_index, std::span<SendItem> items) {
  const size_t lanes = lanes_.size();
  const size_t begin = items.size() * lane_index / lanes;
  const size_t end = items.size() * (lane_index + 1) / lanes;
  lanes_[lane_index]->send(items.subspan(begin, end - begin));
}

void BatchSender::worker_main(size_t lane_index) {
  uint64_t seen = 0;
  for (;;) {
    std::span<SendItem> batch;
    {
      std::unique_lock lk(mu_);
      work_cv_.wait(lk, [&] { return quit_ || batch_serial_ != seen; });
      if (quit_) return;
      seen = batch_serial_;
      batch = batch_;
    }
    run_slice(lane_index, batch);
    std::lock_guard lk(mu_);
    if (--lanes_busy_ == 0) done_cv_.notify_one();
  }
}

}  // namespace btr::pool
