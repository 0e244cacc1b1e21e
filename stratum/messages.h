#pragma once
// Typed Stratum v1 messages (mining-interop.md section 1). JSON stays inside
// codec.cpp: callers see only these structs.
//
//  - ClientMessage: what a miner sends (the pool parses these).
//  - ServerMessage: what a pool sends (btr-miner parses these).
// Hex fields are decoded into bytes / uint32 values as described in
// hex_fields.h; Notify::prev_block is in header (internal) byte order.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "core/result.h"
#include "core/uint256.h"

namespace btr::stratum {

// JSON-RPC id: null (notifications, or absent), integer or string. Ids are
// not unique (cpuminer sends id 4 for every submit); echo them unchanged.
using MessageId = std::variant<std::monostate, int64_t, std::string>;

// ---------------------------------------------------------------- client -> server
struct Subscribe {
  std::string user_agent;                 // "" when params are empty
  std::optional<std::string> session_id;  // previous session to resume
  bool operator==(const Subscribe&) const = default;
};

struct Authorize {
  std::string username;  // ADDRESS[.worker] or ADDRESS_worker
  std::string password;  // "" when absent
  bool operator==(const Authorize&) const = default;
};

struct Submit {
  std::string worker;
  std::string job_id;
  std::vector<uint8_t> extranonce2;  // raw bytes, as given
  uint32_t ntime = 0;
  uint32_t nonce = 0;
  std::optional<uint32_t> version_bits;  // 6th param (BIP310), when sent
  bool operator==(const Submit&) const = default;
};

struct Configure {
  std::vector<std::string> extensions;  // e.g. {"version-rolling"}
  std::optional<uint32_t> version_rolling_mask;
  std::optional<uint32_t> version_rolling_min_bit_count;
  bool operator==(const Configure&) const = default;
};

struct SuggestDifficulty {
  double difficulty = 0;     // > 0, finite; integer or fractional
  bool legacy_form = false;  // sent as method "mining.suggest_difficulty(N)"
  bool operator==(const SuggestDifficulty&) const = default;
};

struct ExtranonceSubscribe {
  bool operator==(const ExtranonceSubscribe&) const = default;
};

// ESP-Miner answers mining.ping with {"method":"pong"} (no id).
struct Pong {
  bool operator==(const Pong&) const = default;
};

// An error as miners may receive it: every shape listed in mining-interop.md
// (array [code,"msg",tb], bare string, object {code,message}, "reject-reason")
// is folded into this.
struct ErrorInfo {
  int code = 20;
  std::string message;
  bool operator==(const ErrorInfo&) const = default;
};

// A reply to a request (either direction). result_json is the compact JSON
// text of "result" ("null" when absent); decode it with the decode_*_result
// helpers in codec.h.
struct Response {
  std::string result_json = "null";
  std::optional<ErrorInfo> error;
  bool operator==(const Response&) const = default;
};

using ClientMessage = std::variant<Subscribe, Authorize, Submit, Configure, SuggestDifficulty,
                                   ExtranonceSubscribe, Pong, Response>;

// ---------------------------------------------------------------- server -> client
struct Notify {
  std::string job_id;
  core::Hash256 prev_block;  // header order (the wire field is word-swapped)
  std::vector<uint8_t> coinb1;
  std::vector<uint8_t> coinb2;
  std::vector<core::Hash256> merkle_branch;  // internal order, as on the wire
  uint32_t version = 0;
  uint32_t nbits = 0;
  uint32_t ntime = 0;
  bool clean_jobs = false;
  bool operator==(const Notify&) const = default;
};

struct SetDifficulty {
  double difficulty = 1;  // > 0, finite; applies from the next notify
  bool operator==(const SetDifficulty&) const = default;
};

struct SetExtranonce {
  std::vector<uint8_t> extranonce1;
  uint32_t extranonce2_size = 0;
  bool operator==(const SetExtranonce&) const = default;
};

struct SetVersionMask {
  uint32_t mask = 0;
  bool operator==(const SetVersionMask&) const = default;
};

struct Reconnect {
  std::optional<std::string> host;  // all absent: reconnect to the same pool
  std::optional<uint16_t> port;     // sent as int or as a numeric string
  std::optional<uint32_t> wait_s;
  bool operator==(const Reconnect&) const = default;
};

struct ShowMessage {
  std::string text;
  bool operator==(const ShowMessage&) const = default;
};

struct GetVersion {
  bool operator==(const GetVersion&) const = default;
};

struct Ping {
  bool operator==(const Ping&) const = default;
};

using ServerMessage = std::variant<Notify, SetDifficulty, SetExtranonce, SetVersionMask, Reconnect,
                                   ShowMessage, GetVersion, Ping, Response>;

// ---------------------------------------------------------------- typed results
// mining.subscribe result: [[["mining.notify","<subid>"],...], "<en1 hex>", en2_size]
struct SubscribeResult {
  std::vector<std::pair<std::string, std::string>> subscriptions;  // (method, id)
  std::vector<uint8_t> extranonce1;
  uint32_t extranonce2_size = 0;
  // The id of the "mining.notify" tuple (the session id miners resume with).
  std::optional<std::string> notify_subscription_id() const;
  bool operator==(const SubscribeResult&) const = default;
};

// mining.configure result (BIP310).
struct ConfigureResult {
  std::optional<bool> version_rolling;   // absent when not requested
  uint32_t version_rolling_mask = 0;     // meaningful when version_rolling == true
  std::vector<std::string> unsupported;  // each answered "<name>": false
  bool operator==(const ConfigureResult&) const = default;
};

}  // namespace btr::stratum
