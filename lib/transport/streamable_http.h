// POST, GET and DELETE /mcp: MCP Streamable HTTP in every revision (the stateless 2026-07-28 POST
// is answered by stateless_http.cpp). Thread-safe once added.
#pragma once

#include "http/router.h"
#include "transport/services.h"

namespace shopmcp::transport {

void add_streamable_http_routes(http::Router& router, const Services& s);

}  // namespace shopmcp::transport
