// The REST routes of the system we replace: POST /mcp/initialize, GET /mcp/tools, POST
// /mcp/tools/call, GET /mcp/ping, /mcp/info and /mcp/stdio. Thread-safe once added.
#pragma once

#include "http/router.h"
#include "transport/services.h"

namespace shopmcp::transport {

void add_rest_routes(http::Router& router, const Services& s);

}  // namespace shopmcp::transport
