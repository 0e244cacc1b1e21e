#include <cstdio>

#include "node/config.h"

int main(int argc, char** argv) {
  auto parsed = btr::node::parse_node_config(argc, argv);
  if (!parsed.config) {
    std::fputs((parsed.message + "\n").c_str(), parsed.exit_code == 0 ? stdout : stderr);
    return parsed.exit_code;
  }
  return 0;
}
