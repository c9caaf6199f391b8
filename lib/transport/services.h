// transport::Services: what the doors use; everything must outlive the router. Thread-safe: the
// doors share only thread-safe services.
#pragma once

#include <chrono>

#include "core/clock.h"
#include "mcp/server.h"
#include "metrics/metrics.h"
#include "rpc/dispatcher.h"
#include "sse/stream_hub.h"

namespace shopmcp::session {
class SessionTable;
}  // namespace shopmcp::session

namespace shopmcp::transport {

struct Services {
  const mcp::Server* server = nullptr;
  const rpc::Dispatcher* dispatcher = nullptr;
  const core::Clock* clock = nullptr;
  std::chrono::steady_clock::time_point started;
  sse::StreamHub* hub = nullptr;  // the stream routes hand their streams to it
  const metrics::Registry* metrics = nullptr;
  session::SessionTable* sessions = nullptr;  // Streamable HTTP and legacy HTTP+SSE sessions
};

}  // namespace shopmcp::transport
