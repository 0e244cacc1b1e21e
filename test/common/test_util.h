#pragma once
// Shared helpers for the doctest suites.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace btr::test {

// $BTR_VECTORS_DIR, or nullopt when unset or not a directory.
std::optional<std::filesystem::path> vectors_dir();

// The run's random seed: $BTR_TEST_SEED if set, else random. Printed once per
// process so that a failure can be replayed.
uint64_t seed();

std::string read_file(const std::filesystem::path& path);

}  // namespace btr::test

// Makes the current test report itself skipped (ctest matches "BTR-SKIP:")
// when the public vectors are not available, and binds `var` to their folder.
#define BTR_REQUIRE_VECTORS(var)                                           \
  const auto var##_opt = ::btr::test::vectors_dir();                       \
  if (!var##_opt) {                                                        \
    MESSAGE("BTR-SKIP: BTR_VECTORS_DIR is unset; vector test skipped");    \
    return;                                                                \
  }                                                                        \
  const std::filesystem::path var = *var##_opt
