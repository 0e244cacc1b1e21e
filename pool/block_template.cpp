#include "pool/block_template.h"

#include <exception>
#include <limits>

#include <nlohmann/json.hpp>

#include "core/crypto/sha256.h"
#include "core/hex.h"
#include "core/pow.h"

namespace btr::pool {
namespace {

using json = nlohmann::json;
using core::fail;
using core::Result;

constexpr int64_t kMaxMoney = 105'000'000'000'000'000;  // chain.md: 1.05e17 units
constexpr size_t kMaxTransactions = 100'000;            // a 1 MB block holds fewer

Result<int64_t> integer_field(const json& o, const char* key, int64_t min, int64_t max,
                              bool required = true, int64_t fallback = 0) {
  const auto it = o.find(key);
  if (it == o.end() || it->is_null()) {
    if (required) return fail(std::string("template: missing ") + key);
    return fallback;
  }
  if (!it->is_number_integer())
    return fail(std::string("template: ") + key + " must be an integer");
  if (it->is_number_unsigned() &&
      it->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
    return fail(std::string("template: ") + key + " out of range");
  const int64_t v = it->get<int64_t>();
  if (v < min || v > max) return fail(std::string("template: ") + key + " out of range");
  return v;
}

Result<std::string> string_field(const json& o, const char* key) {
  const auto it = o.find(key);
  if (it == o.end()) return fail(std::string("template: missing ") + key);
  if (!it->is_string()) return fail(std::string("template: ") + key + " must be a string");
  return it->get<std::string>();
}

Result<TemplateTransaction> parse_transaction(const json& t, size_t index) {
  const std::string where = "template: transactions[" + std::to_string(index) + "]";
  if (!t.is_object()) return fail(where + " must be an object");
  auto data_text = string_field(t, "data");
  if (!data_text) return fail(where + ": " + data_text.error());
  auto data = core::from_hex(*data_text);
  if (!data || data->empty()) return fail(where + ": data is not hex");
  TemplateTransaction tx;
  tx.data = std::move(data).value();
  tx.txid = core::sha256d(tx.data);
  // txid falls back to "hash" as ckpool does; either must match the data.
  const char* id_key = t.contains("txid") ? "txid" : "hash";
  if (t.contains(id_key)) {
    auto id_text = string_field(t, id_key);
    if (!id_text) return fail(where + ": " + id_text.error());
    auto id = core::Hash256::from_display_hex(*id_text);
    if (!id) return fail(where + ": bad txid");
    if (*id != tx.txid) return fail(where + ": txid does not match data");
  }
  auto fee = integer_field(t, "fee", 0, kMaxMoney, /*required=*/false);
  if (!fee) return fail(where + ": " + fee.error());
  tx.fee = *fee;
  return tx;
}

core::Status check_rules(const json& o) {
  const auto it = o.find("rules");
  if (it == o.end() || it->is_null()) return core::Status::success();
  if (!it->is_array()) return fail("template: rules must be an array");
  for (const json& r : *it) {
    if (!r.is_string()) return fail("template: rules must be strings");
    const auto& name = r.get_ref<const std::string&>();
    if (!name.empty() && name[0] == '!')
      return fail("template: unsupported mandatory rule " + name);
  }
  return core::Status::success();
}

Result<std::vector<uint8_t>> aux_flags(const json& o) {
  const auto it = o.find("coinbaseaux");
  if (it == o.end() || it->is_null()) return std::vector<uint8_t>{};
  if (!it->is_object()) return fail("template: coinbaseaux must be an object");
  const auto flags = it->find("flags");
  if (flags == it->end() || flags->is_null()) return std::vector<uint8_t>{};
  if (!flags->is_string()) return fail("template: coinbaseaux.flags must be a hex string");
  auto bytes = core::from_hex(flags->get<std::string>());
  if (!bytes) return fail("template: coinbaseaux.flags is not hex");
  if (bytes->size() > 32) return fail("template: coinbaseaux.flags longer than 32 bytes");
  return std::move(bytes).value();
}

Result<BlockTemplate> parse_checked(const json& o) {
  if (!o.is_object()) return fail("template: result is not an object");
  if (auto st = check_rules(o); !st) return fail(st.error());
  BlockTemplate t;
  auto version = integer_field(o, "version", 1, std::numeric_limits<int32_t>::max());
  if (!version) return fail(version.error());
  t.version = static_cast<int32_t>(*version);
  auto prev = string_field(o, "previousblockhash");
  if (!prev) return fail(prev.error());
  auto prev_hash = core::Hash256::from_display_hex(*prev);
  if (!prev_hash) return fail("template: bad previousblockhash");
  t.prev_block = *prev_hash;

  const auto txs = o.find("transactions");
  if (txs == o.end() || !txs->is_array()) return fail("template: transactions must be an array");
  if (txs->size() > kMaxTransactions) return fail("template: too many transactions");
  t.transactions.reserve(txs->size());
  for (size_t i = 0; i < txs->size(); ++i) {
    auto tx = parse_transaction((*txs)[i], i);
    if (!tx) return fail(tx.error());
    t.transactions.push_back(std::move(tx).value());
  }
  auto flags = aux_flags(o);
  if (!flags) return fail(flags.error());
  t.coinbase_aux_flags = std::move(flags).value();

  auto value = integer_field(o, "coinbasevalue", 0, kMaxMoney);
  if (!value) return fail(value.error());
  t.coinbase_value = *value;

  auto bits_text = string_field(o, "bits");
  if (!bits_text) return fail(bits_text.error());
  auto bits = core::from_hex(*bits_text);
  if (!bits || bits->size() != 4) return fail("template: bits must be 8 hex digits");
  t.bits = core::read_be32(bits->data());
  const core::CompactTarget compact = core::decode_compact(t.bits);
  if (compact.negative || compact.overflow || compact.target.is_zero())
    return fail("template: bits is not a valid target");
  auto target_text = string_field(o, "target");
  if (!target_text) return fail(target_text.error());
  auto target = core::Uint256::from_hex(*target_text);
  if (!target) return fail("template: bad target");
  if (*target != compact.target) return fail("template: target does not match bits");
  t.target = *target;

  auto height = integer_field(o, "height", 1, std::numeric_limits<int32_t>::max());
  if (!height) return fail(height.error());
  t.height = static_cast<uint32_t>(*height);
  auto curtime = integer_field(o, "curtime", 0, std::numeric_limits<uint32_t>::max());
  if (!curtime) return fail(curtime.error());
  t.curtime = static_cast<uint32_t>(*curtime);
  auto mintime = integer_field(o, "mintime", 0, std::numeric_limits<uint32_t>::max(),
                               /*required=*/false);
  if (!mintime) return fail(mintime.error());
  t.mintime = static_cast<uint32_t>(*mintime);

  const auto lp = o.find("longpollid");
  if (lp != o.end() && !lp->is_null()) {
    if (!lp->is_string()) return fail("template: longpollid must be a string");
    t.longpollid = lp->get<std::string>();
  }
  return t;
}

}  // namespace

Result<BlockTemplate> parse_block_template(const nlohmann::json& result) {
  try {
    return parse_checked(result);
  } catch (const std::exception& e) {
    return fail(std::string("template: malformed: ") + e.what());
  }
}

Result<BlockTemplate> parse_block_template_text(std::string_view result_json_text) {
  json v = json::parse(result_json_text.begin(), result_json_text.end(), nullptr,
                       /*allow_exceptions=*/false);
  if (v.is_discarded()) return fail("template: invalid JSON");
  return parse_block_template(v);
}

}  // namespace btr::pool
