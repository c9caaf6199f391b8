// What the MCP server needs to know about the client of one session: its log level
// (logging/setLevel), the capabilities it declared at initialize, and the resources it subscribed
// to. mcp::Server keeps none of it: the session's owner implements these interfaces (the session
// module), and the server reaches a session's state through ClientDirectory. Thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "mcp/context.h"

namespace shopmcp::mcp {

// The client capabilities a server→client request needs.
struct DeclaredCapabilities {
  bool sampling = false;
  bool elicitation = false;
  bool roots = false;
};

class ClientState {
 public:
  virtual ~ClientState() = default;
  virtual void set_declared(DeclaredCapabilities d) = 0;
  virtual DeclaredCapabilities declared() const = 0;
  virtual void set_log_level(LogLevel level) = 0;
  // nullopt until logging/setLevel: no log messages are sent.
  virtual std::optional<LogLevel> log_level() const = 0;
  // Remembers a subscription to `uri`, whose contents have fingerprint `seen` now.
  virtual void subscribe(const std::string& uri, std::size_t seen) = 0;
  virtual void unsubscribe(const std::string& uri) = 0;
};

class ClientDirectory {
 public:
  virtual ~ClientDirectory() = default;
  // The state of session `session_id`; nullptr when it has none (unknown, ended, or "").
  virtual std::shared_ptr<ClientState> client(const std::string& session_id) = 0;
};

}  // namespace shopmcp::mcp
