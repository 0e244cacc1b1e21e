#pragma once
// The node's log: one line per event with a UTC timestamp, written to
// DATADIR/debug.log and (unless disabled) to stderr. One process-wide sink,
// opened by main before anything logs; before that, lines go to stderr only.

#include <filesystem>
#include <string>
#include <string_view>

namespace btr::node {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

// Opens (appends to) path; returns false when the file cannot be opened.
bool log_open(const std::filesystem::path& path, bool to_stderr, bool debug);
void log_close();
void log_line(LogLevel level, std::string_view message);

inline void log_info(std::string_view m) {
  log_line(LogLevel::kInfo, m);
}
inline void log_warn(std::string_view m) {
  log_line(LogLevel::kWarn, m);
}
inline void log_error(std::string_view m) {
  log_line(LogLevel::kError, m);
}
inline void log_debug(std::string_view m) {
  log_line(LogLevel::kDebug, m);
}

}  // namespace btr::node
