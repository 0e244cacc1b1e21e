// btr-bench: SHA256d nonce-scan throughput, backend x thread count, with reference SHA-256
// rates. Text table by default, one JSON object with --json.

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <iostream>
#include <string>

#include "tools/bench/bench_devices.h"
#include "tools/bench/bench_measure.h"

namespace btr::tools::bench {
namespace {

struct Options {
  bool json = false;
  unsigned threads = 0;
  std::string device;
  std::string backend;
  double duration = 1.0;
  int runs = 3;
  bool list_devices = false;
  bool no_reference = false;
};

bool device_matches(const std::string& wanted, const DeviceProvider& p, const DeviceInfo& d) {
  return wanted.empty() || wanted == d.id || wanted == p.prefix;
}

nlohmann::json rate_json(const std::optional<TransformRate>& r) {
  if (!r) return nullptr;
  return {{"name", r->name}, {"compressions_per_s", r->compressions_per_s}};
}

int run(const Options& opt) {
  const auto providers = device_providers();
  if (opt.list_devices) {
    for (const auto& p : providers) {
      for (const auto& d : p.list()) std::printf("%-12s %s\n", d.id.c_str(), d.description.c_str());
    }
    return 0;
  }
  const Machine machine = describe_machine();
  nlohmann::json results = nlohmann::json::array();
  std::string selected;
  bool any_device = false;
  if (!opt.json) {
    std::printf("machine: %s, %u cores%s\n", machine.cpu.c_str(), machine.cores,
                machine.mhz ? (", " + std::to_string(static_cast<int>(*machine.mhz)) +
                               " MHz (/proc/cpuinfo)")
                                  .c_str()
                            : "");
    std::printf("%-10s %-9s %7s %9s %9s %11s %11s %s\n", "device", "backend", "threads", "MH/s",
                "MH/s/thr", "MH/s(cpu)", "cyc/nonce", "switch ms med/max");
  }
  for (const auto& p : providers) {
    for (const auto& d : p.list()) {
      if (!device_matches(opt.device, p, d)) continue;
      any_device = true;
      if (p.prefix == "cpu" && selected.empty()) selected = p.selected();
      auto targets = p.targets(d.id, opt.backend, opt.threads);
      if (!targets) {
        std::fprintf(stderr, "btr-bench: %s: %s\n", d.id.c_str(), targets.error().c_str());
        return 1;
      }
      for (const auto& t : *targets) {
        for (unsigned threads : t.thread_counts) {
          const RateSample s = measure_scan(t.factory, threads, opt.duration, opt.runs);
          const double mhs = s.median_mhs();
          const double mhs_cpu = s.median_mhs_cpu();
          const double per_thread = mhs / threads;
          // Cycles per nonce from the CPU-time rate: the wall rate on a loaded machine counts
          // other processes' time too.
          const double per_busy_thread = mhs_cpu / threads;
          nlohmann::json row = {{"device", t.device},
                                {"backend", t.backend},
                                {"threads", threads},
                                {"mhs", mhs},
                                {"mhs_runs", s.mhs},
                                {"mhs_cpu", mhs_cpu},
                                {"mhs_cpu_runs", s.mhs_cpu},
                                {"switch_ms_median", s.median_switch_ms()},
                                {"switch_ms_max", s.max_switch_ms()}};
          std::string cycles = "-";
          if (machine.mhz && t.device == "cpu" && per_busy_thread > 0) {
            const double cpn = *machine.mhz / per_busy_thread;
            row["cycles_per_nonce"] = cpn;
            cycles = std::to_string(static_cast<int>(cpn + 0.5));
          }
          results.push_back(row);
          if (!opt.json) {
            std::printf("%-10s %-9s %7u %9.2f %9.2f %11.2f %11s %8.2f/%.2f\n", t.device.c_str(),
                        t.backend.c_str(), threads, mhs, per_thread, mhs_cpu, cycles.c_str(),
                        s.median_switch_ms(), s.max_switch_ms());
            std::fflush(stdout);
          }
        }
      }
    }
  }
  if (!any_device) {
    std::fprintf(stderr, "btr-bench: no device matches '%s' (see --list-devices)\n",
                 opt.device.c_str());
    return 1;
  }
  nlohmann::json reference = nlohmann::json::object();
  if (!opt.no_reference) {
    const TransformRate core_rate = core_transform_rate(0.3);
    const auto ossl = openssl_rate();
    reference["core_sha256_transform"] = rate_json(core_rate);
    reference["openssl"] = rate_json(ossl);
    if (!opt.json) {
      std::printf("reference: core sha256_transform (%s) %.2f M compressions/s single stream\n",
                  core_rate.name.c_str(), core_rate.compressions_per_s / 1e6);
      if (ossl) {
        std::printf("reference: %s %.2f M compressions/s\n", ossl->name.c_str(),
                    ossl->compressions_per_s / 1e6);
      } else {
        std::printf("reference: openssl not available\n");
      }
    }
  }
  if (!opt.json) {
    std::printf("selected: %s (median of %d runs of %.2f s each)\n", selected.c_str(), opt.runs,
                opt.duration);
    return 0;
  }
  nlohmann::json machine_json = {{"cpu", machine.cpu}, {"cores", machine.cores}};
  if (machine.mhz) machine_json["mhz"] = *machine.mhz;
  const nlohmann::json out = {{"machine", machine_json},    {"selected", selected},
                              {"duration_s", opt.duration}, {"runs", opt.runs},
                              {"results", results},         {"reference", reference}};
  std::cout << out.dump() << "\n";
  return 0;
}

}  // namespace
}  // namespace btr::tools::bench

int main(int argc, char** argv) {
  btr::tools::bench::Options opt;
  CLI::App app{"btr-bench: SHA256d nonce-scan throughput per device, backend and thread count"};
  app.add_flag("--json", opt.json, "print one JSON object instead of the table");
  app.add_option("--threads", opt.threads, "thread count (default: 1, 2, 4 ... up to all cores)");
  app.add_option("--device", opt.device, "cpu (GPU builds: opencl:N, cuda:N); default: all");
  app.add_option("--backend", opt.backend,
                 "only this backend (cpu: avx512, shani, avx2, portable)");
  app.add_option("--duration", opt.duration, "seconds per run")->check(CLI::Range(0.01, 600.0));
  app.add_option("--runs", opt.runs, "runs per measurement (median reported)")
      ->check(CLI::Range(1, 100));
  app.add_flag("--list-devices", opt.list_devices, "list devices and exit");
  app.add_flag("--no-reference", opt.no_reference, "skip the reference SHA-256 rates");
  CLI11_PARSE(app, argc, argv);
  try {
    return btr::tools::bench::run(opt);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "btr-bench: %s\n", e.what());
    return 1;
  }
}
