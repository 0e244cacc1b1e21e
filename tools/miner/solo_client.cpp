#include "tools/miner/solo_client.h"

#include "core/address.h"
#include "core/hex.h"
#include "core/merkle.h"
#include "core/script.h"
#include "core/serialize.h"
#include "core/transaction.h"
#include "stratum/hex_fields.h"

namespace btr::tools::miner {
namespace {

constexpr size_t kSoloExtranonceSize = 8;

core::Result<std::vector<uint8_t>> payout_script_for(const std::string& text,
                                                     const std::string& network) {
  // Try the named network first, then the others (testnet and regtest share prefixes).
  std::vector<std::string> order = {network, "main", "testnet", "regtest"};
  std::string first_error;
  for (const std::string& name : order) {
    auto params = core::chain_params_by_name(name);
    if (!params) continue;
    auto address = core::decode_address(text, (*params)->prefixes);
    if (address) return core::address_script(*address);
    if (first_error.empty()) first_error = address.error();
  }
  return core::fail("--address " + text + ": " + first_error);
}

}  // namespace

core::Result<SoloOptions> SoloOptions::from_config(const MinerConfig& config) {
  SoloOptions options;
  auto endpoint = parse_rpc_url(config.rpc_url);
  if (!endpoint) return core::fail("--rpc: " + endpoint.error());
  options.endpoint = *endpoint;
  std::string credentials;
  if (!config.rpc_cookie.empty()) {
    auto cookie = read_cookie_file(config.rpc_cookie);
    if (!cookie) return core::fail(cookie.error());
    credentials = *cookie;
  } else if (!config.rpc_user.empty()) {
    credentials = config.rpc_user + ":" + config.rpc_password;
  }
  if (!credentials.empty()) options.endpoint.authorization = "Basic " + base64_encode(credentials);
  auto script = payout_script_for(config.address, config.network);
  if (!script) return core::fail(script.error());
  options.payout_script = *script;
  return options;
}

CoinbaseParts build_coinbase(int64_t height, int64_t value,
                             const std::vector<uint8_t>& payout_script, const std::string& tag) {
  // scriptSig = BIP34 height || push(8 bytes of extranonce) || push(tag).
  const core::Script height_script = core::coinbase_height_script(height);
  core::Script tail;
  core::push_data(tail, std::vector<uint8_t>(tag.begin(), tag.end()));
  core::Transaction tx;
  tx.version = 1;
  core::TxIn in;
  in.prevout.index = core::OutPoint::kNullIndex;
  in.script_sig = height_script;
  in.script_sig.push_back(static_cast<uint8_t>(kSoloExtranonceSize));
  const size_t extranonce_at_in_script = in.script_sig.size();
  in.script_sig.insert(in.script_sig.end(), kSoloExtranonceSize, 0);
  in.script_sig.insert(in.script_sig.end(), tail.begin(), tail.end());
  tx.inputs.push_back(in);
  tx.outputs.push_back(core::TxOut{value, payout_script});
  const std::vector<uint8_t> bytes = tx.serialize();
  // version(4) || input count(1) || prevout(36) || scriptSig length || scriptSig...
  const size_t script_start = 4 + 1 + 36 + core::compact_size_length(in.script_sig.size());
  const size_t at = script_start + extranonce_at_in_script;
  CoinbaseParts parts;
  parts.coinb1.assign(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(at));
  parts.coinb2.assign(bytes.begin() + static_cast<std::ptrdiff_t>(at + kSoloExtranonceSize),
                      bytes.end());
  return parts;
}

core::Result<std::shared_ptr<MinerJob>> job_from_template(const nlohmann::json& tpl,
                                                          const SoloOptions& options) {
  if (!tpl.is_object()) return core::fail("getblocktemplate: result is not an object");
  try {
    auto job = std::make_shared<MinerJob>();
    const int64_t height = tpl.at("height").get<int64_t>();
    const int64_t value = tpl.at("coinbasevalue").get<int64_t>();
    auto prev = core::Hash256::from_display_hex(tpl.at("previousblockhash").get<std::string>());
    auto bits = stratum::parse_hex8(tpl.at("bits").get<std::string>());
    if (!prev || !bits || height <= 0 || value < 0)
      return core::fail("getblocktemplate: bad fields");
    const CoinbaseParts coinbase =
        build_coinbase(height, value, options.payout_script, options.coinbase_tag);
    std::vector<core::Hash256> txids;
    for (const auto& tx : tpl.value("transactions", nlohmann::json::array())) {
      auto data = core::from_hex(tx.at("data").get<std::string>());
      if (!data) return core::fail("getblocktemplate: bad transaction data");
      const std::string id =
          tx.contains("txid") ? tx["txid"].get<std::string>() : tx.at("hash").get<std::string>();
      auto txid = core::Hash256::from_display_hex(id);
      if (!txid) return core::fail("getblocktemplate: bad txid");
      txids.push_back(*txid);
      job->solo_transactions.push_back(std::move(*data));
    }
    job->notify.job_id = std::to_string(height);
    job->notify.prev_block = *prev;
    job->notify.coinb1 = coinbase.coinb1;
    job->notify.coinb2 = coinbase.coinb2;
    job->notify.merkle_branch = core::coinbase_merkle_branch(txids);
    job->notify.version = tpl.at("version").get<uint32_t>();
    job->notify.nbits = *bits;
    job->notify.ntime = tpl.at("curtime").get<uint32_t>();
    job->notify.clean_jobs = false;  // the work manager sees a new previous block by itself
    job->extranonce2_size = kSoloExtranonceSize;
    job->version_mask = options.version_mask;
    job->block_target = target_from_compact(*bits);
    job->share_target = job->block_target;
    job->share_difficulty = difficulty_of_hash(job->block_target.to_hash());
    job->solo = true;
    job->solo_height = static_cast<uint64_t>(height);
    return job;
  } catch (const nlohmann::json::exception& e) {
    return core::fail(std::string("getblocktemplate: ") + e.what());
  }
}

std::vector<uint8_t> assemble_block(const FoundShare& share) {
  const MinerJob& job = *share.job;
  const core::HeaderBytes header =
      job_header(job, share.extranonce2, share.version, share.nonce, share.ntime);
  std::vector<uint8_t> block(header.begin(), header.end());
  core::Writer w(block);
  w.compact_size(1 + job.solo_transactions.size());
  w.bytes(job_coinbase(job, share.extranonce2));
  for (const auto& tx : job.solo_transactions) w.bytes(tx);
  return block;
}

SoloClient::SoloClient(SoloOptions options, WorkManager& work, Events events)
    : options_(std::move(options)),
      work_(work),
      events_(std::move(events)),
      rpc_(options_.endpoint) {}

SoloClient::~SoloClient() {
  stop();
}

void SoloClient::log(const std::string& text) const {
  if (events_.on_log) events_.on_log(text);
}

void SoloClient::start() {
  template_thread_ = std::thread([this] { template_loop(); });
  submit_thread_ = std::thread([this] { submit_loop(); });
}

void SoloClient::stop() {
  stop_.store(true);
  cv_.notify_all();
  if (template_thread_.joinable()) template_thread_.join();
  if (submit_thread_.joinable()) submit_thread_.join();
}

void SoloClient::sleep_for(double seconds) {
  std::unique_lock lock(mutex_);
  cv_.wait_for(lock, std::chrono::duration<double>(seconds), [this] { return stop_.load(); });
}

void SoloClient::template_loop() {
  std::string longpoll_id;
  bool node_ok = false;
  while (!stop_.load()) {
    nlohmann::json request = {{"rules", nlohmann::json::array()},
                              {"capabilities", {"longpoll", "proposal"}}};
    if (!longpoll_id.empty()) request["longpollid"] = longpoll_id;
    const double timeout = longpoll_id.empty() ? 30 : options_.longpoll_timeout_s;
    auto result = rpc_.call("getblocktemplate", nlohmann::json::array({request}), timeout, &stop_);
    if (stop_.load()) return;
    if (!result) {
      // A long poll that outlived our timeout is normal: fetch a fresh template.
      if (!longpoll_id.empty() && result.error().find("timeout") != std::string::npos) {
        longpoll_id.clear();
        continue;
      }
      if (node_ok) work_.clear();  // no valid work without the node
      node_ok = false;
      log("node: " + result.error() + "; retrying");
      longpoll_id.clear();
      sleep_for(options_.retry_s);
      continue;
    }
    auto job = job_from_template(*result, options_);
    if (!job) {
      log(job.error());
      sleep_for(options_.retry_s);
      continue;
    }
    if (!node_ok) log("node: template for height " + std::to_string((*job)->solo_height));
    node_ok = true;
    if (events_.on_template) events_.on_template((*job)->share_difficulty, (*job)->solo_height);
    work_.set_job(std::move(*job));
    longpoll_id = result->value("longpollid", std::string());
    if (longpoll_id.empty()) sleep_for(5);  // a node without long polling: poll
  }
}

void SoloClient::submit(const FoundShare& share) {
  {
    std::lock_guard lock(mutex_);
    if (share.job->solo_height <= submitted_height_) return;  // one block per height
    submitted_height_ = share.job->solo_height;
    queue_.push_back(share);
  }
  work_.clear();  // every other hit at this height is stale; wait for the next template
  cv_.notify_all();
}

void SoloClient::submit_loop() {
  while (true) {
    FoundShare share;
    {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [this] { return stop_.load() || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping; a queued block is still sent below
      share = std::move(queue_.front());
      queue_.pop_front();
    }
    const std::string hex = core::to_hex(assemble_block(share));
    auto result = rpc_.call("submitblock", nlohmann::json::array({hex}), 30, nullptr);
    bool accepted = false;
    std::string reason;
    if (!result) {
      reason = result.error();
    } else if (result->is_null() || *result == "duplicate") {
      accepted = true;
    } else {
      reason = result->is_string() ? result->get<std::string>() : result->dump();
    }
    if (!accepted) work_.set_job(share.job);  // keep mining until the node has a new tip
    if (events_.on_block) events_.on_block(share, accepted, reason);
  }
}

}  // namespace btr::tools::miner
