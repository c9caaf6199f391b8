// POST, GET and DELETE /mcp: MCP Streamable HTTP in every revision (the stateless 2026-07-28 POST
// is answered by stateless_http.cpp). Thread-safe once added.
#pragma once

#include "http/router.h"
#include "transport/services.h"

namespace shopmcp::transport {

// Adds POST, GET and DELETE /mcp, and DELETE /mcp/sse (see speaks_streamable_http).
void add_streamable_http_routes(http::Router& router, const Services& s);

// Whether a request to the legacy URL /mcp/sse comes from a Streamable HTTP client: it carries
// Mcp-Session-Id or MCP-Protocol-Version, or its Accept lists application/json (every Streamable
// HTTP client lists it beside text/event-stream; the SSE route's clients ask for
// text/event-stream alone, and the legacy transport's GET carries no session header). Such a
// client is served Streamable HTTP there, exactly as on /mcp, so it connects on the first try
// whichever of the two URLs its user pasted.
bool speaks_streamable_http(const http::Request& req);
// The /mcp handlers, for the /mcp/sse routes that hand such clients over.
void serve_streamable_post(const Services& s, const http::Request& req, http::Exchange& ex);
void serve_streamable_get(const Services& s, const http::Request& req, http::Exchange& ex);

}  // namespace shopmcp::transport
