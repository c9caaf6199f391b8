// The HTTP doors onto the MCP server that need no stream: the REST routes of the system we replace
// (/mcp/initialize, /mcp/tools, ...) and JSON-RPC over POST /mcp with JSON answers.
// Thread-safe: handlers only read the services.
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
struct Services {
  const mcp::Server* server = nullptr;
  const rpc::Dispatcher* dispatcher = nullptr;
  const core::Clock* clock = nullptr;
  std::chrono::steady_clock::time_point started;
  sse::StreamHub* hub = nullptr;             // the stream routes hand their streams to it
  const metrics::Registry* metrics = nullptr;
};

void add_rest_routes(http::Router& router, const Services& s);
void add_jsonrpc_route(http::Router& router, const Services& s);
// POST /mcp/sse (the seed's SSE route) and GET /mcp/metrics.
void add_seed_sse_route(http::Router& router, const Services& s);
void add_metrics_route(http::Router& router, const Services& s);

}  // namespace shopmcp::transport
