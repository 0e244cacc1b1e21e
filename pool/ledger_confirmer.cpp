#include "pool/ledger_confirmer.h"

namespace btr::pool {
namespace {
constexpr int kCallTimeoutMs = 10000;
}

LedgerConfirmer::LedgerConfirmer(uv_loop_t* loop, HttpUrl url, RpcCredentials credentials,
                                 Done done)
    : done_(std::move(done)), url_(std::move(url)), creds_(std::move(credentials)) {
  uv_async_init(loop, &async_, [](uv_async_t* a) {
    auto* self = static_cast<LedgerConfirmer*>(a->data);
    std::vector<ChainCheckResult> results;
    {
      std::lock_guard<std::mutex> lock(self->mu_);
      results.swap(self->results_);
    }
    for (const auto& r : results) self->done_(r);
  });
  async_.data = this;
  async_open_ = true;
  thread_ = std::thread([this] { run(); });
}

LedgerConfirmer::~LedgerConfirmer() {
  stop();
}

void LedgerConfirmer::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (async_open_) {
    async_open_ = false;
    uv_close(reinterpret_cast<uv_handle_t*>(&async_), nullptr);
  }
}

void LedgerConfirmer::check(std::vector<PendingBlock> blocks) {
  if (blocks.empty()) return;
  {
    std::lock_guard<std::mutex> lock(mu_);
    request_ = std::move(blocks);  // the newest list covers every older one
    requested_ = true;
  }
  cv_.notify_one();
}

void LedgerConfirmer::run() {
  RpcClient rpc(url_, creds_);
  for (;;) {
    std::vector<PendingBlock> blocks;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stop_ || requested_; });
      if (stop_) return;
      blocks.swap(request_);
      requested_ = false;
    }
    ChainCheckResult r = ask(rpc, blocks);
    if (stop_) return;
    {
      std::lock_guard<std::mutex> lock(mu_);
      results_.push_back(std::move(r));
    }
    uv_async_send(&async_);
  }
}

ChainCheckResult LedgerConfirmer::ask(RpcClient& rpc, const std::vector<PendingBlock>& blocks) {
  ChainCheckResult r;
  auto count = rpc.call("getblockcount", nlohmann::json::array(), kCallTimeoutMs, &stop_);
  if (!count.ok() || count->is_error || !count->result.is_number_integer()) {
    r.error = count.ok() ? "getblockcount: " + count->error_message : count.error();
    rpc.disconnect();
    return r;
  }
  r.tip_height = count->result.get<int64_t>();
  for (const PendingBlock& b : blocks) {
    ChainCheck c;
    c.height = b.height;
    c.hash = b.hash;
    if (b.height <= r.tip_height) {
      auto h = rpc.call("getblockhash", nlohmann::json::array({b.height}), kCallTimeoutMs, &stop_);
      if (!h.ok() || h->is_error || !h->result.is_string()) {
        r.error = h.ok() ? "getblockhash: " + h->error_message : h.error();
        rpc.disconnect();
        return r;
      }
      c.hash_at_height = h->result.get<std::string>();
    }
    // A chain shorter than the block's height no longer holds it: "".
    r.checks.push_back(std::move(c));
  }
  r.ok = true;
  return r;
}

}  // namespace btr::pool
