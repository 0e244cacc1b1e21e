#pragma once
// HTTP Basic authentication for the RPC server, as Bitcoin Core does it:
// either rpcuser/rpcpassword from the configuration, or a cookie file
// DATADIR/.cookie holding "__cookie__:<random hex>" that is written fresh at
// every start and removed at shutdown (bitcoin-cli and btr-cli read it).

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace btr::node {

inline constexpr const char* kCookieUser = "__cookie__";

std::string base64_encode(std::string_view in);
std::optional<std::string> base64_decode(std::string_view in);

class RpcAuth {
 public:
  void add_credentials(std::string user, std::string password);
  // Generates a random password, writes the cookie file (mode 0600) and
  // accepts it from now on.
  core::Status create_cookie(const std::filesystem::path& path);
  void remove_cookie();
  // Value of the Authorization header (or nullopt when absent).
  bool check(std::optional<std::string_view> authorization) const;

 private:
  std::vector<std::string> accepted_;  // "user:password"
  std::filesystem::path cookie_path_;
};

// 32 random bytes from the OS, hex-encoded.
std::string random_hex32();

}  // namespace btr::node
