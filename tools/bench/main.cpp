// btr-bench: SHA256d nonce-scan throughput, backend x thread count, with reference SHA-256
// rates. Text table by default, one JSON object with --json.

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <iostream>
#include <iterator>
#include <string>

#include "kernels/devices.h"
#include "tools/bench/bench_devices.h"
#include "tools/bench/bench_measure.h"
#include "tools/bench/sigverify_bench.h"

namespace btr::tools::bench {
namespace {

struct Options {
  bool json = false;
  unsigned threads = 0;
  std::string device;
  std::string backend;
  std::string cache_dir = kernels::default_cache_dir().string();
  double duration = 1.0;
  int runs = 3;
  bool list_devices = false;
  bool no_reference = false;
  bool vs_cpu = false;
  bool sigverify = false;  // issue 6: script signature checks instead of hashing
};

// No --device: the CPU only (opening GPUs is slow and may fail); "all": every device.
bool device_matches(const std::string& wanted, const DeviceProvider& p, const DeviceInfo& d) {
  if (wanted.empty()) return p.prefix == "cpu";
  return wanted == "all" || wanted == d.id || wanted == p.prefix;
}

bool provider_matches(const std::string& wanted, const DeviceProvider& p) {
  if (wanted.empty()) return p.prefix == "cpu";
  return wanted == "all" || wanted == p.prefix || wanted.rfind(p.prefix + ":", 0) == 0;
}

nlohmann::json rate_json(const std::optional<TransformRate>& r) {
  if (!r) return nullptr;
  return {{"name", r->name}, {"compressions_per_s", r->compressions_per_s}};
}

int list_devices(const std::vector<DeviceProvider>& providers) {
  for (const auto& p : providers) {
    for (const auto& d : p.list()) std::printf("%-12s %s\n", d.id.c_str(), d.description.c_str());
  }
  return 0;
}

void print_header(const Machine& machine) {
  std::printf(
      "machine: %s, %u cores%s\n", machine.cpu.c_str(), machine.cores,
      machine.mhz
          ? (", " + std::to_string(static_cast<int>(*machine.mhz)) + " MHz (/proc/cpuinfo)").c_str()
          : "");
  if (machine.measured_mhz) {
    std::printf("clock: %d MHz measured (dependent adds, thread CPU time); cyc/nonce uses it\n",
                static_cast<int>(*machine.measured_mhz));
  }
  if (machine.load_average) {
    std::printf("load average (1 min) at start: %.2f\n", *machine.load_average);
  }
  std::printf("%-10s %-9s %7s %9s %9s %11s %11s %s\n", "device", "backend", "threads", "MH/s",
              "MH/s/thr", "MH/s(cpu)", "cyc/nonce", "switch ms med/max");
}

RateSample measure_target(const BenchTarget& t, unsigned threads, const Options& opt) {
  if (t.gpu) return measure_backend(*t.gpu, opt.duration, opt.runs);
  return measure_scan(t.factory, threads, opt.duration, opt.runs);
}

// Measures one (target, thread count), prints its table row and returns its JSON row.
nlohmann::json measure_row(const BenchTarget& t, unsigned threads, const Options& opt,
                           const Machine& machine) {
  const RateSample s = measure_target(t, threads, opt);
  const double mhs = s.median_mhs();
  const double mhs_cpu = s.median_mhs_cpu();
  const double per_thread = mhs / threads;
  // Cycles per nonce from the CPU-time rate: the wall rate on a loaded machine counts other
  // processes' time too.
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
  const std::optional<double> mhz = machine.measured_mhz ? machine.measured_mhz : machine.mhz;
  if (mhz && t.device == "cpu" && per_busy_thread > 0) {
    const double cpn = *mhz / per_busy_thread;
    row["cycles_per_nonce"] = cpn;
    cycles = std::to_string(static_cast<int>(cpn + 0.5));
  }
  if (!opt.json) {
    std::printf("%-10s %-9s %7u %9.2f %9.2f %11.2f %11s %8.2f/%.2f\n", t.device.c_str(),
                t.backend.c_str(), threads, mhs, per_thread, mhs_cpu, cycles.c_str(),
                s.median_switch_ms(), s.max_switch_ms());
    std::fflush(stdout);
  }
  return row;
}

// Multi-thread rows get their speed-up over the same target's 1-thread row: in wall-clock MH/s
// (what the scaling target means; only meaningful on otherwise idle cores) and in
// MH/s of CPU time (what each thread did while it held a core).
void add_scaling(nlohmann::json& row, const nlohmann::json& one_thread, const Options& opt) {
  const double one_wall = one_thread.at("mhs").get<double>();
  const double one_cpu = one_thread.at("mhs_cpu").get<double>();
  if (one_wall <= 0 || one_cpu <= 0) return;
  const double wall = row.at("mhs").get<double>() / one_wall;
  const double cpu = row.at("mhs_cpu").get<double>() / one_cpu;
  row["scaling_wall"] = wall;
  row["scaling_cpu"] = cpu;
  if (opt.json) return;
  std::printf("%-10s %-9s %7u threads: %.2fx the 1-thread rate (wall clock), %.2fx (CPU time)", "",
              row.at("backend").get<std::string>().c_str(), row.at("threads").get<unsigned>(), wall,
              cpu);
  if (const auto load = load_average()) std::printf(", load average %.2f", *load);
  std::printf("\n");
}

struct DeviceRun {
  nlohmann::json results = nlohmann::json::array();
  std::string selected;
  bool any_device = false;
  bool any_failed = false;
};

// A device that fails to open or self-test is reported with its reason and skipped.
void bench_device(const DeviceProvider& p, const DeviceInfo& d, const Options& opt,
                  const Machine& machine, DeviceRun& out) {
  out.any_device = true;
  if (p.prefix == "cpu" && out.selected.empty()) out.selected = p.selected();
  auto targets = p.targets(d.id, opt.backend, opt.threads);
  if (!targets) {
    std::fprintf(stderr, "btr-bench: %s: not benchmarked: %s\n", d.id.c_str(),
                 targets.error().c_str());
    out.any_failed = true;
    return;
  }
  for (const auto& t : *targets) {
    nlohmann::json one_thread;  // the 1-thread row of this target, once measured
    for (unsigned threads : t.thread_counts) {
      nlohmann::json row = measure_row(t, threads, opt, machine);
      if (threads == 1) one_thread = row;
      if (threads > 1 && !one_thread.is_null()) add_scaling(row, one_thread, opt);
      out.results.push_back(std::move(row));
    }
  }
}

// --vs-cpu: every non-CPU row against the CPU backend dispatch selects, on all cores, measured
// in the same run (issue 4: OpenCL on PoCL must reach 0.9x of it on the same cores). The CPU
// row is reused when the run already has it. The CPU-time ratio compares hashes per second of
// process CPU time, which stays fair when other work shares the cores; it only means something
// for devices that compute on the CPU (PoCL).
void add_cpu_ratios(const std::vector<DeviceProvider>& providers, const Options& opt,
                    const Machine& machine, DeviceRun& dev) {
  const auto cpu = std::find_if(providers.begin(), providers.end(),
                                [](const DeviceProvider& p) { return p.prefix == "cpu"; });
  if (cpu == providers.end()) return;
  const std::string best = cpu->selected();
  if (dev.selected.empty()) dev.selected = best;
  const auto is_reference = [&](const nlohmann::json& row) {
    return row.at("device") == "cpu" && row.at("backend") == best &&
           row.at("threads") == machine.cores;
  };
  auto ref = std::find_if(dev.results.begin(), dev.results.end(), is_reference);
  if (ref == dev.results.end()) {
    const auto targets = cpu->targets("cpu", best, machine.cores);
    if (!targets || targets->empty()) {
      std::fprintf(stderr, "btr-bench: --vs-cpu: CPU backend '%s' not measurable\n", best.c_str());
      dev.any_failed = true;
      return;
    }
    dev.results.push_back(measure_row(targets->front(), machine.cores, opt, machine));
    ref = std::prev(dev.results.end());
  }
  const double cpu_wall = ref->at("mhs").get<double>();
  const double cpu_per_cpu_second = ref->at("mhs_cpu").get<double>() / machine.cores;
  for (auto& row : dev.results) {
    if (row.at("device") == "cpu" || cpu_wall <= 0 || cpu_per_cpu_second <= 0) continue;
    const double wall = row.at("mhs").get<double>() / cpu_wall;
    const double per_cpu_second = row.at("mhs_cpu").get<double>() / cpu_per_cpu_second;
    row["vs_cpu"] = {{"backend", best},
                     {"threads", machine.cores},
                     {"ratio_wall", wall},
                     {"ratio_cpu_time", per_cpu_second}};
    if (opt.json) continue;
    const auto device = row.at("device").get<std::string>();
    const auto backend = row.at("backend").get<std::string>();
    const std::string label = backend == device ? device : device + "/" + backend;
    std::printf("ratio %s vs cpu/%s x %u threads: %.2f wall clock, %.2f per CPU-second\n",
                label.c_str(), best.c_str(), machine.cores, wall, per_cpu_second);
  }
}

nlohmann::json reference_rates(const Options& opt) {
  nlohmann::json reference = nlohmann::json::object();
  if (opt.no_reference) return reference;
  const TransformRate core_rate = core_transform_rate(0.3);
  const auto ossl = openssl_rate();
  reference["core_sha256_transform"] = rate_json(core_rate);
  reference["openssl"] = rate_json(ossl);
  if (opt.json) return reference;
  std::printf("reference: core sha256_transform (%s) %.2f M compressions/s single stream\n",
              core_rate.name.c_str(), core_rate.compressions_per_s / 1e6);
  if (ossl) {
    std::printf("reference: %s %.2f M compressions/s\n", ossl->name.c_str(),
                ossl->compressions_per_s / 1e6);
  } else {
    std::printf("reference: openssl not available\n");
  }
  return reference;
}

void print_json(const Options& opt, const Machine& machine, const DeviceRun& dev,
                const nlohmann::json& reference) {
  nlohmann::json machine_json = {{"cpu", machine.cpu}, {"cores", machine.cores}};
  if (machine.mhz) machine_json["mhz"] = *machine.mhz;
  if (machine.measured_mhz) machine_json["measured_mhz"] = *machine.measured_mhz;
  if (machine.load_average) machine_json["load_average_start"] = *machine.load_average;
  if (const auto load = load_average()) machine_json["load_average_end"] = *load;
  const nlohmann::json out = {{"machine", machine_json},    {"selected", dev.selected},
                              {"duration_s", opt.duration}, {"runs", opt.runs},
                              {"results", dev.results},     {"reference", reference}};
  std::cout << out.dump() << "\n";
}

int run(const Options& opt) {
  kernels::DeviceOptions device_options;
  device_options.cache_dir = opt.cache_dir;
  device_options.open_devices = opt.list_devices;  // the listing shows tuned work sizes
  const auto providers = device_providers(device_options);
  if (opt.list_devices) return list_devices(providers);
  const Machine machine = describe_machine();
  if (!opt.json) print_header(machine);
  DeviceRun dev;
  for (const auto& p : providers) {
    if (!provider_matches(opt.device, p)) continue;  // don't even enumerate unwanted GPUs
    for (const auto& d : p.list()) {
      if (device_matches(opt.device, p, d)) bench_device(p, d, opt, machine, dev);
    }
  }
  if (!dev.any_device) {
    std::fprintf(stderr, "btr-bench: no device matches '%s' (see --list-devices)\n",
                 opt.device.c_str());
    return 1;
  }
  if (opt.vs_cpu) add_cpu_ratios(providers, opt, machine, dev);
  const nlohmann::json reference = reference_rates(opt);
  if (opt.json) {
    print_json(opt, machine, dev, reference);
  } else {
    // "selected" is the CPU backend dispatch would pick; "-" when the CPU was not benchmarked.
    std::printf("selected: %s (median of %d runs of %.2f s each)\n",
                dev.selected.empty() ? "-" : dev.selected.c_str(), opt.runs, opt.duration);
  }
  // Nothing measured because every chosen device failed: an error for scripts.
  return dev.results.empty() && dev.any_failed ? 1 : 0;
}

}  // namespace
}  // namespace btr::tools::bench

int main(int argc, char** argv) {
  btr::tools::bench::Options opt;
  CLI::App app{"btr-bench: SHA256d nonce-scan throughput per device, backend and thread count"};
  app.add_flag("--json", opt.json, "print one JSON object instead of the table");
  app.add_option("--threads", opt.threads, "thread count (default: 1, 2, 4 ... up to all cores)");
  app.add_option("--device", opt.device,
                 "cpu, opencl, opencl:N, cuda, cuda:N or all (default: cpu)");
  app.add_option("--backend", opt.backend,
                 "only this backend (cpu: avx512, shani, avx2, portable)");
  app.add_option("--duration", opt.duration, "seconds per run")->check(CLI::Range(0.01, 600.0));
  app.add_option("--runs", opt.runs, "runs per measurement (median reported)")
      ->check(CLI::Range(1, 100));
  app.add_flag("--list-devices", opt.list_devices,
               "list devices (opening GPUs to measure their work size) and exit");
  app.add_option("--cache-dir", opt.cache_dir, "OpenCL program and tuning cache directory")
      ->capture_default_str();
  app.add_flag("--no-reference", opt.no_reference, "skip the reference SHA-256 rates");
  app.add_flag("--vs-cpu", opt.vs_cpu,
               "also measure the selected CPU backend on all cores and print each other "
               "device's rate as a ratio of it");
  app.add_flag("--sigverify", opt.sigverify,
               "measure P2PKH signature verification through the script interpreter against "
               "raw libsecp256k1 (one thread; --runs applies)");
  CLI11_PARSE(app, argc, argv);
  try {
    if (opt.sigverify) {
      const auto r = btr::tools::bench::measure_sigverify({.runs = opt.runs});
      if (opt.json) {
        std::cout << r.dump() << "\n";
      } else {
        btr::tools::bench::print_sigverify(r);
      }
      return 0;
    }
    return btr::tools::bench::run(opt);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "btr-bench: %s\n", e.what());
    return 1;
  }
}
