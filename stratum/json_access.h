#pragma once
// Internal to btr_stratum: checked access to nlohmann::json values. Every
// accessor tests the type first, so nothing here throws on untrusted input.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "stratum/messages.h"

namespace btr::stratum::detail {

using json = nlohmann::json;

// Parses one line into a JSON object, refusing over-long lines, nesting
// deeper than max_depth and anything that is not an object.
core::Result<json> parse_object(std::string_view line, int max_depth);

// Reads "id": absent or null -> monostate; integer (or integral float) ->
// int64; string -> string; anything else is refused.
core::Result<MessageId> read_id(const json& object);
json id_to_json(const MessageId& id);

// The "params" array, or an empty array when absent or null.
core::Result<const json*> read_params(const json& object);

core::Result<std::string> string_at(const json& params, size_t i, std::string_view what);
core::Result<std::vector<uint8_t>> hex_bytes_at(const json& params, size_t i,
                                                std::string_view what);
core::Result<uint32_t> hex8_at(const json& params, size_t i, std::string_view what);
// A finite number > 0 (integer or float; strings are refused, as ESP-Miner does).
core::Result<double> positive_number(const json& value, std::string_view what);
// A non-negative integer no larger than max (integral JSON number or a
// decimal string, since ckpool sends reconnect ports as strings).
core::Result<uint64_t> unsigned_value(const json& value, uint64_t max, std::string_view what);

// Response (result/error in every shape listed in mining-interop.md).
Response read_response(const json& object);

// Compact dump that never throws (invalid UTF-8 is replaced).
std::string dump(const json& value);

}  // namespace btr::stratum::detail
