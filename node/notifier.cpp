#include "node/notifier.h"

#include <cstring>

#include "core/hex.h"
#include "node/log.h"

#ifdef BTR_HAVE_ZMQ
#include <zmq.h>
#endif

namespace btr::node {

BlockNotifier::~BlockNotifier() {
  close();
}

core::Status BlockNotifier::open_zmq(const std::string& hashblock_endpoint,
                                     const std::string& rawblock_endpoint) {
  if (hashblock_endpoint.empty() && rawblock_endpoint.empty()) return core::Status::success();
#ifdef BTR_HAVE_ZMQ
  zmq_ctx_ = zmq_ctx_new();
  // Core binds one socket per distinct address; topics on the same address
  // share it.
  auto bind = [this](const std::string& endpoint, void** out) -> core::Status {
    if (endpoint.empty()) return core::Status::success();
    void* s = zmq_socket(zmq_ctx_, ZMQ_PUB);
    int hwm = 1000;
    zmq_setsockopt(s, ZMQ_SNDHWM, &hwm, sizeof hwm);
    if (zmq_bind(s, endpoint.c_str()) != 0) {
      const std::string err = zmq_strerror(zmq_errno());
      zmq_close(s);
      return core::fail("zmq bind " + endpoint + ": " + err);
    }
    *out = s;
    return core::Status::success();
  };
  if (auto st = bind(hashblock_endpoint, &hash_socket_); !st) return st;
  if (rawblock_endpoint == hashblock_endpoint) {
    raw_socket_ = hash_socket_;
  } else if (auto st = bind(rawblock_endpoint, &raw_socket_); !st) {
    return st;
  }
  return core::Status::success();
#else
  return core::fail("this build has no ZMQ support (libzmq not found)");
#endif
}

void BlockNotifier::close() {
#ifdef BTR_HAVE_ZMQ
  int linger = 0;
  if (raw_socket_ != nullptr && raw_socket_ != hash_socket_) {
    zmq_setsockopt(raw_socket_, ZMQ_LINGER, &linger, sizeof linger);
    zmq_close(raw_socket_);
  }
  if (hash_socket_ != nullptr) {
    zmq_setsockopt(hash_socket_, ZMQ_LINGER, &linger, sizeof linger);
    zmq_close(hash_socket_);
  }
  if (zmq_ctx_ != nullptr) zmq_ctx_term(zmq_ctx_);
#endif
  raw_socket_ = hash_socket_ = zmq_ctx_ = nullptr;
}

void BlockNotifier::notify(const std::string& hash_display, const std::vector<uint8_t>& raw_block) {
  if (!command_.empty()) run_command(hash_display);
  if (hash_socket_ != nullptr) {
    auto hash = core::from_hex(hash_display);
    if (hash) publish(hash_socket_, "hashblock", *hash, hash_seq_);
  }
  if (raw_socket_ != nullptr) publish(raw_socket_, "rawblock", raw_block, raw_seq_);
}

void BlockNotifier::publish(void* socket, const char* topic, const std::vector<uint8_t>& body,
                            uint32_t& seq) {
#ifdef BTR_HAVE_ZMQ
  uint8_t seq_le[4];
  for (int i = 0; i < 4; ++i) seq_le[i] = static_cast<uint8_t>(seq >> (8 * i));
  ++seq;
  // Non-blocking: a slow subscriber loses messages instead of stalling the node.
  zmq_send(socket, topic, std::strlen(topic), ZMQ_SNDMORE | ZMQ_DONTWAIT);
  zmq_send(socket, body.data(), body.size(), ZMQ_SNDMORE | ZMQ_DONTWAIT);
  zmq_send(socket, seq_le, sizeof seq_le, ZMQ_DONTWAIT);
#else
  (void)socket;
  (void)topic;
  (void)body;
  (void)seq;
#endif
}

void BlockNotifier::run_command(const std::string& hash_display) {
  std::string cmd = command_;
  for (size_t pos = cmd.find("%s"); pos != std::string::npos; pos = cmd.find("%s", pos)) {
    cmd.replace(pos, 2, hash_display);
    pos += hash_display.size();
  }
  auto* proc = new uv_process_t{};
  std::string sh = "/bin/sh";
  std::string dash_c = "-c";
  char* args[] = {sh.data(), dash_c.data(), cmd.data(), nullptr};
  uv_process_options_t opts{};
  opts.file = "/bin/sh";
  opts.args = args;
  opts.exit_cb = [](uv_process_t* p, int64_t, int) {
    uv_close(reinterpret_cast<uv_handle_t*>(p),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_process_t*>(h); });
  };
  const int rc = uv_spawn(loop_, proc, &opts);
  if (rc != 0) {
    log_warn(std::string("blocknotify: cannot run command: ") + uv_strerror(rc));
    uv_close(reinterpret_cast<uv_handle_t*>(proc),
             [](uv_handle_t* h) { delete reinterpret_cast<uv_process_t*>(h); });
  }
}

}  // namespace btr::node
