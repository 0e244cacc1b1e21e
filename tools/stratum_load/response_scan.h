#pragma once
// Fast path for the load generator's most frequent line, btr-pool's answer to
// mining.submit. At 50,000 shares/s a full JSON parse of every answer
// (stratum::parse_server_message builds a DOM) made the tool use as much CPU
// as the pool it measures, so the two starved each other and inflated the
// measured latency. scan_submit_response() reads the id and the verdict
// straight from the text.
//
// It accepts only the compact layouts stratum::encode_bool_result(id, true)
// and stratum::encode_error write, with an integer id:
//   {"error":null,"id":N,"result":true}
//   {"error":[CODE,"reason",null],"id":N,"result":null}
// (no spaces; an optional trailing CR). Anything else -- string or null ids,
// result false, other keys or order, non-ASCII reasons, garbage -- returns
// nullopt and the caller uses the full parser, so correctness never depends
// on the fast path. Refusal is a plain nullopt rather than a Result with a
// reason: every non-answer line (notifies) passes through here first, and a
// reason string would cost an allocation each time.

#include <cstdint>
#include <optional>
#include <string_view>

namespace btr::tools {

struct ResponseScan {
  int64_t id = 0;
  bool error = false;  // an error array (result null): the share was refused
  int code = 0;        // the error code, when error
};

std::optional<ResponseScan> scan_submit_response(std::string_view line);

}  // namespace btr::tools
