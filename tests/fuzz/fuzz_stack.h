// The whole server above fcgi, built once per fuzz process the way the composition root builds it
// (app/common/server_main.cpp): the shop over an in-memory SQLite store (a small seed, so a tool
// call costs little), its tools, resources and prompts, the MCP server on a dispatcher, a stream
// hub driven by the target (poll_once, no thread), the session table (no reaper thread) and the
// router with every door and the Host/Origin guard. Never destroyed: the fuzzer exits with it
// alive. Not thread-safe: one input at a time.
#pragma once

#include <memory>
#include <string>

#include "fuzz_support.h"
#include "http/guard.h"
#include "http/router.h"
#include "mail/mailer.h"
#include "mcp/prompts.h"
#include "mcp/resources.h"
#include "mcp/server.h"
#include "mcp/tool_registry.h"
#include "metrics/metrics.h"
#include "rpc/dispatcher.h"
#include "session/session_table.h"
#include "shop/prompts.h"
#include "shop/resources.h"
#include "shop/tools.h"
#include "sse/stream_hub.h"
#include "store/sqlite_store.h"
#include "transport/legacy_sse.h"
#include "transport/operations.h"
#include "transport/rest.h"
#include "transport/seed_sse.h"
#include "transport/services.h"
#include "transport/streamable_http.h"

namespace shopmcp::fuzz {

struct StackOptions {
  std::int64_t orders = 40;  // seeded orders: enough for every filter to match something
  shop::MailOptions mail;    // send_excel_email's mailer; none = "not configured"
  http::GuardOptions guard;  // the admission check on every route
  std::size_t max_sessions = 64;
  // Streams end this long after they open (a keepalive stream of the seed route never ends by
  // itself): end_streams() moves the fake clock past it.
  std::chrono::milliseconds max_connection_time{1000};
};

struct Stack {
  FakeClock clock;
  metrics::Registry metrics;
  std::unique_ptr<store::SqliteStore> db;
  mcp::ToolRegistry tools;
  mcp::ResourceRegistry resources;
  mcp::PromptRegistry prompts;
  std::unique_ptr<sse::StreamHub> hub;
  std::unique_ptr<session::SessionTable> sessions;
  std::unique_ptr<mcp::Server> server;
  rpc::Dispatcher dispatcher;
  std::unique_ptr<http::Guard> guard;
  http::Router router;
  transport::Services services;

  explicit Stack(const StackOptions& o) {
    auto s = store::SqliteStore::open(":memory:", store::SeedOptions{o.orders, 42, 1767225600});
    MCP_FUZZ_CHECK_MSG(s.has_value(), s ? "" : s.error().message);
    db = std::move(s).value();
    shop::register_tools(tools, *db, o.mail);
    shop::register_resources(resources, *db);
    shop::register_prompts(prompts, *db, tools);
    session::SessionOptions so;
    so.max_sessions = o.max_sessions;
    so.client_request_timeout = std::chrono::milliseconds(1);
    sse::HubOptions ho;
    ho.max_queued = so.replay.hub_queue();
    ho.max_connection_time = o.max_connection_time;
    connection_time = o.max_connection_time;
    hub = std::make_unique<sse::StreamHub>(ho, clock, metrics);
    sessions = std::make_unique<session::SessionTable>(so, *hub, clock, metrics);
    server = std::make_unique<mcp::Server>(
        mcp::ServerInfo{"shop-mcp", "Shop MCP", "0.0.0-fuzz", "fuzzing", "fuzzing"}, tools,
        &resources, &prompts, sessions.get());
    server->install(dispatcher);
    guard = std::make_unique<http::Guard>(o.guard);
    router.set_admission([g = guard.get()](const http::Request& req) { return g->check(req); });
    services = transport::Services{server.get(),       &dispatcher, &clock,
                                   clock.steady_now(), hub.get(),   &metrics,
                                   sessions.get(),     {},          ""};
    transport::add_rest_routes(router, services);
    transport::add_streamable_http_routes(router, services);
    transport::add_legacy_sse_routes(router, services);
    transport::add_seed_sse_route(router, services);
    transport::add_operations_routes(router, services);
  }
  Stack(const Stack&) = delete;
  Stack& operator=(const Stack&) = delete;

  // Lets the hub take new streams, write what is queued and close what is due.
  void pump(int rounds = 2) {
    for (int i = 0; i < rounds; ++i) hub->poll_once(std::chrono::milliseconds(0));
  }

  // What one input may leave behind, gone: every session ended, every stream closed (by its
  // lifetime), so inputs do not pile up state. Checks that no stream is left open.
  void reset() {
    for (const auto& s : sessions->all()) {
      sessions->remove(s->id(), sse::CloseReason::kSessionDeleted, "fuzz");
    }
    pump();
    if (hub->open_streams() > 0) {
      clock.advance(connection_time + std::chrono::milliseconds(1));
      pump();
    }
    MCP_FUZZ_CHECK_MSG(hub->open_streams() == 0, std::to_string(hub->open_streams()) + " streams");
    MCP_FUZZ_CHECK(sessions->size() == 0);
  }

  std::chrono::milliseconds connection_time{1000};
};

// A JSON-RPC POST /mcp as a client sends it.
inline http::Request mcp_post(std::string body) {
  http::Request r;
  r.method = "POST";
  r.path = "/mcp";
  r.content_type = "application/json";
  r.body = std::move(body);
  r.headers["host"] = "localhost:8080";
  r.headers["accept"] = "application/json, text/event-stream";
  r.remote_addr = "127.0.0.1";
  r.id = "fuzz";
  return r;
}

}  // namespace shopmcp::fuzz
