#include "transport/operations.h"
#include "transport/rest.h"

#include <doctest/doctest.h>

#include "http/router.h"
#include "http/test_exchange.h"
#include "json/json.h"
#include "shop/fixture.h"

namespace {

class FakeClock final : public shopmcp::core::Clock {
 public:
  std::int64_t unix_seconds() const override { return 1700000000; }
  std::chrono::steady_clock::time_point steady_now() const override {
    return std::chrono::steady_clock::time_point(std::chrono::seconds(100));
  }
};

struct Stack {
  shopmcp::testing::Shop shop{20};
  FakeClock clock;
  shopmcp::mcp::Server server{{"shop-mcp", "Shop MCP", "9.9.9", "desc", "instr"}, shop.tools};
  shopmcp::rpc::Dispatcher dispatcher;
  shopmcp::metrics::Registry metrics;
  shopmcp::http::Router router;

  explicit Stack(std::string instance = "") {
    server.install(dispatcher);
    shopmcp::transport::Services s{&server,
                                   &dispatcher,
                                   &clock,
                                   std::chrono::steady_clock::time_point(std::chrono::seconds(40)),
                                   nullptr,
                                   &metrics,
                                   nullptr,
                                   {},
                                   std::move(instance)};
    shopmcp::transport::add_rest_routes(router, s);
    shopmcp::transport::add_operations_routes(router, s);
  }

  shopmcp::testing::Answer send(const char* method, const char* path, std::string body = "",
                                const char* type = "application/json") {
    shopmcp::http::Request r;
    r.method = method;
    r.path = path;
    r.body = std::move(body);
    r.content_type = type;
    return shopmcp::testing::route(router, r);
  }
};

rapidjson::Document body(const shopmcp::testing::Answer& r) {
  auto d = shopmcp::json::parse(r.body);
  REQUIRE(d.has_value());
  return std::move(d).value();
}

}  // namespace

TEST_SUITE("transport.routes") {
  TEST_CASE("initialize negotiates the client's version when supported, else the newest") {
    Stack s;
    auto r = s.send("POST", "/mcp/initialize", R"({"protocolVersion":"2025-03-26"})");
    CHECK(r.status == 200);
    CHECK(std::string(body(r)["protocolVersion"].GetString()) == "2025-03-26");
    CHECK(std::string(body(r)["serverInfo"]["name"].GetString()) == "shop-mcp");
    auto old = s.send("POST", "/mcp/initialize", R"({"protocolVersion":"1999-01-01"})");
    CHECK(std::string(body(old)["protocolVersion"].GetString()) == "2025-11-25");
    auto empty = s.send("POST", "/mcp/initialize", "", "");
    CHECK(std::string(body(empty)["protocolVersion"].GetString()) == "2025-11-25");
  }

  TEST_CASE("REST routes answer the shapes of the system we replace") {
    Stack s;
    CHECK(body(s.send("GET", "/mcp/tools"))["tools"].Size() == 5);
    auto ping = body(s.send("GET", "/mcp/ping"));
    CHECK(std::string(ping["status"].GetString()) == "ok");
    CHECK(ping["timestamp"].GetInt64() == 1700000000);
    auto info = body(s.send("GET", "/mcp/info"));
    CHECK(std::string(info["name"].GetString()) == "shop-mcp");
    CHECK(std::string(info["tools"][0]["name"].GetString()) == "get_orders");
    CHECK(info["endpoints"].HasMember("tools_call"));
    CHECK(std::string(info["endpoints"]["legacy_sse"].GetString()) == "GET /mcp/sse");
    CHECK(std::string(info["endpoints"]["stats"].GetString()) == "GET /mcp/stats");
    auto stdio = body(s.send("GET", "/mcp/stdio"));
    CHECK(std::string(stdio["protocol"].GetString()) == "mcp");
    CHECK(stdio["capabilities"].HasMember("tools"));
    auto health = body(s.send("GET", "/mcp/health"));
    CHECK(std::string(health["status"].GetString()) == "ok");
    CHECK(health["uptime_seconds"].GetInt64() == 60);
    CHECK(std::string(health["instance"].GetString()).empty());
  }

  TEST_CASE("health and stats name the instance that answered (--instance)") {
    Stack s("b2");
    auto health = body(s.send("GET", "/mcp/health"));
    CHECK(std::string(health["instance"].GetString()) == "b2");
    auto stats = s.send("GET", "/mcp/stats");
    CHECK(stats.status == 200);
    auto d = body(stats);
    CHECK(std::string(d["instance"].GetString()) == "b2");
    CHECK(d.HasMember("uptime_seconds"));
  }

  TEST_CASE("tools/call over REST: result, 400 without a name, 404 for an unknown tool") {
    Stack s;
    auto ok = s.send("POST", "/mcp/tools/call", R"({"name":"get_orders","arguments":{"limit":2}})");
    CHECK(ok.status == 200);
    CHECK(body(ok)["structuredContent"]["total"].GetInt64() == 2);
    auto bad =
        s.send("POST", "/mcp/tools/call", R"({"name":"get_orders","arguments":{"limit":0}})");
    CHECK(bad.status == 200);
    CHECK(body(bad)["isError"].GetBool());
    CHECK(s.send("POST", "/mcp/tools/call", R"({"arguments":{}})").status == 400);
    CHECK(s.send("POST", "/mcp/tools/call", R"({"name":5})").status == 400);
    CHECK(s.send("POST", "/mcp/tools/call", R"({"name":"get_orders","arguments":[]})").status ==
          400);
    auto unknown = s.send("POST", "/mcp/tools/call", R"({"name":"nope"})");
    CHECK(unknown.status == 404);
    CHECK(body(unknown)["error"]["code"].GetInt64() == -32602);
    CHECK(s.send("POST", "/mcp/tools/call", R"({"name":"get_orders"})", "text/plain").status ==
          415);
    CHECK(s.send("POST", "/mcp/tools/call", R"([1])").status == 400);
  }

  TEST_CASE("REST and tools/call take the one instrumented path: each call is observed once") {
    Stack s;
    std::vector<std::pair<std::string, bool>> seen;
    s.server.set_tool_observer([&seen](const std::string& tool, bool is_error, double seconds) {
      CHECK(seconds >= 0);
      seen.emplace_back(tool, is_error);
    });
    s.send("POST", "/mcp/tools/call", R"({"name":"get_orders","arguments":{"limit":1}})");
    s.send("POST", "/mcp/tools/call", R"({"name":"get_orders","arguments":{"limit":0}})");
    s.send("POST", "/mcp/tools/call", R"({"name":"nope"})");  // no tool ran: not observed
    shopmcp::rpc::CallContext ctx;
    auto reply = s.dispatcher.handle_text(
        R"({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_products","arguments":{"limit":1}}})",
        ctx);
    REQUIRE(reply.has_value());
    REQUIRE(seen.size() == 3);
    CHECK(seen[0] == std::make_pair(std::string("get_orders"), false));
    CHECK(seen[1] == std::make_pair(std::string("get_orders"), true));
    CHECK(seen[2] == std::make_pair(std::string("get_products"), false));
  }
}
