#include "tools/miner/miner_config.h"

#include <CLI/CLI.hpp>
#include <charconv>
#include <iostream>

namespace btr::tools::miner {
namespace {

core::Result<uint32_t> parse_uint(std::string_view text, uint32_t max) {
  uint32_t value = 0;
  const auto* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end || value > max) {
    return core::fail("bad number '" + std::string(text) + "'");
  }
  return value;
}

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    const size_t pos = text.find(sep, start);
    parts.push_back(text.substr(start, pos == std::string_view::npos ? pos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return parts;
}

}  // namespace

std::string PoolUrl::to_string() const {
  const bool v6 = host.find(':') != std::string::npos;
  return "stratum+tcp://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

core::Result<PoolUrl> parse_pool_url(std::string_view text) {
  constexpr std::string_view kScheme = "stratum+tcp://";
  if (text.starts_with(kScheme)) {
    text.remove_prefix(kScheme.size());
  } else if (text.find("://") != std::string_view::npos) {
    return core::fail("only stratum+tcp:// pool URLs are supported");
  }
  if (const size_t slash = text.find('/'); slash != std::string_view::npos) {
    text = text.substr(0, slash);
  }
  PoolUrl url;
  std::string_view port_text;
  if (text.starts_with('[')) {
    const size_t close = text.find(']');
    if (close == std::string_view::npos) return core::fail("unclosed [ in pool URL");
    url.host = std::string(text.substr(1, close - 1));
    const std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (!rest.starts_with(':')) return core::fail("junk after ] in pool URL");
      port_text = rest.substr(1);
    }
  } else {
    const size_t colon = text.rfind(':');
    url.host = std::string(text.substr(0, colon));
    if (colon != std::string_view::npos) port_text = text.substr(colon + 1);
  }
  if (url.host.empty()) return core::fail("pool URL has no host");
  if (!port_text.empty()) {
    const auto port = parse_uint(port_text, 65535);
    if (!port || *port == 0) return core::fail("bad port in pool URL");
    url.port = static_cast<uint16_t>(*port);
  }
  return url;
}

std::string DeviceSpec::to_string() const {
  switch (kind) {
    case DeviceKind::kCpu:
      return "cpu";
    case DeviceKind::kOpenCl:
      return "opencl:" + std::to_string(index);
    case DeviceKind::kCuda:
      return "cuda:" + std::to_string(index);
  }
  return "?";
}

core::Result<std::vector<DeviceSpec>> parse_device_list(std::string_view text) {
  std::vector<DeviceSpec> devices;
  for (const std::string_view item : split(text, ',')) {
    const size_t colon = item.find(':');
    const std::string_view kind = item.substr(0, colon);
    DeviceSpec spec;
    if (kind == "cpu") {
      spec.kind = DeviceKind::kCpu;
    } else if (kind == "opencl") {
      spec.kind = DeviceKind::kOpenCl;
    } else if (kind == "cuda") {
      spec.kind = DeviceKind::kCuda;
    } else {
      return core::fail("unknown device '" + std::string(item) + "' (cpu, opencl:N, cuda:N)");
    }
    if (colon != std::string_view::npos) {
      if (spec.kind == DeviceKind::kCpu) return core::fail("the CPU takes no index");
      const auto index = parse_uint(item.substr(colon + 1), 255);
      if (!index) return core::fail("bad device index in '" + std::string(item) + "'");
      spec.index = static_cast<int>(*index);
    }
    for (const DeviceSpec& seen : devices) {
      if (seen == spec) return core::fail("device " + spec.to_string() + " listed twice");
    }
    devices.push_back(spec);
  }
  return devices;
}

core::Status validate(const MinerConfig& config) {
  if (config.list_devices) return core::Status::success();
  const int modes = int{config.solo} + int{config.benchmark} + int{!config.pools.empty()};
  if (modes == 0) return core::fail("choose a mode: -o URL (pool), --solo or --benchmark");
  if (modes > 1) return core::fail("-o, --solo and --benchmark exclude each other");
  if (!config.pools.empty() && config.user.empty()) {
    return core::fail("pool mode needs -u ADDRESS.worker");
  }
  if (config.solo) {
    if (config.rpc_url.empty()) return core::fail("--solo needs --rpc URL");
    if (config.address.empty()) return core::fail("--solo needs --address ADDRESS");
    if (!config.rpc_cookie.empty() && !config.rpc_user.empty()) {
      return core::fail("use --rpc-cookie or --rpc-user/--rpc-password, not both");
    }
  }
  if (config.pool_silence_s <= 0 || config.status_interval_s <= 0) {
    return core::fail("time intervals must be positive");
  }
  for (const unsigned intensity : config.gpu_intensity) {
    if (intensity < 8 || intensity > 32) return core::fail("intensity must be 8..32");
  }
  for (const unsigned size : config.gpu_work_size) {
    if (size < 1 || size > 4096) return core::fail("work size must be 1..4096");
  }
  return core::Status::success();
}

std::optional<int> parse_command_line(int argc, char** argv, MinerConfig& config) {
  CLI::App app{"btr-miner: SHA256d miner for BitSilver pools (Stratum v1) and solo mining"};
  std::vector<std::string> urls;
  std::string devices;
  double suggest = 0;
  bool no_version_rolling = false;
  app.add_option("-o,--url", urls, "pool URL stratum+tcp://HOST:PORT; repeat for failover");
  app.add_option("-u,--user", config.user, "pool user: ADDRESS.worker");
  app.add_option("-p,--pass", config.password, "pool password")->capture_default_str();
  app.add_option("--suggest-diff", suggest, "send mining.suggest_difficulty after authorize");
  app.add_flag("--extranonce-subscribe", config.extranonce_subscribe,
               "send mining.extranonce.subscribe (pool may then send set_extranonce)");
  app.add_flag("--no-version-rolling", no_version_rolling, "do not send mining.configure");
  app.add_option("--pool-silence", config.pool_silence_s,
                 "seconds without any message before a pool counts as down")
      ->capture_default_str();
  app.add_option("--retry-primary", config.retry_primary_s,
                 "seconds between checks whether the first pool is back")
      ->capture_default_str();
  app.add_flag("--solo", config.solo, "mine solo against btr-node (getblocktemplate)");
  app.add_option("--rpc", config.rpc_url, "btr-node RPC URL, http://HOST:PORT");
  app.add_option("--rpc-user", config.rpc_user, "RPC user");
  app.add_option("--rpc-password", config.rpc_password, "RPC password");
  app.add_option("--rpc-cookie", config.rpc_cookie, "path of btr-node's .cookie file");
  app.add_option("--address", config.address, "solo: address the coinbase pays to");
  app.add_option("--network", config.network,
                 "solo: main, testnet (alias test) or regtest, as btr-node names them")
      ->check(CLI::IsMember({"main", "testnet", "test", "regtest"}))
      ->capture_default_str();
  app.add_option("--devices", devices, "cpu,opencl:N,cuda:N (default: all that pass self-test)");
  app.add_option("-t,--threads", config.threads, "CPU threads (0: one per core)");
  app.add_option("--cpu-backend", config.cpu_backend, "portable, avx2, avx512, shani ...");
  app.add_option("--intensity", config.gpu_intensity, "per GPU: log2 nonces per batch")
      ->delimiter(',');
  app.add_option("--work-size", config.gpu_work_size,
                 "per OpenCL GPU in order: work-group size (default: measured)")
      ->delimiter(',');
  app.add_flag("--list-devices", config.list_devices, "list devices and their self-tests");
  app.add_flag("--benchmark", config.benchmark, "hash without a pool and report the rate");
  app.add_option("--benchmark-seconds", config.benchmark_seconds, "stop the benchmark after N s");
  app.add_option("--status-interval", config.status_interval_s, "seconds between status lines")
      ->capture_default_str();
  app.add_flag("--json-log", config.json_log, "print status and events as JSON lines");
  app.add_option("--api-port", config.api_port, "serve status JSON over HTTP on this port");
  app.add_option("--api-bind", config.api_bind, "address for --api-port")->capture_default_str();
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  for (const std::string& text : urls) {
    auto url = parse_pool_url(text);
    if (!url) {
      std::cerr << "btr-miner: " << text << ": " << url.error() << "\n";
      return 2;
    }
    config.pools.push_back(*url);
  }
  if (!devices.empty()) {
    auto list = parse_device_list(devices);
    if (!list) {
      std::cerr << "btr-miner: --devices: " << list.error() << "\n";
      return 2;
    }
    config.devices = *list;
  }
  if (app.count("--suggest-diff") > 0) config.suggest_difficulty = suggest;
  config.version_rolling = !no_version_rolling;
  if (config.network == "test") config.network = "testnet";  // the old spelling stays accepted
  if (const core::Status ok = validate(config); !ok) {
    std::cerr << "btr-miner: " << ok.error() << "\n";
    return 2;
  }
  return std::nullopt;
}

}  // namespace btr::tools::miner
