#include "node/net/json_file.h"

#include <fstream>

#include "node/log.h"

namespace btr::node::net {

nlohmann::json read_json_array(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return nlohmann::json::array();
  nlohmann::json doc = nlohmann::json::parse(in, nullptr, false);
  if (!doc.is_array()) {
    log_warn("net: ignoring unreadable " + file.string());
    return nlohmann::json::array();
  }
  return doc;
}

void write_json_atomic(const std::filesystem::path& file, const nlohmann::json& doc) {
  const auto tmp = file.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << doc.dump() << "\n";
    if (!out) {
      log_error("net: cannot write " + tmp);
      return;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, file, ec);
  if (ec) log_error("net: cannot replace " + file.string() + ": " + ec.message());
}

}  // namespace btr::node::net
