#pragma once
// The block template as the pool uses it, parsed from a getblocktemplate
// result. The template comes over the network, so every field is checked:
// types, ranges, hex, txid == SHA256d(data), target == bits, no unknown
// mandatory ("!"-prefixed) rules.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "core/result.h"
#include "core/uint256.h"

namespace btr::pool {

struct TemplateTransaction {
  std::vector<uint8_t> data;  // legacy serialization
  core::Hash256 txid;         // internal order (== SHA256d(data))
  int64_t fee = 0;            // 0 when the node does not say
};

struct BlockTemplate {
  int32_t version = 0;
  core::Hash256 prev_block;  // internal (header) order
  std::vector<TemplateTransaction> transactions;
  std::vector<uint8_t> coinbase_aux_flags;  // coinbaseaux.flags, raw bytes
  int64_t coinbase_value = 0;               // subsidy + fees, base units
  core::Uint256 target;
  uint32_t bits = 0;
  uint32_t height = 0;
  uint32_t curtime = 0;
  uint32_t mintime = 0;
  std::string longpollid;  // "" when absent
};

// `result` is the "result" member of the getblocktemplate reply.
core::Result<BlockTemplate> parse_block_template(const nlohmann::json& result);
core::Result<BlockTemplate> parse_block_template_text(std::string_view result_json_text);

}  // namespace btr::pool
