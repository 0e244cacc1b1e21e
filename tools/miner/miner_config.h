#pragma once
// btr-miner's settings: what the command line asks for, parsed and checked
// before anything starts. Parsing throws only at the CLI edge (parse_command_line);
// the pieces (URLs, device lists) return core::Result so tests can feed them
// arbitrary text.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace btr::tools::miner {

// A Stratum endpoint: "stratum+tcp://HOST:PORT" (the scheme may be left out).
struct PoolUrl {
  std::string host;  // without brackets for IPv6 literals
  uint16_t port = 3333;
  std::string to_string() const;
  bool operator==(const PoolUrl&) const = default;
};
core::Result<PoolUrl> parse_pool_url(std::string_view text);

enum class DeviceKind { kCpu, kOpenCl, kCuda };
struct DeviceSpec {
  DeviceKind kind = DeviceKind::kCpu;
  int index = 0;  // GPU ordinal; 0 for the CPU
  std::string to_string() const;
  bool operator==(const DeviceSpec&) const = default;
};
// "cpu,opencl:0,cuda:1"; "opencl" alone means opencl:0. Duplicates are refused.
core::Result<std::vector<DeviceSpec>> parse_device_list(std::string_view text);

struct MinerConfig {
  // Pool mode.
  std::vector<PoolUrl> pools;  // failover order, the first is preferred
  std::string user;            // ADDRESS.worker
  std::string password = "x";
  std::optional<double> suggest_difficulty;
  bool extranonce_subscribe = false;
  bool version_rolling = true;
  double pool_silence_s = 90;    // connected but silent this long: the pool counts as down
  double retry_primary_s = 30;   // how often a backup pool checks whether the first is back
  double reconnect_delay_s = 2;  // wait after a failure before the next pool is tried
  // Solo mode.
  bool solo = false;
  std::string rpc_url;
  std::string rpc_user;
  std::string rpc_password;
  std::string rpc_cookie;        // path of btr-node's .cookie file
  std::string address;           // where the coinbase pays
  std::string network = "main";  // main, testnet or regtest ("test" is read as testnet)
  // Devices.
  std::vector<DeviceSpec> devices;      // empty: every device that passes its self-test
  unsigned threads = 0;                 // CPU threads, 0 = one per core
  std::string cpu_backend;              // empty = the fastest that passes its self-test
  std::vector<unsigned> gpu_intensity;  // log2 of nonces per GPU batch, per GPU in order
  std::vector<unsigned> gpu_work_size;  // work-group size per GPU in order
  bool list_devices = false;
  bool benchmark = false;
  double benchmark_seconds = 0;  // 0: until Ctrl-C
  // Output.
  double status_interval_s = 5;
  bool json_log = false;
  uint16_t api_port = 0;  // 0: no HTTP status endpoint
  std::string api_bind = "127.0.0.1";
};

// Checks the combination of options (a mode chosen, its arguments present).
core::Status validate(const MinerConfig& config);

// Parses argv into config. Returns the process exit code to use when the
// program should stop right away (--help, a usage error), nullopt to go on.
std::optional<int> parse_command_line(int argc, char** argv, MinerConfig& config);

}  // namespace btr::tools::miner
