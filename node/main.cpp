// btr-node: the BitSilver node. See node/node_app.h and `btr-node --help`.

#include <cstdio>

#include "node/config.h"
#include "node/node_app.h"

int main(int argc, char** argv) {
  auto parsed = btr::node::parse_node_config(argc, argv);
  if (!parsed.config) {
    std::fputs((parsed.message + "\n").c_str(), parsed.exit_code == 0 ? stdout : stderr);
    return parsed.exit_code;
  }
  btr::node::NodeApp app(std::move(*parsed.config));
  return app.run();
}
