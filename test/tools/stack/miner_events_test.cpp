#include <doctest/doctest.h>

#include "tools/stack/miner_events.h"

using btr::tools::stack::MinerLineKind;
using btr::tools::stack::MinerReport;
using btr::tools::stack::read_miner_line;

TEST_CASE("miner lines: status, found blocks, errors and plain text") {
  MinerReport r;
  const std::string hash(64, 'a');
  auto line = read_miner_line(
      R"({"event":"block","message":"BLOCK found by 0: )" + hash + R"( job 4","time":"t"})", r);
  CHECK(line.kind == MinerLineKind::kBlockFound);
  CHECK(line.block_hash == hash);
  REQUIRE(r.found_blocks.size() == 1);

  line = read_miner_line(
      R"({"event":"status","hashrate_10s":2500000.0,"accepted":7,"rejected":1,"stale":2,"connected":true})",
      r);
  CHECK(line.kind == MinerLineKind::kStatus);
  CHECK(r.accepted == 7);
  CHECK(r.rejected == 1);
  CHECK(r.stale == 2);
  CHECK(r.connected);
  CHECK_FALSE(r.final_summary);
  read_miner_line(R"({"event":"summary","accepted":9,"connected":false})", r);
  CHECK(r.final_summary);
  CHECK(r.accepted == 9);

  CHECK(read_miner_line(R"({"event":"error","message":"no device"})", r).kind ==
        MinerLineKind::kError);
  CHECK(read_miner_line("btr-miner: --devices: bad", r).kind == MinerLineKind::kPlain);
  CHECK(read_miner_line("{not json", r).kind == MinerLineKind::kPlain);
  // A block line without a full hash is not counted.
  CHECK(read_miner_line(R"({"event":"block","message":"BLOCK found by 0: abc"})", r).kind ==
        MinerLineKind::kOther);
  CHECK(r.found_blocks.size() == 1);
  CHECK(btr::tools::stack::format_hashrate(2500000) == "2.5 MH/s");
  CHECK(btr::tools::stack::format_hashrate(12) == "12.0 H/s");
}
