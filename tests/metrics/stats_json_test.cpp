// The metrics as JSON, as GET /mcp/stats sends them.
#include "metrics/stats_json.h"

#include <doctest/doctest.h>

namespace shopmcp::testing {

TEST_SUITE("metrics.stats_json") {
  TEST_CASE("the JSON carries every metric, grouped as the page reads them") {
    metrics::Registry m;
    m.streams_open.add(2);
    m.streams_open_by_route.with({"POST /mcp/sse"}).add(2);
    m.streams_open_by_route.with({"GET /mcp"}).add(0);
    m.streams_opened.inc(5);
    m.streams_closed.with({"client_disconnect"}).inc(3);
    m.pings_sent.inc(7);
    m.sessions_open.add(1);
    m.requests.with({"/mcp", "200"}).inc(4);
    m.requests.with({"/mcp", "404"}).inc(1);
    m.requests.with({"/mcp/tools", "200"}).inc(2);
    m.tool_calls.with({"get_orders", "ok"}).inc(19);
    m.tool_calls.with({"get_orders", "error"}).inc(1);
    auto& h = m.tool_seconds.with({"get_orders"});
    for (int i = 0; i < 19; ++i) h.observe(0.004);
    h.observe(3.0);
    auto d = metrics::stats_json(m, 1767225600, 12.34);
    CHECK(d["time"].GetInt64() == 1767225600);
    CHECK(d["uptime_seconds"].GetDouble() == doctest::Approx(12.3));
    CHECK(d["streams"]["open"].GetInt64() == 2);
    CHECK(d["streams"]["open_by_route"]["POST /mcp/sse"].GetInt64() == 2);
    CHECK_FALSE(d["streams"]["open_by_route"].HasMember("GET /mcp"));  // zero: left out
    CHECK(d["streams"]["opened"].GetInt64() == 5);
    CHECK(d["streams"]["closed"]["client_disconnect"].GetInt64() == 3);
    CHECK(d["pings_sent"].GetInt64() == 7);
    CHECK(d["sessions"]["open"].GetInt64() == 1);
    CHECK(d["requests"]["total"].GetInt64() == 7);
    CHECK(d["requests"]["by_route"]["/mcp"]["404"].GetInt64() == 1);
    const auto& t = d["tools"]["get_orders"];
    CHECK(t["ok"].GetInt64() == 19);
    CHECK(t["error"].GetInt64() == 1);
    CHECK(t["count"].GetInt64() == 20);
    CHECK(t["mean_ms"].GetDouble() == doctest::Approx((19 * 4.0 + 3000) / 20).epsilon(0.01));
    CHECK(t["p95_ms_at_most"].GetDouble() == doctest::Approx(5.0));
  }
}

}  // namespace shopmcp::testing
