#include "test/common/test_util.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>

namespace btr::test {

std::optional<std::filesystem::path> vectors_dir() {
  const char* dir = std::getenv("BTR_VECTORS_DIR");
  if (dir == nullptr || *dir == '\0') return std::nullopt;
  std::filesystem::path p(dir);
  if (!std::filesystem::is_directory(p)) return std::nullopt;
  return p;
}

uint64_t seed() {
  static const uint64_t value = [] {
    uint64_t s = 0;
    if (const char* env = std::getenv("BTR_TEST_SEED"); env != nullptr && *env != '\0') {
      s = std::strtoull(env, nullptr, 0);
    } else {
      s = (uint64_t{std::random_device{}()} << 32) | std::random_device{}();
    }
    std::printf("test seed: BTR_TEST_SEED=%llu\n", static_cast<unsigned long long>(s));
    std::fflush(stdout);
    return s;
  }();
  return value;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path.string());
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace btr::test
