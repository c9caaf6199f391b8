// Which requests to the legacy URL /mcp/sse are a Streamable HTTP client's (served as on /mcp) and
// which are the seed's or the 2024-11-05 transport's (served as before).
#include <doctest/doctest.h>

#include "http/request.h"
#include "transport/jsonrpc_http.h"
#include "transport/streamable_http.h"

namespace shopmcp::testing {
namespace {

http::Request with(std::map<std::string, std::string> headers) {
  http::Request r;
  r.method = "POST";
  r.path = "/mcp/sse";
  r.headers = std::move(headers);
  return r;
}

TEST_SUITE("transport.legacy_url") {
  TEST_CASE("Accept lists a type only when it names it: wildcards and parameters aside") {
    using transport::names_media_type;
    CHECK(names_media_type("application/json, text/event-stream", "application/json"));
    CHECK(names_media_type("text/event-stream;q=0.9 , Application/JSON;q=1", "application/json"));
    CHECK_FALSE(names_media_type("*/*", "application/json"));
    CHECK_FALSE(names_media_type("application/*", "application/json"));
    CHECK_FALSE(names_media_type("application/jsonx", "application/json"));
    CHECK_FALSE(names_media_type(std::nullopt, "application/json"));
    CHECK_FALSE(names_media_type("", "application/json"));
  }

  TEST_CASE("Streamable HTTP clients are told apart from the seed's and the legacy transport's") {
    using transport::speaks_streamable_http;
    // The MCP SDKs, mcp-remote, MCP Inspector: Accept names both types.
    CHECK(speaks_streamable_http(with({{"accept", "application/json, text/event-stream"}})));
    CHECK(speaks_streamable_http(with({{"mcp-session-id", "00ff"}})));
    CHECK(speaks_streamable_http(with({{"mcp-protocol-version", "2026-07-28"}})));
    // The seed's curl example and test page, a browser's EventSource, curl's default.
    CHECK_FALSE(speaks_streamable_http(with({{"accept", "text/event-stream"}})));
    CHECK_FALSE(speaks_streamable_http(with({{"accept", "*/*"}})));
    CHECK_FALSE(speaks_streamable_http(with({})));
  }
}

}  // namespace
}  // namespace shopmcp::testing
