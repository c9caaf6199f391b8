// mcp::ToolContext: what a running tool may do besides returning its result: report progress,
// send log messages, notice cancellation and ask the client (sampling, elicitation, roots).
// Not thread-safe: one call's thread.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include <rapidjson/document.h>

#include "core/result.h"

namespace shopmcp::mcp {

// RFC 5424 severities, as MCP's logging names them; ordered, least severe first.
enum class LogLevel { kDebug, kInfo, kNotice, kWarning, kError, kCritical, kAlert, kEmergency };
const char* to_string(LogLevel l);
std::optional<LogLevel> parse_log_level(std::string_view name);

class ToolContext {
 public:
  virtual ~ToolContext() = default;
  // notifications/progress, when the caller asked for it with _meta.progressToken; else nothing.
  // `progress` must not decrease between calls.
  virtual void progress(double progress, std::optional<double> total, std::string_view message) = 0;
  // notifications/message, when the session's level (logging/setLevel) lets `level` through.
  virtual void log(LogLevel level, std::string_view logger, const rapidjson::Value& data) = 0;
  // True once the client cancelled the call: stop early; the result is then discarded.
  virtual bool cancelled() const = 0;
  // A request to the client (sampling/createMessage, elicitation/create, roots/list, ping),
  // waiting at most `timeout` for its answer. Fails with a message a model can act on when the
  // client did not declare the capability or the transport cannot carry requests.
  virtual core::Result<rapidjson::Document> ask_client(std::string_view method,
                                                       rapidjson::Document params,
                                                       std::chrono::milliseconds timeout) = 0;
  // Ends the connection the client reads this call on; the client reconnects (Last-Event-ID) and
  // receives the rest. No-op where the transport cannot resume.
  virtual void close_stream() {}
};

// For callers with no way back to the client (REST routes, tests): everything is a no-op and
// ask_client fails.
class NullToolContext final : public ToolContext {
 public:
  void progress(double, std::optional<double>, std::string_view) override {}
  void log(LogLevel, std::string_view, const rapidjson::Value&) override {}
  bool cancelled() const override { return false; }
  core::Result<rapidjson::Document> ask_client(std::string_view method, rapidjson::Document,
                                               std::chrono::milliseconds) override {
    return core::unavailable(std::string(method) +
                             " needs a connection that can carry requests to the client");
  }
};

}  // namespace shopmcp::mcp
