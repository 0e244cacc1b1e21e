#include "node/log.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

namespace btr::node {
namespace {

struct Sink {
  std::mutex mu;
  std::FILE* file = nullptr;
  bool to_stderr = true;
  bool debug = false;
};

Sink& sink() {
  static Sink s;
  return s;
}

const char* level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug:
      return "debug";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kError:
      return "error";
  }
  return "?";
}

std::string timestamp() {
  using namespace std::chrono;
  const auto now = system_clock::now();
  const std::time_t t = system_clock::to_time_t(now);
  const auto ms = duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];  // roomy: the compiler cannot bound tm's fields
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

}  // namespace

bool log_open(const std::filesystem::path& path, bool to_stderr, bool debug) {
  Sink& s = sink();
  std::lock_guard lock(s.mu);
  if (s.file != nullptr) std::fclose(s.file);
  s.file = std::fopen(path.c_str(), "a");
  s.to_stderr = to_stderr;
  s.debug = debug;
  return s.file != nullptr;
}

void log_close() {
  Sink& s = sink();
  std::lock_guard lock(s.mu);
  if (s.file != nullptr) std::fclose(s.file);
  s.file = nullptr;
}

void log_line(LogLevel level, std::string_view message) {
  Sink& s = sink();
  if (level == LogLevel::kDebug && !s.debug) return;
  const std::string line =
      timestamp() + " [" + level_name(level) + "] " + std::string(message) + "\n";
  std::lock_guard lock(s.mu);
  if (s.file != nullptr) {
    std::fputs(line.c_str(), s.file);
    std::fflush(s.file);
  }
  if (s.to_stderr || s.file == nullptr) std::fputs(line.c_str(), stderr);
}

}  // namespace btr::node
