// BatchSender: every byte reaches its own socket, in order, through
// io_uring and through the sendmsg fallback, on one thread and split over
// several; a full socket reports a short count and a dead one an error.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <random>
#include <string>
#include <vector>

#include "pool/batch_sender.h"
#include "test/common/test_util.h"

using namespace btr::pool;

namespace {

// A connected stream pair: [0] is written by the sender (non-blocking, as
// libuv leaves its sockets), [1] is read by the test.
struct SocketPair {
  int fd[2] = {-1, -1};
  SocketPair() {
    REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM, 0, fd) == 0);
    REQUIRE(::fcntl(fd[0], F_SETFL, ::fcntl(fd[0], F_GETFL) | O_NONBLOCK) == 0);
    REQUIRE(::fcntl(fd[1], F_SETFL, ::fcntl(fd[1], F_GETFL) | O_NONBLOCK) == 0);
  }
  ~SocketPair() {
    for (int f : fd)
      if (f >= 0) ::close(f);
  }
  SocketPair(const SocketPair&) = delete;
  SocketPair& operator=(const SocketPair&) = delete;

  std::string drain() const {
    std::string out;
    char buf[4096];
    for (;;) {
      const ssize_t n = ::read(fd[1], buf, sizeof buf);
      if (n <= 0) return out;
      out.append(buf, static_cast<size_t>(n));
    }
  }
};

SendItem item_for(int fd, const std::vector<std::string>& parts) {
  SendItem item;
  item.fd = fd;
  for (const std::string& p : parts) {
    item.parts[item.part_count++] = iovec{const_cast<char*>(p.data()), p.size()};
  }
  return item;
}

void check_every_byte_arrives(BatchSenderOptions opt) {
  std::mt19937_64 rng(btr::test::seed());
  constexpr size_t kSockets = 300;  // more than one ring (256) and past the split threshold
  std::vector<std::unique_ptr<SocketPair>> pairs;
  std::vector<std::vector<std::string>> messages(kSockets);
  std::vector<SendItem> items;
  for (size_t i = 0; i < kSockets; ++i) {
    pairs.push_back(std::make_unique<SocketPair>());
    const size_t parts = 1 + rng() % SendItem::kMaxParts;
    for (size_t k = 0; k < parts; ++k) {
      messages[i].push_back("socket " + std::to_string(i) + " line " + std::to_string(k) + " " +
                            std::string(rng() % 300, static_cast<char>('a' + rng() % 26)) + "\n");
    }
  }
  for (size_t i = 0; i < kSockets; ++i) items.push_back(item_for(pairs[i]->fd[0], messages[i]));
  BatchSender sender(opt);
  INFO("method " << sender.method() << ", threads " << sender.threads());
  for (int round = 0; round < 3; ++round) {
    sender.send_all(items);
    for (size_t i = 0; i < kSockets; ++i) {
      std::string expected;
      for (const std::string& m : messages[i]) expected += m;
      REQUIRE(items[i].result == static_cast<int64_t>(expected.size()));
      CHECK(pairs[i]->drain() == expected);
    }
  }
}

}  // namespace

TEST_CASE("batch sender: every byte in order, one thread and several, io_uring and sendmsg") {
  for (bool uring : {true, false}) {
    for (unsigned threads : {1u, 3u}) {
      CAPTURE(uring);
      CAPTURE(threads);
      BatchSenderOptions opt;
      opt.use_io_uring = uring;
      opt.threads = threads;
      opt.parallel_threshold = 64;
      check_every_byte_arrives(opt);
    }
  }
}

TEST_CASE("batch sender: a full socket gets a short count, a closed peer an error") {
  for (bool uring : {true, false}) {
    CAPTURE(uring);
    BatchSenderOptions opt;
    opt.use_io_uring = uring;
    opt.threads = 1;
    BatchSender sender(opt);

    SocketPair full;
    const std::string chunk(64 * 1024, 'x');
    // Fill the socket buffer: the reader never reads.
    while (::send(full.fd[0], chunk.data(), chunk.size(), MSG_DONTWAIT) > 0) {
    }
    while (::send(full.fd[0], chunk.data(), 1, MSG_DONTWAIT) > 0) {
    }
    SocketPair dead;
    ::close(dead.fd[1]);
    dead.fd[1] = -1;
    SocketPair fine;

    const std::vector<std::string> line = {"{\"id\":1,\"result\":true,\"error\":null}\n"};
    std::vector<SendItem> items = {item_for(full.fd[0], line), item_for(dead.fd[0], line),
                                   item_for(fine.fd[0], line)};
    sender.send_all(items);
    CHECK(items[0].result >= 0);
    CHECK(items[0].result < static_cast<int64_t>(line[0].size()));
    CHECK(items[1].result < 0);
    CHECK((items[1].result == -EPIPE || items[1].result == -ECONNRESET));
    CHECK(items[2].result == static_cast<int64_t>(line[0].size()));
    CHECK(fine.drain() == line[0]);
  }
}

TEST_CASE("batch sender: an empty batch and a sender with no work are harmless") {
  BatchSenderOptions opt;
  opt.threads = 2;
  BatchSender sender(opt);
  sender.send_all({});
  CHECK(sender.threads() == 2);
  const std::string m = sender.method();
  CHECK((m == "io_uring" || m == "sendmsg"));
}
