// kernels/devices.h: the device list btr-bench --list-devices shows and the device ids it opens.

#include <doctest/doctest.h>

#include <cstdlib>

#include "kernels/devices.h"

using namespace btr::kernels;

TEST_CASE("devices: the list starts with the CPU and numbers GPUs per API") {
  const auto devices = list_devices();
  REQUIRE_FALSE(devices.empty());
  CHECK(devices[0].id == "cpu");
  CHECK(devices[0].compute_units >= 1);
  CHECK(devices[0].usable);
  CHECK(devices[0].work_size > 0);
  unsigned opencl = 0;
  unsigned cuda = 0;
  for (const auto& d : devices) {
    MESSAGE(d.id << ": " << d.name << ", " << d.compute_units << " units, work size " << d.work_size
                 << std::string(d.usable ? "" : " (unusable)") << ", " << d.detail);
    if (d.id.rfind("opencl:", 0) == 0) CHECK(d.id == "opencl:" + std::to_string(opencl++));
    if (d.id.rfind("cuda:", 0) == 0) CHECK(d.id == "cuda:" + std::to_string(cuda++));
  }
}

TEST_CASE("devices: unknown or malformed ids are refused with a reason") {
  for (const char* id : {"", "gpu", "opencl:", "opencl:x", "opencl:99999", "cuda:-1", "cpu"}) {
    auto backend = open_gpu_device(id);
    CHECK_FALSE(backend.ok());
    if (!backend.ok()) CHECK_FALSE(backend.error().empty());
  }
  CHECK(open_gpu_device("opencl:999").ok() == false);
  CHECK(open_gpu_device("cuda:999").ok() == false);
}

TEST_CASE("devices: the default cache directory follows XDG_CACHE_HOME") {
  const char* old = std::getenv("XDG_CACHE_HOME");
  const std::string saved = old != nullptr ? old : "";
  setenv("XDG_CACHE_HOME", "/tmp/xdg-test", 1);
  CHECK(default_cache_dir() == std::filesystem::path("/tmp/xdg-test/bitsilver"));
  if (old != nullptr) {
    setenv("XDG_CACHE_HOME", saved.c_str(), 1);
  } else {
    unsetenv("XDG_CACHE_HOME");
  }
}
