#include "tools/miner/miner_config.h"
int main(int argc, char** argv) {
  btr::tools::miner::MinerConfig config;
  if (auto rc = btr::tools::miner::parse_command_line(argc, argv, config)) return *rc;
  return 0;
}
