#pragma once
// Stratum v1 codec: one line of text (without its LF) <-> typed messages.
// No I/O. Parsing never throws and never crashes on any input: garbage,
// wrong types, missing fields, nesting deeper than kMaxJsonDepth and lines
// longer than kMaxLineBytes are all errors with a reason.
// Every encode_* function returns one complete line INCLUDING the final '\n'.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"
#include "stratum/errors.h"
#include "stratum/line_framer.h"
#include "stratum/messages.h"

namespace btr::stratum {

inline constexpr int kMaxJsonDepth = 16;

// The id is recovered whenever the line is a JSON object with a usable "id",
// even when the rest is refused, so the server can answer the error to it.
struct ParsedClientMessage {
  MessageId id;
  core::Result<ClientMessage> message;
};
struct ParsedServerMessage {
  MessageId id;
  core::Result<ServerMessage> message;
};

// Pool side: a line from a miner. Unknown methods are errors
// ("unknown method: <name>").
ParsedClientMessage parse_client_message(std::string_view line);
// Miner side: a line from a pool (notification, server request or response).
ParsedServerMessage parse_server_message(std::string_view line);

// ---------------------------------------------------------------- encoders
// Requests and notifications. For ServerMessage notifications pass id null;
// a Response alternative is encoded as {"id":id,"result":...,"error":...}.
std::string encode_client_message(const MessageId& id, const ClientMessage& msg);
std::string encode_server_message(const MessageId& id, const ServerMessage& msg);

// Responses.
std::string encode_bool_result(const MessageId& id, bool value);
std::string encode_string_result(const MessageId& id, std::string_view value);  // get_version
std::string encode_subscribe_result(const MessageId& id, const SubscribeResult& result);
std::string encode_configure_result(const MessageId& id, const ConfigureResult& result);
// {"id":id,"result":null,"error":[code,"reason",null]}
std::string encode_error(const MessageId& id, int code, std::string_view reason);
inline std::string encode_error(const MessageId& id, ErrorCode code, std::string_view reason) {
  return encode_error(id, code_value(code), reason);
}

// Notifications the pool sends most (id null).
std::string encode_notify(const Notify& notify);
std::string encode_set_difficulty(double difficulty);

// ---------------------------------------------------------------- typed results
core::Result<bool> decode_bool_result(const Response& response);  // true/false result
core::Result<std::string> decode_string_result(const Response& response);
core::Result<SubscribeResult> decode_subscribe_result(const Response& response);
core::Result<ConfigureResult> decode_configure_result(const Response& response);

// Difficulty as JSON text: an integer when it is one (512), else the
// shortest round-trip decimal (0.001).
std::string difficulty_to_json(double difficulty);

}  // namespace btr::stratum
