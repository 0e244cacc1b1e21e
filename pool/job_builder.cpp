#include "pool/job_builder.h"

#include "core/hex.h"
#include "core/merkle.h"
#include "core/pow.h"
#include "core/serialize.h"

namespace btr::pool {
namespace {

using core::fail;
using core::Result;

constexpr size_t kMaxPoolTag = 32;
constexpr size_t kMaxScriptSig = 100;  // consensus: coinbase scriptSig 2..100 bytes
constexpr uint8_t kOpPushData1 = 0x4c;

void push_data(std::vector<uint8_t>& script, std::span<const uint8_t> data) {
  if (data.size() < kOpPushData1) {
    script.push_back(static_cast<uint8_t>(data.size()));
  } else {  // callers keep data under 256 bytes
    script.push_back(kOpPushData1);
    script.push_back(static_cast<uint8_t>(data.size()));
  }
  script.insert(script.end(), data.begin(), data.end());
}

// The scriptSig around the extranonce: head ends with the push opcode that
// covers extranonce1 + extranonce2; tail follows them.
struct ScriptSigParts {
  std::vector<uint8_t> head;
  std::vector<uint8_t> tail;
};

ScriptSigParts script_sig_parts(const BlockTemplate& t, const JobOptions& options) {
  ScriptSigParts parts;
  parts.head = bip34_height_push(t.height);
  if (!t.coinbase_aux_flags.empty()) push_data(parts.head, t.coinbase_aux_flags);
  parts.head.push_back(static_cast<uint8_t>(kExtranonce1Size + options.extranonce2_size));
  const auto* tag = reinterpret_cast<const uint8_t*>(options.pool_tag.data());
  if (!options.pool_tag.empty()) push_data(parts.tail, {tag, options.pool_tag.size()});
  return parts;
}

core::Status check_payouts(std::span<const PayoutOutput> payouts, int64_t coinbase_value) {
  if (payouts.empty()) return fail("job: no payout outputs");
  int64_t sum = 0;
  for (const auto& p : payouts) {
    if (p.amount < 0 || p.amount > coinbase_value) return fail("job: payout amount out of range");
    if (p.script_pubkey.empty() || p.script_pubkey.size() > 10'000)
      return fail("job: bad payout script");
    sum += p.amount;  // each <= coinbase_value <= MAX_MONEY: no overflow before the check
    if (sum > coinbase_value) return fail("job: payouts exceed the coinbase value");
  }
  if (sum != coinbase_value) return fail("job: payouts do not sum to the coinbase value");
  return core::Status::success();
}

}  // namespace

std::vector<uint8_t> bip34_height_push(uint32_t height) {
  // Minimal CScriptNum, little-endian, with a 0x00 pad when the top bit is
  // set (the number is positive). Heights 1..16 come out as `01 NN`.
  if (height == 0) return {0x00};  // OP_0
  std::vector<uint8_t> num;
  for (uint32_t v = height; v != 0; v >>= 8) num.push_back(static_cast<uint8_t>(v & 0xff));
  if (num.back() & 0x80) num.push_back(0x00);
  std::vector<uint8_t> push{static_cast<uint8_t>(num.size())};
  push.insert(push.end(), num.begin(), num.end());
  return push;
}

Result<Job> build_job(std::shared_ptr<const BlockTemplate> block_template,
                      std::span<const PayoutOutput> payouts, const JobOptions& options,
                      std::string job_id, bool clean_jobs) {
  if (!block_template) return fail("job: no template");
  const BlockTemplate& t = *block_template;
  if (options.extranonce2_size < 1 || options.extranonce2_size > 16)
    return fail("job: extranonce2 size must be 1..16");
  if (options.pool_tag.size() > kMaxPoolTag) return fail("job: pool tag longer than 32 bytes");
  if (auto st = check_payouts(payouts, t.coinbase_value); !st) return fail(st.error());

  const ScriptSigParts parts = script_sig_parts(t, options);
  const size_t script_len =
      parts.head.size() + kExtranonce1Size + options.extranonce2_size + parts.tail.size();
  if (script_len > kMaxScriptSig) return fail("job: coinbase scriptSig longer than 100 bytes");

  Job job;
  stratum::Notify& n = job.notify;
  core::Writer w1(n.coinb1);
  w1.u32(1).compact_size(1).hash(core::Hash256{}).u32(0xffffffff).compact_size(script_len);
  w1.bytes(parts.head);
  core::Writer w2(n.coinb2);
  w2.bytes(parts.tail).u32(0xffffffff).compact_size(payouts.size());
  for (const auto& p : payouts) w2.i64(p.amount).var_bytes(p.script_pubkey);
  w2.u32(0);  // locktime

  std::vector<core::Hash256> txids;
  txids.reserve(t.transactions.size());
  for (const auto& tx : t.transactions) txids.push_back(tx.txid);
  n.merkle_branch = core::coinbase_merkle_branch(txids);
  n.job_id = std::move(job_id);
  n.prev_block = t.prev_block;
  n.version = kJobVersion;
  n.nbits = t.bits;
  n.ntime = std::max(t.curtime, t.mintime);
  n.clean_jobs = clean_jobs;

  job.payouts.assign(payouts.begin(), payouts.end());
  job.extranonce2_size = options.extranonce2_size;
  job.network_target = t.target;
  job.height = t.height;
  job.block_template = std::move(block_template);
  return job;
}

std::string assemble_block_hex(const BlockTemplate& block_template, const core::HeaderBytes& header,
                               std::span<const uint8_t> coinbase) {
  size_t size = header.size() + 9 + coinbase.size();
  for (const auto& tx : block_template.transactions) size += tx.data.size();
  std::vector<uint8_t> block;
  block.reserve(size);
  core::Writer w(block);
  w.bytes(header).compact_size(block_template.transactions.size() + 1).bytes(coinbase);
  for (const auto& tx : block_template.transactions) w.bytes(tx.data);
  return core::to_hex(block);
}

}  // namespace btr::pool
