// JSON-RPC over HTTP, what the MCP doors (Streamable HTTP at /mcp, legacy HTTP+SSE at /mcp/sse and
// /mcp/messages) share: Accept parsing, JSON-RPC error answers and their HTTP status, message
// classification, and the hand-over of a session's messages (responses, cancellations) and calls.
// Thread-safe (pure functions), except RunningCall (one call's thread).
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "http/errors.h"
#include "http/request.h"
#include "rpc/dispatcher.h"
#include "session/session_table.h"

namespace shopmcp::transport {

struct Accepts {
  bool json = false;
  bool sse = false;
};
// What an Accept header allows; absent, or "*/*", allows both.
Accepts parse_accept(const std::optional<std::string>& accept);
// Whether an Accept header lists `type` (lower case) itself; wildcards do not count.
bool names_media_type(const std::optional<std::string>& accept, std::string_view type);

// The shape of every error body the MCP doors send (http/errors.h).
inline constexpr http::ErrorShape kRpc = http::ErrorShape::kJsonRpc;
// A JSON-RPC answer as application/json, its status from status_for(); Mcp-Session-Id when given.
http::Response json_answer(const rapidjson::Value& reply, const std::string& session_id = "");
// 202 Accepted with no body: what a notification or a response gets.
http::Response accepted();
// 400 with -32022 and data {supported, requested}: the MCP-Protocol-Version is not offered.
http::Response unsupported_version(const std::string& requested);

// A message inside `session` that is not a request: a response goes to the call waiting for it,
// notifications/cancelled reaches the call it names, and the dispatcher sees the rest. Returns
// the error answer for a bad envelope, else nullopt.
std::optional<rapidjson::Document> take_message(const rpc::Dispatcher& dispatcher,
                                                session::Session& session,
                                                const rapidjson::Value& msg, rpc::CallContext& ctx);

// A request running in a session, known by its id while it lives, so notifications/cancelled can
// reach it. Not thread-safe: the call's thread.
class RunningCall {
 public:
  RunningCall(session::Session& session, const rapidjson::Value& id);
  ~RunningCall();
  RunningCall(const RunningCall&) = delete;
  RunningCall& operator=(const RunningCall&) = delete;
  // Set once the client cancelled the call.
  const std::shared_ptr<std::atomic<bool>>& cancelled() const { return cancelled_; }

 private:
  session::Session& session_;
  const std::string id_;
  const std::shared_ptr<std::atomic<bool>> cancelled_;
};

enum class MessageKind { kRequest, kNotification, kResponse, kOther };
// Classifies an incoming message; kOther for anything the dispatcher must refuse.
MessageKind classify(const rapidjson::Value& msg);
// A request id as JSON text ("7", "\"abc\""), the key calls are registered under.
std::string id_text(const rapidjson::Value& id);
// The HTTP status for a JSON-RPC answer: 400 for -32700/-32600, else 200.
int status_for(const rapidjson::Value& reply);

}  // namespace shopmcp::transport
