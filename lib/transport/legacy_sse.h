// GET /mcp/sse and POST /mcp/messages?sessionId=: MCP HTTP+SSE, the 2024-11-05 transport.
// Thread-safe once added.
#pragma once

#include "http/router.h"
#include "transport/services.h"

namespace shopmcp::transport {

void add_legacy_sse_routes(http::Router& router, const Services& s);

}  // namespace shopmcp::transport
