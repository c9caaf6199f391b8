// How the MCP doors start a stream: the SSE head, the frames the hub writes on MCP streams, and
// the http::StreamStart that hands a connection to the hub, alone or as a session's logical
// stream. Thread-safe (pure functions and immutable objects).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "http/exchange.h"
#include "session/session_table.h"
#include "sse/stream_hub.h"

namespace shopmcp::transport {

// 200 text/event-stream with no-cache and X-Accel-Buffering: no; Mcp-Session-Id when given.
http::Response sse_head(const std::string& session_id);

// The frames of MCP streams: keepalives are SSE comments (never a JSON-RPC ping, whose id could
// collide with the client's); nothing is sent on timeout or close (the client resumes or
// reconnects).
std::shared_ptr<const sse::Format> mcp_stream_format();

// A fresh connection id for the hub ("mcp_" and 24 hex digits).
std::string new_connection_id();

// A stream the hub alone carries, as connection `conn` (for the log: `route`), in MCP's format.
// `on_close` runs when the hub closes it.
http::StreamStart hub_stream(http::Response head, sse::StreamSlot slot, const std::string& conn,
                             const char* route, std::function<void(sse::CloseReason)> on_close);

// A connection carrying logical stream `stream` of `session`: adopted under a fresh connection id
// (for the log: `route`), then attached, replaying the stream's events after `after_seq`.
// `on_close` runs when the hub closes the connection; empty = the session forgets the connection.
http::StreamStart session_stream(http::Response head, sse::StreamSlot slot,
                                 std::shared_ptr<session::Session> session, std::uint64_t stream,
                                 const char* route, std::uint64_t after_seq = 0,
                                 std::function<void(sse::CloseReason)> on_close = {});

}  // namespace shopmcp::transport
