#pragma once
// btr-stack's settings: where the binaries and the data live, the ports (0 =
// a free loopback port picked at start and kept for the whole run, so a
// restarted child comes back where its clients expect it), what the miners
// do, and when to stop. Parsing throws only inside parse_stack_options (the
// CLI edge); the result is a plain struct the supervisor reads.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace btr::tools::stack {

struct StackOptions {
  std::filesystem::path datadir = "btr-data/regtest-stack";
  // Folder with node/btr-node, pool/btr-pool and tools/miner/btr-miner (a
  // build folder); default: the build folder this btr-stack belongs to.
  std::filesystem::path bin_dir;
  uint64_t blocks =
      0;  // stop after this many new blocks, then check and summarize; 0 = until Ctrl-C
  double timeout_s = 0;       // give up (exit 3) if --blocks is not reached in time; 0 = never
  uint16_t rpc_port = 0;      // node JSON-RPC
  uint16_t p2p_port = 0;      // node P2P (bound on loopback only)
  uint16_t stratum_port = 0;  // pool Stratum
  uint16_t api_port = 0;      // pool HTTP API and dashboard
  std::string scheme = "pplns";
  double fee_percent = 1;           // the pool operator's share, paid to stack_operator()'s address
  double start_difficulty = 0.001;  // pool's starting share difficulty
  double share_interval_s = 5;      // vardiff aim per worker
  unsigned threads = 0;             // CPU threads per miner; 0 = half the cores each (at least 1)
  std::string devices;              // first miner's --devices; empty = every device that passes
  bool cpu_only = false;            // both miners on the CPU only (tests)
  bool echo_children = false;       // copy every child's output line to the terminal
  bool restart_children = true;     // restart a child that exits on its own
  std::filesystem::path summary_json;  // also write the summary there
};

struct ParsedOptions {
  std::optional<StackOptions> options;  // absent: exit with exit_code
  int exit_code = 0;
};

// Parses argv; prints --help or the usage error itself.
ParsedOptions parse_stack_options(int argc, char** argv);

// The build folder of a btr-stack executable at `self` (build/X/tools/stack/btr-stack -> build/X).
std::filesystem::path default_bin_dir(const std::filesystem::path& self);

}  // namespace btr::tools::stack
