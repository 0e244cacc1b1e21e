#pragma once
// Stratum v1 error codes ([SLUSH]/[WIKI], ckpool share_err_codes) and the
// reason strings ckpool sends with them, so that miners and dashboards that
// match on the text keep working against btr-pool.

#include <string_view>

namespace btr::stratum {

enum class ErrorCode : int {
  kOther = 20,
  kJobNotFound = 21,  // unknown job id or stale (from before the current tip)
  kDuplicate = 22,
  kLowDifficulty = 23,
  kUnauthorized = 24,
  kNotSubscribed = 25,
};

inline constexpr int code_value(ErrorCode c) {
  return static_cast<int>(c);
}

namespace reason {
// 20
inline constexpr std::string_view kInvalidNonce2Length = "Invalid nonce2 length";
inline constexpr std::string_view kNoNonce = "No nonce";
inline constexpr std::string_view kNtimeOutOfRange = "Ntime out of range";
inline constexpr std::string_view kInvalidVersionMask = "Invalid version mask";
inline constexpr std::string_view kNoWorkbase = "No workbase";
inline constexpr std::string_view kInvalidParams = "Invalid parameters";
inline constexpr std::string_view kMethodNotFound = "Method not found";
// 21
inline constexpr std::string_view kInvalidJobId = "Invalid JobID";
inline constexpr std::string_view kStale = "Stale";
// 22
inline constexpr std::string_view kDuplicate = "Duplicate";
// 23
inline constexpr std::string_view kAboveTarget = "Above target";
// 24
inline constexpr std::string_view kWorkerMismatch = "Worker mismatch";
inline constexpr std::string_view kUnauthorized = "Unauthorized worker";
// 25
inline constexpr std::string_view kNotSubscribed = "Not subscribed";
}  // namespace reason

}  // namespace btr::stratum
