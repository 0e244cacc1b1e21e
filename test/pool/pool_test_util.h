#pragma once
// Shared fixtures for the pool suite: small valid templates and jobs.
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/hex.h"
#include "core/pow.h"
#include "core/transaction.h"
#include "pool/block_template.h"
#include "pool/job_builder.h"
#include "pool/ledger.h"

namespace btr::test {

// A share as the server reports it to the ledger (share difficulty 1.5x the target).
inline pool::ShareEvent make_share(const std::string& address, const std::string& worker,
                                   double difficulty, int64_t unix_time, bool accepted = true,
                                   const std::string& reason = "") {
  pool::ShareEvent s;
  s.address = address;
  s.worker = address + "." + worker;
  s.target_difficulty = difficulty;
  s.share_difficulty = difficulty * 1.5;
  s.accepted = accepted;
  s.reject_reason = reason;
  s.reject_code = accepted ? 0 : 23;
  s.unix_time = unix_time;
  return s;
}

// A fresh directory under the system temp dir, removed at destruction.
struct ScratchDir {
  ScratchDir() {
    std::mt19937_64 rng(std::random_device{}());
    path = std::filesystem::temp_directory_path() / ("btr-pool-test-" + std::to_string(rng()));
    std::filesystem::create_directories(path);
  }
  ~ScratchDir() { std::filesystem::remove_all(path); }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  std::string file(const std::string& name) const { return (path / name).string(); }
  std::filesystem::path path;
};

inline constexpr uint32_t kRegtestBits = 0x207fffff;  // about half of all hashes meet it
inline constexpr uint32_t kMainBits = 0x1d00ffff;     // one hash in 2^32

// A legacy transaction spending a random outpoint (valid serialization).
inline core::Transaction random_tx(std::mt19937_64& rng) {
  core::Transaction tx;
  core::TxIn in;
  for (auto& b : in.prevout.txid.bytes) b = static_cast<uint8_t>(rng());
  in.prevout.index = static_cast<uint32_t>(rng() % 4);
  in.script_sig = {0x51};
  tx.inputs.push_back(in);
  core::TxOut out;
  out.value = static_cast<int64_t>(rng() % 100000);
  out.script_pubkey = {0x51};
  tx.outputs.push_back(out);
  return tx;
}

inline pool::BlockTemplate make_template(size_t ntx, uint32_t bits, uint32_t height,
                                         std::mt19937_64& rng) {
  pool::BlockTemplate t;
  t.version = 0x20000000;
  for (auto& b : t.prev_block.bytes) b = static_cast<uint8_t>(rng());
  for (size_t i = 0; i < ntx; ++i) {
    const core::Transaction tx = random_tx(rng);
    t.transactions.push_back({tx.serialize(), tx.txid(), 1000});
  }
  t.coinbase_value = 100'000'000 + 1000 * static_cast<int64_t>(ntx);
  t.bits = bits;
  t.target = core::decode_compact(bits).target;
  t.height = height;
  t.curtime = 1'700'000'000;
  t.mintime = 1'699'999'000;
  t.longpollid = "lp";
  return t;
}

inline nlohmann::json template_json(const pool::BlockTemplate& t) {
  nlohmann::json txs = nlohmann::json::array();
  for (const auto& tx : t.transactions)
    txs.push_back({{"data", core::to_hex(tx.data)},
                   {"txid", tx.txid.to_display_hex()},
                   {"hash", tx.txid.to_display_hex()},
                   {"fee", tx.fee}});
  char bits[9];
  std::snprintf(bits, sizeof(bits), "%08x", t.bits);
  return {{"version", t.version},
          {"rules", nlohmann::json::array()},
          {"previousblockhash", t.prev_block.to_display_hex()},
          {"transactions", txs},
          {"coinbaseaux", {{"flags", core::to_hex(t.coinbase_aux_flags)}}},
          {"coinbasevalue", t.coinbase_value},
          {"longpollid", t.longpollid},
          {"target", t.target.to_hex()},
          {"mintime", t.mintime},
          {"mutable", {"time", "transactions", "prevblock"}},
          {"noncerange", "00000000ffffffff"},
          {"sigoplimit", 20000},
          {"sizelimit", 1000000},
          {"curtime", t.curtime},
          {"bits", bits},
          {"height", t.height}};
}

// One payout of the whole coinbase value to an arbitrary P2PKH script.
inline std::vector<pool::PayoutOutput> solo_payout(const pool::BlockTemplate& t) {
  std::vector<uint8_t> script = {0x76, 0xa9, 0x14};
  for (uint8_t i = 0; i < 20; ++i) script.push_back(i);
  script.push_back(0x88);
  script.push_back(0xac);
  return {{script, t.coinbase_value}};
}

inline std::shared_ptr<const pool::Job> make_job(std::shared_ptr<const pool::BlockTemplate> t,
                                                 const std::string& id, size_t en2_size = 8) {
  pool::JobOptions options;
  options.extranonce2_size = en2_size;
  auto job = pool::build_job(t, solo_payout(*t), options, id, true);
  if (!job) throw std::runtime_error(job.error());
  return std::make_shared<const pool::Job>(std::move(job).value());
}

}  // namespace btr::test
