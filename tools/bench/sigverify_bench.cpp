#include "tools/bench/sigverify_bench.h"

#include <secp256k1.h>

#include <array>
#include <cstdio>
#include <ctime>
#include <random>
#include <stdexcept>
#include <vector>

#include "core/key.h"
#include "core/script.h"
#include "core/script/interpreter.h"
#include "core/script/sig_cache.h"
#include "core/script/sign.h"
#include "tools/bench/bench_measure.h"

namespace btr::tools::bench {
namespace {

using core::script::kSighashAll;

double thread_cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

double wall_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// One spend and what it spends: the block as block connection sees it.
struct Spend {
  core::Transaction tx;
  core::Script spent;  // P2PKH
  // The same signature check in raw form, for libsecp256k1 alone.
  core::Hash256 sighash;
  std::vector<uint8_t> pubkey;
  std::vector<uint8_t> der;
};

// 1-input, 2-output P2PKH transactions (about 226 bytes each) until the
// block is full, signed by a few hundred different keys.
std::vector<Spend> build_block(size_t block_bytes) {
  std::mt19937_64 rng(20260401);
  std::vector<core::PrivateKey> keys;
  for (int i = 0; i < 256; ++i) {
    std::array<uint8_t, 32> e{};
    for (auto& b : e) b = static_cast<uint8_t>(rng());
    keys.push_back(core::PrivateKey::generate(e));
  }
  std::vector<Spend> block;
  size_t used = 80;
  while (true) {
    const core::PrivateKey& key = keys[block.size() % keys.size()];
    const core::PublicKey pub = key.public_key();
    Spend s;
    s.spent = core::p2pkh_script(pub.id().bytes);
    core::TxIn in;
    for (auto& b : in.prevout.txid.bytes) b = static_cast<uint8_t>(rng());
    s.tx.inputs.push_back(in);
    s.tx.outputs.push_back({50'000, s.spent});
    s.tx.outputs.push_back({12'345, s.spent});
    const auto st = core::script::sign_input(s.tx, 0, s.spent, std::span(&key, 1));
    if (!st) throw std::runtime_error("signing failed: " + st.error());
    const auto& sig_script = s.tx.inputs[0].script_sig;
    const size_t sig_len = sig_script[0];
    s.der.assign(sig_script.begin() + 1, sig_script.begin() + 1 + sig_len - 1);  // no hash type
    s.pubkey.assign(pub.bytes().begin(), pub.bytes().end());
    s.sighash = core::script::legacy_signature_hash(s.tx, 0, s.spent, kSighashAll);
    used += s.tx.serialized_size();
    if (used > block_bytes) break;
    block.push_back(std::move(s));
  }
  return block;
}

struct Timing {
  double cpu = 0;
  double wall = 0;
};

template <class Fn>
Timing timed(Fn&& fn) {
  const double c0 = thread_cpu_seconds();
  const double w0 = wall_seconds();
  fn();
  return {thread_cpu_seconds() - c0, wall_seconds() - w0};
}

// libsecp256k1 on its own: parse the key and the signature, verify.
size_t raw_parse_verify(const std::vector<Spend>& block) {
  size_t ok = 0;
  for (const Spend& s : block) {
    secp256k1_pubkey pk;
    secp256k1_ecdsa_signature sig;
    if (secp256k1_ec_pubkey_parse(secp256k1_context_static, &pk, s.pubkey.data(),
                                  s.pubkey.size()) != 1 ||
        secp256k1_ecdsa_signature_parse_der(secp256k1_context_static, &sig, s.der.data(),
                                            s.der.size()) != 1) {
      continue;
    }
    ok += secp256k1_ecdsa_verify(secp256k1_context_static, &sig, s.sighash.data(), &pk) == 1;
  }
  return ok;
}

struct Parsed {
  secp256k1_pubkey pk;
  secp256k1_ecdsa_signature sig;
};

// Only the verification arithmetic, keys and signatures parsed beforehand.
size_t raw_verify_only(const std::vector<Spend>& block, const std::vector<Parsed>& parsed) {
  size_t ok = 0;
  for (size_t i = 0; i < block.size(); ++i) {
    ok += secp256k1_ecdsa_verify(secp256k1_context_static, &parsed[i].sig, block[i].sighash.data(),
                                 &parsed[i].pk) == 1;
  }
  return ok;
}

size_t script_verify(const std::vector<Spend>& block, core::script::SignatureCache* cache) {
  size_t ok = 0;
  for (const Spend& s : block) {
    ok += core::script::verify_input(s.tx, 0, s.spent, core::script::flags::kConsensus, cache).ok();
  }
  return ok;
}

}  // namespace

nlohmann::json measure_sigverify(const SigverifyOptions& opt) {
  const Machine machine = describe_machine();
  const std::vector<Spend> block = build_block(opt.block_bytes);
  std::vector<Parsed> parsed(block.size());
  for (size_t i = 0; i < block.size(); ++i) {
    const bool ok = secp256k1_ec_pubkey_parse(secp256k1_context_static, &parsed[i].pk,
                                              block[i].pubkey.data(), block[i].pubkey.size()) &&
                    secp256k1_ecdsa_signature_parse_der(secp256k1_context_static, &parsed[i].sig,
                                                        block[i].der.data(), block[i].der.size());
    if (!ok) throw std::runtime_error("cannot parse a generated key or signature");
  }
  const double n = static_cast<double>(block.size());
  std::vector<double> raw_cpu, raw_wall, bare_cpu, script_cpu, script_wall, warm_cpu;
  // Interleaved, so load changes on a shared machine hit every variant alike.
  for (int r = 0; r < opt.runs; ++r) {
    size_t ok = 0;
    const Timing raw = timed([&] { ok = raw_parse_verify(block); });
    if (ok != block.size()) throw std::runtime_error("raw verification failed");
    const Timing bare = timed([&] { ok = raw_verify_only(block, parsed); });
    if (ok != block.size()) throw std::runtime_error("raw verification failed");
    core::script::SignatureCache cache(block.size() + 1);  // cold: new for every run
    const Timing cold = timed([&] { ok = script_verify(block, &cache); });
    if (ok != block.size()) throw std::runtime_error("script verification failed");
    const Timing warm = timed([&] { ok = script_verify(block, &cache); });
    if (ok != block.size()) throw std::runtime_error("cached verification failed");
    raw_cpu.push_back(n / raw.cpu);
    raw_wall.push_back(n / raw.wall);
    bare_cpu.push_back(n / bare.cpu);
    script_cpu.push_back(n / cold.cpu);
    script_wall.push_back(n / cold.wall);
    warm_cpu.push_back(n / warm.cpu);
  }
  const double raw = median(raw_cpu);
  const double script = median(script_cpu);
  nlohmann::json m = {{"cpu", machine.cpu}, {"cores", machine.cores}};
  if (machine.load_average) m["load_average_start"] = *machine.load_average;
  if (const auto load = load_average()) m["load_average_end"] = *load;
  return {
      {"mode", "sigverify"},
      {"machine", m},
      {"block_bytes", opt.block_bytes},
      {"signatures", block.size()},
      {"runs", opt.runs},
      {"threads", 1},
      {"unit", "verifications per second of thread CPU time (median of runs)"},
      {"raw_secp256k1_parse_verify_per_s", raw},
      {"raw_secp256k1_verify_only_per_s", median(bare_cpu)},
      {"script_cold_cache_per_s", script},
      {"script_warm_cache_per_s", median(warm_cpu)},
      {"raw_parse_verify_wall_per_s", median(raw_wall)},
      {"script_cold_cache_wall_per_s", median(script_wall)},
      {"ratio_script_vs_raw_parse_verify", script / raw},
      {"ratio_script_vs_raw_verify_only", script / median(bare_cpu)},
      {"target_ratio", 0.85},
      {"meets_target", script / raw >= 0.85},
  };
}

void print_sigverify(const nlohmann::json& r) {
  std::printf("sigverify: %zu P2PKH signatures (%zu-byte block), 1 thread, median of %d runs\n",
              r["signatures"].get<size_t>(), r["block_bytes"].get<size_t>(), r["runs"].get<int>());
  std::printf("  raw libsecp256k1 parse+verify : %10.0f /s\n",
              r["raw_secp256k1_parse_verify_per_s"].get<double>());
  std::printf("  raw libsecp256k1 verify only  : %10.0f /s\n",
              r["raw_secp256k1_verify_only_per_s"].get<double>());
  std::printf(
      "  verify_script, cache cold     : %10.0f /s  (%.1f%% of parse+verify, %.1f%% of "
      "verify only; target 85%%)\n",
      r["script_cold_cache_per_s"].get<double>(),
      100 * r["ratio_script_vs_raw_parse_verify"].get<double>(),
      100 * r["ratio_script_vs_raw_verify_only"].get<double>());
  std::printf("  verify_script, cache warm     : %10.0f /s\n",
              r["script_warm_cache_per_s"].get<double>());
  const auto& m = r["machine"];
  std::printf("  machine: %s, %u cores, load %.2f -> %.2f (rates use thread CPU time)\n",
              m["cpu"].get<std::string>().c_str(), m["cores"].get<unsigned>(),
              m.value("load_average_start", -1.0), m.value("load_average_end", -1.0));
}

}  // namespace btr::tools::bench
