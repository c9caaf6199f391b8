// The operators' routes over the MCP doors: open streams counted by route.
#include "transport/operations.h"

#include <doctest/doctest.h>

#include <unistd.h>

#include "metrics/stats_json.h"
#include "transport/mcp_stack.h"

namespace shopmcp::testing {

TEST_SUITE("transport.operations") {
  TEST_CASE("GET /mcp/stats counts a GET /mcp stream while it is open") {
    McpStack s;
    const std::string sid = s.initialize();
    auto g = s.send("GET", "/mcp", "", {{"mcp-session-id", sid}, {"accept", "text/event-stream"}});
    REQUIRE(g.status == 200);
    auto peer = take_stream(g);
    s.pump();
    CHECK(s.metrics.streams_open_by_route.with({"GET /mcp"}).value() == 1);
    auto open = metrics::stats_json(s.metrics, 0, 0);
    CHECK(open["streams"]["open_by_route"]["GET /mcp"].GetInt64() == 1);
    ::close(peer->fd);
    peer->fd = -1;
    s.pump();
    CHECK(s.metrics.streams_open_by_route.with({"GET /mcp"}).value() == 0);
    CHECK(metrics::stats_json(s.metrics, 0, 0)["streams"]["open_by_route"].ObjectEmpty());
  }
}

}  // namespace shopmcp::testing
