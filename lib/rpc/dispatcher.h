// Dispatcher: JSON-RPC 2.0 envelopes (validation, id echo, notifications) and the method table.
// Knows nothing about MCP. Methods are added before serving; handle() is then thread-safe.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "json/json.h"
#include "rpc/errors.h"
#include "rpc/peer.h"

namespace shopmcp::rpc {

// Per-call facts a handler may need; extended by the transports.
struct CallContext {
  std::string request_id;  // for log lines
  std::string session_id;  // the transport's session, "" when it has none
  Peer* peer = nullptr;    // null when nothing can reach the client before the result
};

class Dispatcher {
 public:
  using Handler = std::function<Outcome(const rapidjson::Value& params, CallContext& ctx)>;

  // Registers `method`; a method registered twice is a bug.
  void add(std::string method, Handler handler);
  bool has(std::string_view method) const;

  // Handles one message (a request, a notification or a client's response). Returns the
  // response document, or nullopt when none is owed (notifications and responses).
  std::optional<rapidjson::Document> handle(const rapidjson::Value& message,
                                            CallContext& ctx) const;

  // Parses `body` and handles it. A body that is not JSON gets -32700; an array (batch) gets
  // -32600 since batches are not supported on this route. nullopt = no response owed.
  std::optional<rapidjson::Document> handle_text(std::string_view body, CallContext& ctx,
                                                 std::size_t max_depth = json::kMaxDepth) const;

 private:
  std::map<std::string, Handler, std::less<>> methods_;
};

// The -32600 answer for a message whose envelope is malformed (not an object, an id that is not a
// string or an integer, jsonrpc not "2.0", no method unless it is a response, a method or params
// of the wrong type); nullopt when it is well-formed. Doors that answer before handle() (header
// checks) ask this first, so they never echo an id handle() would refuse.
std::optional<rapidjson::Document> envelope_error(const rapidjson::Value& message);

// {"jsonrpc":"2.0","id":<id>,"error":{"code":..,"message":..}}; `id` may be null.
rapidjson::Document error_response(const rapidjson::Value& id, int code, std::string_view message);
rapidjson::Document result_response(const rapidjson::Value& id, rapidjson::Document result);
// {"jsonrpc":"2.0","method":method,"params":params}
rapidjson::Document notification(std::string_view method, rapidjson::Document params);

}  // namespace shopmcp::rpc
