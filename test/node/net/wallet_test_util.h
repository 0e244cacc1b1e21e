#pragma once
// Shared pieces of the wallet's net tests: the regtest pre-mine key of
// chain.md and JSON-RPC reply checks.

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

namespace btr::test {

inline constexpr const char* kPremineWif = "cPZLxCJEB6s7eY7A1epqB7h3CAT7FNaCjssokGyd4JMPSD3UKGJs";
inline constexpr const char* kPremineAddress = "mtVwi6aB1K4mZ4ziK27VgXGjdhLQ1V9iqs";

// The result of a reply that must have succeeded.
inline nlohmann::json rpc_ok(const nlohmann::json& reply) {
  INFO(reply.dump());
  REQUIRE(reply.is_object());
  REQUIRE(reply["error"].is_null());
  return reply["result"];
}

// The error code of a reply that must have failed.
inline int rpc_error_code(const nlohmann::json& reply) {
  INFO(reply.dump());
  REQUIRE(reply.is_object());
  REQUIRE(reply["error"].is_object());
  return reply["error"]["code"];
}

}  // namespace btr::test
