#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include "test/common/test_util.h"

int main(int argc, char** argv) {
  doctest::Context context(argc, argv);
  // Listing test cases (ctest discovery) must print nothing else.
  bool listing = false;
  for (int i = 1; i < argc; ++i)
    if (std::string_view(argv[i]).find("list-test") != std::string_view::npos) listing = true;
  if (!listing) (void)btr::test::seed();
  return context.run();
}
