// transport::Services: what the doors use; everything must outlive the router. Thread-safe: the
// doors share only thread-safe services.
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "core/clock.h"
#include "json/json.h"
#include "mcp/server.h"
#include "metrics/metrics.h"
#include "rpc/dispatcher.h"
#include "sse/stream_hub.h"

namespace shopmcp::session {
class SessionTable;
}  // namespace shopmcp::session

namespace shopmcp::transport {

// Bounds on what one request may ask of the MCP doors.
struct DoorLimits {
  std::size_t max_json_depth = json::kMaxDepth;  // deeper request bodies are refused (-32700)
  std::size_t max_batch_messages = 100;  // a longer JSON-RPC batch is refused whole (-32600)
  // Once a batch's answers pass this many bytes, its remaining requests are not run: each gets
  // an error saying so, and the client sends them again.
  std::size_t max_batch_answer_bytes = 4u << 20;
};

struct Services {
  const mcp::Server* server = nullptr;
  const rpc::Dispatcher* dispatcher = nullptr;
  const core::Clock* clock = nullptr;
  std::chrono::steady_clock::time_point started;
  sse::StreamHub* hub = nullptr;  // the stream routes hand their streams to it
  const metrics::Registry* metrics = nullptr;
  session::SessionTable* sessions = nullptr;  // Streamable HTTP and legacy HTTP+SSE sessions
  DoorLimits limits = {};
  std::string instance;  // --instance: shown by /mcp/health and /mcp/stats ("" = not named)
};

}  // namespace shopmcp::transport
