// The HTTP doors onto the MCP server that need no stream: the REST routes of the system we replace
// (/mcp/initialize, /mcp/tools, ...) and JSON-RPC over POST /mcp with JSON answers.
// Thread-safe: handlers only read the services.
#pragma once

#include <chrono>

#include "core/clock.h"
#include "http/router.h"
#include "mcp/server.h"
#include "rpc/dispatcher.h"

namespace shopmcp::transport {

// What the routes use; everything must outlive the router.
struct Services {
  const mcp::Server* server = nullptr;
  const rpc::Dispatcher* dispatcher = nullptr;
  const core::Clock* clock = nullptr;
  std::chrono::steady_clock::time_point started;
};

void add_rest_routes(http::Router& router, const Services& s);
void add_jsonrpc_route(http::Router& router, const Services& s);

}  // namespace shopmcp::transport
