#include "node/script_verifier.h"

#include <array>
#include <random>
#include <string>
#include <vector>

namespace btr::node {
namespace {

// A per-process secret for the cache's table hashing, so that peers cannot
// grind signatures into one bucket. Core has no randomness; the node does.
std::vector<uint8_t> salt_or_random(std::span<const uint8_t> given) {
  if (!given.empty()) return {given.begin(), given.end()};
  std::random_device rd;
  std::vector<uint8_t> salt(32);
  for (auto& b : salt) b = static_cast<uint8_t>(rd());
  return salt;
}

}  // namespace

InterpreterScriptVerifier::InterpreterScriptVerifier(size_t cache_capacity,
                                                     std::span<const uint8_t> cache_salt)
    : cache_(cache_capacity, salt_or_random(cache_salt)) {}

core::Status InterpreterScriptVerifier::verify(const core::Transaction& tx, size_t input_index,
                                               const core::TxOut& spent, uint32_t flags) const {
  if (input_index >= tx.inputs.size()) return core::fail("bad-txns-input-index");
  auto st = core::script::verify_input(tx, input_index, spent.script_pubkey, flags, &cache_);
  if (!st) return core::fail("mandatory-script-verify-flag-failed (" + st.error() + ")");
  return core::Status::success();
}

core::Status UnavailableScriptVerifier::verify(const core::Transaction&, size_t, const core::TxOut&,
                                               uint32_t) const {
  return core::fail("script-verify-unavailable");
}

}  // namespace btr::node
