// btr-stack: the whole mining stack on regtest in one command (see --help).
#include <filesystem>

#include "tools/stack/stack_app.h"
#include "tools/stack/stack_options.h"

int main(int argc, char** argv) {
  auto parsed = btr::tools::stack::parse_stack_options(argc, argv);
  if (!parsed.options) return parsed.exit_code;
  btr::tools::stack::StackOptions options = *parsed.options;
  if (options.bin_dir.empty()) {
    std::error_code ec;
    const auto self = std::filesystem::canonical("/proc/self/exe", ec);
    options.bin_dir =
        btr::tools::stack::default_bin_dir(ec ? std::filesystem::path(argv[0]) : self);
  }
  btr::tools::stack::StackApp app(std::move(options));
  return app.run();
}
