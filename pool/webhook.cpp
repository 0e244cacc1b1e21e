#include "pool/webhook.h"

namespace btr::pool {
namespace {
constexpr size_t kMaxQueued = 1000;
}

core::Result<std::unique_ptr<Webhook>> Webhook::create(const std::string& url, Logger log,
                                                       int timeout_ms) {
  auto parsed = parse_http_url(url);
  if (!parsed.ok()) return core::fail("webhook: " + parsed.error());
  return std::unique_ptr<Webhook>(
      new Webhook(std::move(parsed).value(), std::move(log), timeout_ms));
}

Webhook::Webhook(HttpUrl url, Logger log, int timeout_ms)
    : url_(std::move(url)), log_(std::move(log)), timeout_ms_(timeout_ms) {
  thread_ = std::thread([this] { run(); });
}

Webhook::~Webhook() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Webhook::notify(nlohmann::json event) {
  std::string body = event.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (queue_.size() >= kMaxQueued) {
      ++dropped_;
      return;
    }
    queue_.push_back(std::move(body));
  }
  cv_.notify_one();
}

void Webhook::run() {
  HttpClient client(url_);
  for (;;) {
    std::string body;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      body = std::move(queue_.front());
      queue_.pop_front();
    }
    auto r = client.post(body, "", timeout_ms_, &stop_);
    if (r.ok() && r->status >= 200 && r->status < 300) {
      ++sent_;
      continue;
    }
    ++failed_;
    client.close();
    if (log_) {
      log_("webhook " + url_.host + ":" + std::to_string(url_.port) + url_.path +
           " failed: " + (r.ok() ? "HTTP " + std::to_string(r->status) : r.error()));
    }
  }
}

}  // namespace btr::pool
