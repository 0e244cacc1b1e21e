#pragma once
// Sends many small messages to many sockets in one go: a new block's notify
// to every miner, and the answers one event-loop iteration produced.
//
// One write system call per socket is what bounds a 19,000-miner fan-out
// (each costs several microseconds, mostly kernel TCP work). BatchSender
// submits the sends through io_uring in batches of up to 256 when the
// kernel offers it (one system call per batch), and falls back to one
// non-blocking sendmsg each when it does not (old kernel, seccomp). A batch
// of at least `parallel_threshold` items is split over worker threads, one
// per extra core, each with its own ring.
//
// Contract (the caller is the pool's event loop):
//  - every fd is a connected, non-blocking stream socket that no other
//    thread reads, writes or closes during send_all();
//  - each item's buffers stay valid until send_all() returns;
//  - send_all() never blocks on a socket: each item's `result` is the bytes
//    sent (maybe fewer than asked, 0 when the socket buffer is full) or a
//    negative errno for a dead socket. Queuing what is left is the caller's.
// No libuv, no allocation per send; threads and rings are made once.

#include <sys/socket.h>
#include <sys/uio.h>

#include <array>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <thread>
#include <vector>

namespace btr::pool {

struct SendItem {
  static constexpr size_t kMaxParts = 8;
  int fd = -1;
  std::array<iovec, kMaxParts> parts{};
  size_t part_count = 0;
  msghdr header{};     // filled by BatchSender
  int64_t result = 0;  // out: bytes sent, or -errno

  size_t total_bytes() const;
};

struct BatchSenderOptions {
  unsigned threads = 0;  // sending threads including the caller's; 0 = one per core (max 4)
  size_t parallel_threshold = 1024;  // smaller batches stay on the caller's thread
  bool use_io_uring = true;          // false: one sendmsg per item (also the fallback)
};

class BatchSender {
 public:
  explicit BatchSender(BatchSenderOptions options = {});
  ~BatchSender();
  BatchSender(const BatchSender&) = delete;
  BatchSender& operator=(const BatchSender&) = delete;

  void send_all(std::span<SendItem> items);

  // "io_uring" or "sendmsg": what the caller's lane uses (for the log).
  const char* method() const;
  unsigned threads() const { return static_cast<unsigned>(lanes_.size()); }

 private:
  class Lane;
  void worker_main(size_t lane_index);
  void run_slice(size_t lane_index, std::span<SendItem> items);

  size_t parallel_threshold_;
  std::vector<std::unique_ptr<Lane>> lanes_;  // lane 0 is the caller's
  std::vector<std::thread> workers_;          // worker i drives lane i + 1

  // One batch in flight at a time, handed to the workers under mu_.
  std::mutex mu_;
  std::condition_variable work_cv_;
  std::condition_variable done_cv_;
  std::span<SendItem> batch_;
  uint64_t batch_serial_ = 0;
  size_t lanes_busy_ = 0;
  bool quit_ = false;
};

}  // namespace btr::pool
