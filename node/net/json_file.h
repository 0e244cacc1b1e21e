#pragma once
// The ban list and the address book keep small JSON arrays in the data
// folder: read them leniently (a missing or damaged file is an empty list)
// and replace them atomically (written beside, then renamed, so a crash
// leaves the old file or the new one).

#include <filesystem>

#include <nlohmann/json.hpp>

namespace btr::node::net {

// The array in the file; an empty array when absent or unreadable (logged).
nlohmann::json read_json_array(const std::filesystem::path& file);
void write_json_atomic(const std::filesystem::path& file, const nlohmann::json& doc);

}  // namespace btr::node::net
