// btr-miner's device setup: --work-size reaches the OpenCL backend of the
// device it names (checked on whatever OpenCL device this machine has; PoCL's
// CPU device will do).
#include <doctest/doctest.h>

#include <algorithm>

#include "tools/miner/mining_device.h"

using namespace btr::tools::miner;

namespace {

bool has_line(const std::vector<std::string>& log, const std::string& text) {
  return std::any_of(log.begin(), log.end(),
                     [&](const std::string& line) { return line.find(text) != std::string::npos; });
}

}  // namespace

TEST_CASE("miner devices: --work-size sets the OpenCL work-group size per device") {
  for (const unsigned size : {16u, 32u}) {
    MinerConfig config;
    config.devices = {DeviceSpec{DeviceKind::kOpenCl, 0}};
    config.gpu_work_size = {size};
    auto setup = open_devices(config);
    if (!setup) {
      MESSAGE("BTR-SKIP: no usable OpenCL device here: " << setup.error());
      return;
    }
    REQUIRE(setup->devices.size() == 1);
    CHECK(has_line(setup->log, "opencl:0: work-group size " + std::to_string(size) + ","));
    CHECK(has_line(setup->log, "(--work-size)"));
  }
  // A size the kernel cannot launch with is refused for the named device.
  MinerConfig too_big;
  too_big.devices = {DeviceSpec{DeviceKind::kOpenCl, 0}};
  too_big.gpu_work_size = {4096};
  auto refused = open_devices(too_big);
  if (refused) {
    MESSAGE("this OpenCL device takes work groups of 4096");
  } else {
    CHECK(refused.error().find("work-group size") != std::string::npos);
  }
}
