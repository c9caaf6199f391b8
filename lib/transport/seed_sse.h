// POST /mcp/sse, the seed's SSE route: the answer to one JSON-RPC request (or a welcome) as an SSE
// frame, then pings until the client leaves or the lifetime ends.
// Thread-safe once added.
#pragma once

#include "http/router.h"
#include "transport/services.h"

namespace shopmcp::transport {

void add_seed_sse_route(http::Router& router, const Services& s);

}  // namespace shopmcp::transport
