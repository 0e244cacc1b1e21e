// btr-miner: SHA256d miner for BitSilver, for Stratum v1 pools and solo
// mining against btr-node. See tools/miner/miner_app.h for the pieces.
#include <iostream>

#include "tools/miner/miner_app.h"
#include "tools/miner/mining_device.h"

int main(int argc, char** argv) {
  using namespace btr::tools::miner;
  MinerConfig config;
  try {
    if (const auto exit_code = parse_command_line(argc, argv, config)) return *exit_code;
    if (config.list_devices) {
      for (const std::string& line : describe_devices(config)) std::cout << line << "\n";
      return 0;
    }
    MinerApp app(std::move(config));
    return app.run();
  } catch (const std::exception& e) {
    std::cerr << "btr-miner: " << e.what() << "\n";
    return 1;
  }
}
