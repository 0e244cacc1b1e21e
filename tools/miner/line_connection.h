#pragma once
// One TCP connection carrying LF-terminated lines, on a libuv loop: resolve,
// connect (bounded by a connect timeout), read lines through the Stratum
// codec's LineFramer, queue writes, and drop the peer when it has sent
// nothing for `silence_s` (a pool that is connected but silent is down).
//
// Lifetime (libuv style): open() returns an object that owns itself. It tells
// its handler on_closed() exactly once when IT ends the connection (error,
// EOF, timeout, silence, oversized line). When the OWNER calls close(), no
// callback follows. Either way the handler is never called again and the
// object frees itself once libuv has released its handles.

#include <cstdint>
#include <string>
#include <string_view>

#include <uv.h>

#include "stratum/line_framer.h"

namespace btr::tools::miner {

class LineConnection {
 public:
  class Handler {
   public:
    virtual void on_connected() = 0;
    virtual void on_line(std::string_view line) = 0;
    virtual void on_closed(const std::string& reason) = 0;

   protected:
    ~Handler() = default;
  };

  struct Timeouts {
    double connect_s = 10;
    double silence_s = 90;
  };

  // Refuses (nullptr) only when the loop cannot start the request at all.
  static LineConnection* open(uv_loop_t* loop, const std::string& host, uint16_t port,
                              Handler* handler, Timeouts timeouts);

  // Queues one line (the caller includes the '\n'). Ignored once closing.
  void send(std::string line);
  // Ends the connection without calling the handler.
  void close();
  bool connected() const { return connected_ && !closing_; }

  // Writes may pile up when the peer stops reading; past this the peer is dropped.
  static constexpr size_t kMaxWriteQueueBytes = 1 << 20;

 private:
  LineConnection(uv_loop_t* loop, Handler* handler, Timeouts timeouts);
  ~LineConnection() = default;

  void fail(const std::string& reason);
  void release_handles();
  void maybe_free();
  void arm_timer(double seconds);

  static void on_resolved(uv_getaddrinfo_t* req, int status, addrinfo* res);
  static void on_connect(uv_connect_t* req, int status);
  static void on_alloc(uv_handle_t* handle, size_t suggested, uv_buf_t* buf);
  static void on_read(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf);
  static void on_timer(uv_timer_t* timer);
  static void on_handle_closed(uv_handle_t* handle);

  uv_loop_t* loop_;
  Handler* handler_;
  Timeouts timeouts_;
  uv_getaddrinfo_t resolve_req_{};
  uv_connect_t connect_req_{};
  uv_tcp_t tcp_{};
  uv_timer_t timer_{};
  stratum::LineFramer framer_;
  char read_buf_[16 * 1024];
  int open_handles_ = 0;
  bool resolving_ = false;
  bool tcp_open_ = false;
  bool connected_ = false;
  bool closing_ = false;
};

}  // namespace btr::tools::miner
