// POST /mcp with MCP-Protocol-Version 2026-07-28: stateless, no session; Mcp-Method and Mcp-Name
// must match the body; the SSE answer (opened at the call's first notification) is the only way
// back, and closing it cancels the call. Part of the Streamable HTTP door. Thread-safe.
#pragma once

#include <rapidjson/document.h>

#include "http/exchange.h"
#include "http/request.h"
#include "transport/jsonrpc_http.h"
#include "transport/services.h"

namespace shopmcp::transport {

// Answers `msg` (already parsed; the version header already checked) through `ex`.
void post_stateless(const Services& s, const http::Request& req, const rapidjson::Document& msg,
                    const Accepts& acc, http::Exchange& ex);

}  // namespace shopmcp::transport
