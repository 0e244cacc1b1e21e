#include "tools/stack/stack_options.h"

#include <CLI/CLI.hpp>

namespace btr::tools::stack {

std::filesystem::path default_bin_dir(const std::filesystem::path& self) {
  // build/<preset>/tools/stack/btr-stack: three levels up is the build folder.
  return self.parent_path().parent_path().parent_path();
}

ParsedOptions parse_stack_options(int argc, char** argv) {
  StackOptions o;
  std::string datadir = o.datadir.string();
  std::string bin_dir;
  std::string summary;
  bool no_restart = false;
  CLI::App app{
      "btr-stack: runs a regtest btr-node, a btr-pool (PPLNS, SQLite ledger, dashboard) and two\n"
      "btr-miner workers paying two fixed regtest addresses, shows blocks being found and paid,\n"
      "and stops every process cleanly on Ctrl-C. With --blocks N it stops after N new blocks,\n"
      "checks every pool block's coinbase against the pool's ledger and the node's chain, prints\n"
      "a summary and exits 0 (all agree), 1 (a mismatch), 3 (--timeout reached), 4 (a program\n"
      "did not start) or 5 (a program did not stop cleanly).\n"
      "A second run on the same --datadir resumes the same chain and ledger."};
  app.add_option("--datadir", datadir, "data folder (node/, pool/, logs/, stack.json)")
      ->capture_default_str();
  app.add_option("--bin-dir", bin_dir,
                 "build folder holding node/btr-node, pool/btr-pool, tools/miner/btr-miner "
                 "(default: the one this btr-stack was built in)");
  app.add_option("--blocks", o.blocks,
                 "stop after N new blocks, check and summarize (0: until Ctrl-C)");
  app.add_option("--timeout", o.timeout_s,
                 "seconds to reach --blocks before giving up (0: no limit)");
  app.add_option("--rpc-port", o.rpc_port, "node JSON-RPC port (0: a free one)");
  app.add_option("--p2p-port", o.p2p_port, "node P2P port on 127.0.0.1 (0: a free one)");
  app.add_option("--stratum-port", o.stratum_port, "pool Stratum port (0: a free one)");
  app.add_option("--api-port", o.api_port, "pool API and dashboard port (0: a free one)");
  app.add_option("--scheme", o.scheme, "pool payout scheme")
      ->check(CLI::IsMember({"pplns", "solo"}))
      ->capture_default_str();
  app.add_option("--fee", o.fee_percent, "pool fee in percent, paid to the operator's address")
      ->check(CLI::Range(0.0, 100.0))
      ->capture_default_str();
  app.add_option("--start-difficulty", o.start_difficulty, "pool's starting share difficulty")
      ->capture_default_str();
  app.add_option("--share-interval", o.share_interval_s, "seconds between shares vardiff aims at")
      ->capture_default_str();
  app.add_option("-t,--threads", o.threads, "CPU threads per miner (0: half the cores each)");
  app.add_option("--devices", o.devices,
                 "first miner's devices, e.g. cpu,opencl:0,cuda:0 (default: every device that "
                 "passes its self-test); the second miner uses the CPU");
  app.add_flag("--cpu-only", o.cpu_only, "both miners on the CPU only");
  app.add_flag("-v,--verbose", o.echo_children, "copy every line of the children to the terminal");
  app.add_flag("--no-restart", no_restart, "a child that exits on its own stops the stack");
  app.add_option("--summary-json", summary, "also write the final summary to this JSON file");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return {std::nullopt, app.exit(e)};
  }
  if (o.start_difficulty <= 0 || o.share_interval_s <= 0 || o.timeout_s < 0) {
    std::fprintf(
        stderr, "btr-stack: --start-difficulty and --share-interval must be > 0, --timeout >= 0\n");
    return {std::nullopt, 2};
  }
  o.datadir = datadir;
  o.bin_dir = bin_dir;
  o.summary_json = summary;
  o.restart_children = !no_restart;
  return {o, 0};
}

}  // namespace btr::tools::stack
