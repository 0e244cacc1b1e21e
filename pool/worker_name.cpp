#include "pool/worker_name.h"

namespace btr::pool {
namespace {

// Printable ASCII only, and short, so the text is safe to log and echo back.
std::string sanitized(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 64)) out.push_back(c >= 0x21 && c <= 0x7e ? c : '?');
  return out;
}

std::string explain(const std::string& reason) {
  if (reason == "address-wrong-network") return "address is for another network";
  if (reason == "address-bad-checksum") return "address checksum is wrong (typo?)";
  if (reason == "address-bad-length") return "address has the wrong length";
  if (reason == "address-bad-encoding") return "address is not Base58";
  return reason;
}

}  // namespace

core::Result<WorkerName> parse_worker_name(std::string_view username,
                                           const core::AddressPrefixes& prefixes) {
  const std::string shown = sanitized(username);
  if (username.empty()) return core::fail("username is empty; use ADDRESS[.worker]");
  const size_t split = username.find_first_of("._");
  const std::string_view address = username.substr(0, split);
  const std::string_view worker =
      split == std::string_view::npos ? std::string_view{} : username.substr(split + 1);
  if (address.empty())
    return core::fail("username '" + shown + "' has no address before the worker name");
  if (worker.size() > kMaxWorkerSuffix) return core::fail("worker name longer than 64 characters");
  for (char c : worker)
    if (c < 0x21 || c > 0x7e) return core::fail("worker name has non-printable characters");

  auto decoded = core::decode_address(address, prefixes);
  if (!decoded)
    return core::fail("invalid payout address '" + sanitized(address) +
                      "': " + explain(decoded.error()) + "; use ADDRESS[.worker]");
  WorkerName out;
  out.address = std::string(address);
  out.worker = std::string(worker);
  out.decoded = *decoded;
  out.script_pubkey = core::address_script(*decoded);
  return out;
}

}  // namespace btr::pool
