// The MCP HTTP doors over a real StreamHub (driven by the test, on a fake clock) and a real
// SessionTable, answering through a TestExchange that turns a stream into a socketpair the test
// reads.
#pragma once

#include <doctest/doctest.h>

#include <atomic>
#include <list>
#include <map>
#include <memory>
#include <string>

#include "http/router.h"
#include "http/test_exchange.h"
#include "json/json.h"
#include "mcp/server.h"
#include "metrics/metrics.h"
#include "rpc/dispatcher.h"
#include "session/session_table.h"
#include "shop/fixture.h"
#include "sse/stream_hub.h"
#include "sse/test_support.h"
#include "transport/legacy_sse.h"
#include "transport/rest.h"
#include "transport/streamable_http.h"

namespace shopmcp::testing {

struct McpStack {
  Shop shop{20};
  FakeClock clock;
  metrics::Registry metrics;
  mcp::ResourceRegistry resources;
  mcp::PromptRegistry prompts;
  std::unique_ptr<mcp::Server> server;
  rpc::Dispatcher dispatcher;
  std::list<StreamCatch> streams;  // outlives the hub, whose sinks count into it
  std::unique_ptr<sse::StreamHub> hub;
  std::unique_ptr<session::SessionTable> sessions;
  http::Router router;

  // `extra` may add tools, and `catalog` resources, before the server is built.
  explicit McpStack(session::SessionOptions so = {},
                    const std::function<void(mcp::ToolRegistry&)>& extra = {},
                    const std::function<void(mcp::ResourceRegistry&)>& catalog = {},
                    transport::DoorLimits limits = {}) {
    if (extra) extra(shop.tools);
    if (catalog) catalog(resources);
    sse::HubOptions ho;
    ho.max_queued = so.replay.hub_queue();
    hub = std::make_unique<sse::StreamHub>(ho, clock, metrics);
    sessions = std::make_unique<session::SessionTable>(so, *hub, clock, metrics);
    server = std::make_unique<mcp::Server>(
        mcp::ServerInfo{"shop-mcp", "Shop MCP", "9.9.9", "desc", "instr"}, shop.tools, &resources,
        &prompts, sessions.get());
    server->install(dispatcher);
    transport::Services s{server.get(), &dispatcher,    &clock, clock.steady_now(), hub.get(),
                          &metrics,     sessions.get(), limits, so.id_prefix};
    transport::add_rest_routes(router, s);
    transport::add_streamable_http_routes(router, s);
    transport::add_legacy_sse_routes(router, s);
  }

  // A stream the request starts is caught in `catcher` when given (a test thread may poll it),
  // else in one of `streams`.
  Answer send(const char* method, const char* path, std::string body,
              std::map<std::string, std::string> headers = {}, StreamCatch* catcher = nullptr) {
    http::Request r;
    r.method = method;
    const std::string p = path;
    r.path = p.substr(0, p.find('?'));
    if (p.find('?') != std::string::npos) r.query = p.substr(p.find('?') + 1);
    r.body = std::move(body);
    r.content_type = "application/json";
    r.headers = std::move(headers);
    if (!r.headers.count("accept")) r.headers["accept"] = "application/json, text/event-stream";
    return route(router, r, catcher != nullptr ? catcher : &streams.emplace_back());
  }

  // initialize over POST /mcp; returns the session id.
  std::string initialize(const char* version = "2025-11-25", const char* capabilities = "{}") {
    auto r =
        send("POST", "/mcp",
             std::string(
                 R"({"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":")") +
                 version + R"(","capabilities":)" + capabilities +
                 R"(,"clientInfo":{"name":"t","version":"1"}}})");
    REQUIRE(r.status == 200);
    auto id = r.header("Mcp-Session-Id");
    REQUIRE(id.has_value());
    return *id;
  }

  // A message within session `sid`.
  Answer rpc(const std::string& sid, const std::string& body, StreamCatch* catcher = nullptr,
             std::map<std::string, std::string> extra = {}) {
    extra["mcp-session-id"] = sid;
    return send("POST", "/mcp", body, std::move(extra), catcher);
  }

  void pump(int rounds = 3) {
    for (int i = 0; i < rounds; ++i) hub->poll_once(std::chrono::milliseconds(0));
  }
};

inline rapidjson::Document body_of(const std::string& text) {
  auto d = json::parse(text);
  REQUIRE(d.has_value());
  return std::move(d).value();
}

// The data lines of an SSE text as JSON documents, in order (events without data are skipped).
inline std::vector<rapidjson::Document> sse_messages(const std::string& text) {
  std::vector<rapidjson::Document> out;
  std::size_t pos = 0;
  while ((pos = text.find("data: ", pos)) != std::string::npos) {
    const auto end = text.find('\n', pos);
    const std::string data = text.substr(pos + 6, end - pos - 6);
    if (!data.empty()) out.push_back(body_of(data));
    pos = end;
  }
  return out;
}

}  // namespace shopmcp::testing
