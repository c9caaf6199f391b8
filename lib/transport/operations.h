// The operators' routes: GET /mcp/health (liveness), /mcp/metrics (Prometheus text) and /mcp/stats
// (the same figures as JSON).
// Thread-safe once added.
#pragma once

#include "http/router.h"
#include "transport/services.h"

namespace shopmcp::transport {

void add_operations_routes(http::Router& router, const Services& s);

}  // namespace shopmcp::transport
