// The HTTP doors onto the MCP server: the REST routes of the system we replace (/mcp/initialize,
// /mcp/tools, ...), Streamable HTTP at /mcp, the legacy HTTP+SSE transport, the seed's SSE route
// and the metrics. Thread-safe: handlers share only thread-safe services.
#pragma once

#include <chrono>

#include "core/clock.h"
#include "http/router.h"
#include "mcp/server.h"
#include "metrics/metrics.h"
#include "rpc/dispatcher.h"
#include "sse/stream_hub.h"

namespace shopmcp::transport {

// What the routes use; everything must outlive the router.
class SessionTable;

struct Services {
  const mcp::Server* server = nullptr;
  const rpc::Dispatcher* dispatcher = nullptr;
  const core::Clock* clock = nullptr;
  std::chrono::steady_clock::time_point started;
  sse::StreamHub* hub = nullptr;             // the stream routes hand their streams to it
  const metrics::Registry* metrics = nullptr;
  SessionTable* sessions = nullptr;          // Streamable HTTP and legacy HTTP+SSE sessions
};

void add_rest_routes(http::Router& router, const Services& s);
// POST, GET and DELETE /mcp (Streamable HTTP, every revision).
void add_streamable_http_routes(http::Router& router, const Services& s);
// GET /mcp/sse and POST /mcp/messages (HTTP+SSE, 2024-11-05).
void add_legacy_sse_routes(http::Router& router, const Services& s);
// POST /mcp/sse (the seed's SSE route); GET /mcp/metrics (Prometheus) and GET /mcp/stats (the
// same as JSON).
void add_seed_sse_route(http::Router& router, const Services& s);
void add_metrics_route(http::Router& router, const Services& s);

}  // namespace shopmcp::transport
