// btr-stratum-load's fast mining.notify scanner against lines from the real
// encoder (stratum::encode_notify): it must read the same fields the full
// parser does, and refuse -- never misread -- anything else.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "stratum/codec.h"
#include "tools/stratum_load/load_client.h"
#include "tools/stratum_load/notify_scan.h"

namespace {

using btr::core::Hash256;
using btr::stratum::Notify;
using btr::tools::scan_notify;

Hash256 hash_of(uint8_t seed) {
  Hash256 h;
  for (size_t i = 0; i < h.bytes.size(); ++i) h.bytes[i] = static_cast<uint8_t>(seed * 31 + i);
  return h;
}

// A notify shaped like btr-pool's at a 2,000-transaction template.
Notify sample_notify(bool clean, size_t branch_size = 11) {
  Notify n;
  n.job_id = "1a2b";
  n.prev_block = hash_of(7);
  n.coinb1.assign(60, 0xab);
  n.coinb2.assign(80, 0xcd);
  for (size_t i = 0; i < branch_size; ++i)
    n.merkle_branch.push_back(hash_of(static_cast<uint8_t>(i)));
  n.version = 0x20000000;
  n.nbits = 0x1d00ffff;
  n.ntime = 0x65a1b2c3;
  n.clean_jobs = clean;
  return n;
}

// The line as on_line sees it: without its final '\n'.
std::string line_of(const Notify& n) {
  std::string line = btr::stratum::encode_notify(n);
  REQUIRE(!line.empty());
  REQUIRE(line.back() == '\n');
  line.pop_back();
  return line;
}

void check_matches(const std::string& line, const Notify& n) {
  const auto scan = scan_notify(line);
  REQUIRE_MESSAGE(scan.ok(), scan.error());
  CHECK(scan->job_id == n.job_id);
  CHECK(scan->prev_block == n.prev_block);
  CHECK(scan->ntime == n.ntime);
  CHECK(scan->clean_jobs == n.clean_jobs);
}

}  // namespace

TEST_CASE("scan_notify reads encode_notify's lines, clean or not") {
  for (const bool clean : {true, false}) {
    CAPTURE(clean);
    const Notify n = sample_notify(clean);
    check_matches(line_of(n), n);
  }
  // Empty and one-entry branches (small templates).
  for (const size_t branch : {size_t{0}, size_t{1}}) {
    CAPTURE(branch);
    const Notify n = sample_notify(true, branch);
    check_matches(line_of(n), n);
  }
}

TEST_CASE("scan_notify tolerates a CR line end") {
  const Notify n = sample_notify(false);
  check_matches(line_of(n) + "\r", n);
}

TEST_CASE("scan_notify refuses valid notifies in other layouts, which the full parser reads") {
  const Notify n = sample_notify(true);
  const std::string compact = line_of(n);
  std::vector<std::string> others;
  // Spaces after the separators, as some pools write.
  std::string spaced;
  for (char ch : compact) {
    spaced += ch;
    if (ch == ',' || ch == ':') spaced += ' ';
  }
  others.push_back(spaced);
  // A job id that needs an escape.
  Notify quoted = n;
  quoted.job_id = "a\"b";
  others.push_back(line_of(quoted));
  // Keys in another order.
  const size_t params = compact.find("\"params\":");
  REQUIRE(params != std::string::npos);
  others.push_back("{\"params\":" + compact.substr(params + 9, compact.size() - params - 10) +
                   ",\"method\":\"mining.notify\",\"id\":null}");
  for (const auto& line : others) {
    CAPTURE(line);
    CHECK_FALSE(scan_notify(line).ok());
    const auto full = btr::stratum::parse_server_message(line);
    REQUIRE(full.message.ok());
    CHECK(std::holds_alternative<Notify>(*full.message));
  }
}

TEST_CASE("scan_notify refuses garbage and other messages") {
  const std::string good = line_of(sample_notify(true));
  const std::vector<std::string> bad = {
      "",
      "{",
      "}",
      "mining.notify",
      "\"method\":\"mining.notify\",\"params\":[",
      btr::stratum::encode_set_difficulty(512),
      btr::stratum::encode_bool_result(int64_t{7}, true),
      std::string("\0\xff\x01garbage", 10),
      // Eight params, a ninth too many, clean_jobs not a boolean.
      "{\"id\":null,\"method\":\"mining.notify\",\"params\":[\"1\"]}",
      good.substr(0, good.size() - 2) + ",true]}",
      good.substr(0, good.size() - 7) + ",1]}",
      good + "x",
      "x" + good,
  };
  for (const auto& line : bad) {
    CAPTURE(line);
    CHECK_FALSE(scan_notify(line).ok());
  }
  // Every truncation of a good line.
  for (size_t len = 0; len < good.size(); ++len) {
    CAPTURE(len);
    CHECK_FALSE(scan_notify(good.substr(0, len)).ok());
  }
}

TEST_CASE("scan_notify never accepts what the full parser refuses or reads differently") {
  // One-character corruptions of a real line: whenever the fast path
  // accepts one, the full parser must accept it too, with the same fields.
  const std::string good = line_of(sample_notify(false, 3));
  for (size_t i = 0; i < good.size(); ++i) {
    for (const char ch : {'x', '"', ',', ']', '0', ' ', 'F', '\\'}) {
      if (good[i] == ch) continue;
      std::string line = good;
      line[i] = ch;
      const auto scan = scan_notify(line);
      if (!scan.ok()) continue;
      CAPTURE(line);
      const auto full = btr::stratum::parse_server_message(line);
      REQUIRE(full.message.ok());
      const auto* n = std::get_if<Notify>(&*full.message);
      REQUIRE(n != nullptr);
      CHECK(scan->job_id == n->job_id);
      CHECK(scan->prev_block == n->prev_block);
      CHECK(scan->ntime == n->ntime);
      CHECK(scan->clean_jobs == n->clean_jobs);
    }
  }
}

TEST_CASE("merge_stats times each block's arrivals from its trigger, across runs") {
  using btr::tools::LoadStats;
  LoadStats a, b;
  a.ready = 2;
  b.ready = 1;
  a.answered = 3;
  b.answered = 4;
  a.rejected_by_code[23] = 1;
  b.rejected_by_code[23] = 2;
  a.latency_us = {10, 20};
  b.latency_us = {30};
  const Hash256 triggered = hash_of(1), untriggered = hash_of(2);
  a.arrivals.push_back({untriggered, {5000}});
  a.arrivals.push_back({triggered, {1200, 1500}});
  b.arrivals.push_back({triggered, {1100}});
  b.arrivals.push_back({untriggered, {5300}});
  const std::vector<btr::tools::BlockTrigger> triggers = {{triggered.to_display_hex(), 1000},
                                                          {hash_of(3).to_display_hex(), 9000}};
  const std::vector<const LoadStats*> runs = {&a, &b};
  const LoadStats s = btr::tools::merge_stats(runs, triggers);
  CHECK(s.ready == 3);
  CHECK(s.answered == 7);
  CHECK(s.rejected_by_code.at(23) == 3);
  CHECK(s.latency_us.size() == 3);
  REQUIRE(s.blocks.size() == 3);
  // In time order: the triggered block, the one seen first at 5000, the
  // trigger nobody saw a notify for.
  CHECK(s.blocks[0].prevhash == triggered.to_display_hex());
  CHECK(s.blocks[0].trigger_us == 1000);
  CHECK(s.blocks[0].delay_us == std::vector<uint32_t>{200, 500, 100});
  CHECK(s.blocks[1].prevhash == untriggered.to_display_hex());
  CHECK(s.blocks[1].trigger_us == 0);
  CHECK(s.blocks[1].delay_us == std::vector<uint32_t>{0, 300});
  CHECK(s.blocks[2].delay_us.empty());
}
