#include <doctest/doctest.h>

#include <filesystem>
#include <random>

#include "pool/http/ledger_queries.h"
#include "pool/http/pool_metrics.h"
#include "test/pool/pool_test_util.h"

using namespace btr;
using namespace btr::pool;

TEST_CASE("api queries: summary and address answer the ledger's numbers, flushed or not") {
  test::ScratchDir dir;
  const int64_t now = 1'700'000'000;
  LedgerOptions opt;
  opt.clock = [&] { return now; };
  auto l = SqliteLedger::open(dir.file("pool.sqlite"), opt);
  REQUIRE(l.ok());
  auto& ledger = **l;
  // 300 difficulty in the last 10 minutes, 600 more earlier in the hour.
  for (int i = 0; i < 30; ++i) ledger.on_share(test::make_share("A", "w1", 10, now - 500 + i));
  for (int i = 0; i < 60; ++i) ledger.on_share(test::make_share("B", "rig", 10, now - 3000 + i));
  REQUIRE(ledger.flush().ok());
  ledger.on_share(test::make_share("A", "w2", 60, now - 10));  // still buffered
  ledger.on_share(test::make_share("A", "w1", 10, now - 5, false, "Stale"));

  const auto s = http::pool_summary(ledger, http::NetworkInfo{123, 4.5, now}, now);
  CHECK(s["hashrate_10m"].get<double>() == doctest::Approx(360 * 4294967296.0 / 600));
  CHECK(s["hashrate_1h"].get<double>() == doctest::Approx(960 * 4294967296.0 / 3600));
  CHECK(s["miners"] == 1);
  CHECK(s["workers"] == 2);
  CHECK(s["network"]["height"] == 123);
  CHECK(s["shares"]["accepted"] == 91);
  CHECK(s["shares"]["rejected_by_reason"]["Stale"] == 1);
  CHECK(s["last_block_time"].is_null());

  const auto a = http::address_summary(ledger, "A", now);
  REQUIRE(a.has_value());
  CHECK((*a)["workers"].size() == 2);
  for (const auto& w : (*a)["workers"]) {
    if (w["worker"] == "A.w1") {
      CHECK(w["shares_accepted"] == 30);
      CHECK(w["shares_rejected"] == 1);
      CHECK(w["best_share"].get<double>() == 15);
    } else {
      CHECK(w["shares_accepted"] == 1);
      CHECK(w["last_share"] == now - 10);
    }
  }
  CHECK_FALSE(http::address_summary(ledger, "nobody", now).has_value());
  CHECK(http::workers_summary(ledger, now, 10).size() == 3);
  const auto hist = http::hashrate_history(ledger, now, 24);
  double sum = 0;
  for (const auto& p : hist) sum += p["hashrate"].get<double>() * 600 / 4294967296.0;
  CHECK(sum == doctest::Approx(960));
}

TEST_CASE("metrics: prometheus text carries every counter and the latency histogram") {
  http::PoolMetrics m;
  m.share_latency.observe(0.00003);
  m.share_latency.observe(0.002);
  m.share_latency.observe(5);
  m.count_submit_result("accepted");
  m.count_submit_result("high-hash");
  m.node_rpc_errors = 3;
  http::MetricsSnapshot s;
  s.connections = 7;
  s.shares_accepted = 41;
  s.shares_rejected = {{"Stale", 2}, {"odd \"reason\"", 1}};
  s.blocks_found = 2;
  s.blocks_by_status = {{"pending", 1}};
  s.template_age_s = 3;
  s.metrics = &m;
  const std::string text = http::render_prometheus(s);
  CHECK(text.find("btr_pool_connections 7\n") != std::string::npos);
  CHECK(text.find("btr_pool_shares_accepted_total 41\n") != std::string::npos);
  CHECK(text.find("btr_pool_shares_rejected_total{reason=\"Stale\"} 2\n") != std::string::npos);
  CHECK(text.find("reason=\"odd \\\"reason\\\"\"") != std::string::npos);
  CHECK(text.find("btr_pool_blocks_submitted_total{result=\"high-hash\"} 1\n") !=
        std::string::npos);
  CHECK(text.find("btr_pool_node_rpc_errors_total 3\n") != std::string::npos);
  CHECK(text.find("btr_pool_template_age_seconds 3\n") != std::string::npos);
  CHECK(text.find("btr_pool_share_latency_seconds_bucket{le=\"5e-05\"} 1\n") != std::string::npos);
  CHECK(text.find("btr_pool_share_latency_seconds_bucket{le=\"0.0025\"} 2\n") != std::string::npos);
  CHECK(text.find("btr_pool_share_latency_seconds_bucket{le=\"+Inf\"} 3\n") != std::string::npos);
  CHECK(text.find("btr_pool_share_latency_seconds_count 3\n") != std::string::npos);
}
