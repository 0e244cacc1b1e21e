#pragma once
// Tells pools about a new best block: --blocknotify runs a shell command
// (uv_spawn of /bin/sh -c, so the loop never waits for it) with %s replaced by
// the block hash, and a ZMQ PUB socket sends Bitcoin Core's three-frame
// messages (topic "hashblock"/"rawblock", body, 4-byte little-endian
// sequence number per topic).

#include <uv.h>

#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace btr::node {

class BlockNotifier {
 public:
  explicit BlockNotifier(uv_loop_t* loop) : loop_(loop) {}
  ~BlockNotifier();
  BlockNotifier(const BlockNotifier&) = delete;
  BlockNotifier& operator=(const BlockNotifier&) = delete;

  void set_command(std::string command) { command_ = std::move(command); }
  // Binds the publishers; an empty endpoint disables that topic. Fails when
  // an endpoint is set but ZMQ is unavailable or the bind fails.
  core::Status open_zmq(const std::string& hashblock_endpoint,
                        const std::string& rawblock_endpoint);
  void close();

  // hash_display: display-order hex; hash_bytes: internal-order 32 bytes
  // reversed for ZMQ as Core sends them (display order); raw: the block.
  void notify(const std::string& hash_display, const std::vector<uint8_t>& raw_block);

 private:
  void run_command(const std::string& hash_display);
  void publish(void* socket, const char* topic, const std::vector<uint8_t>& body, uint32_t& seq);

  uv_loop_t* loop_;
  std::string command_;
  void* zmq_ctx_ = nullptr;
  void* hash_socket_ = nullptr;
  void* raw_socket_ = nullptr;
  uint32_t hash_seq_ = 0;
  uint32_t raw_seq_ = 0;
};

}  // namespace btr::node
