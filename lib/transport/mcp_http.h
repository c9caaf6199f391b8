// What the MCP-over-HTTP doors (Streamable HTTP at /mcp, legacy HTTP+SSE at /mcp/sse and
// /mcp/messages) share: Accept parsing, JSON-RPC error answers, SSE heads and the keepalive
// format, message classification. Thread-safe (pure functions and immutable objects).
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <rapidjson/document.h>

#include "http/request.h"
#include "rpc/dispatcher.h"
#include "sse/stream_hub.h"
#include "transport/session.h"

namespace shopmcp::transport {

struct Accepts {
  bool json = false;
  bool sse = false;
};
// What an Accept header allows; absent, or "*/*", allows both.
Accepts parse_accept(const std::optional<std::string>& accept);

// A JSON-RPC error answer with HTTP `status`; `id` may be null. `data` is added when given.
http::Response rpc_error(int status, int code, std::string_view message,
                         const rapidjson::Value* id = nullptr,
                         const rapidjson::Value* data = nullptr);
// 400 with -32022 and data {supported, requested}: the MCP-Protocol-Version is not offered.
http::Response unsupported_version(const std::string& requested);

// 200 text/event-stream with no-cache and X-Accel-Buffering: no; Mcp-Session-Id when given.
http::Response sse_head(const std::string& session_id);

// The frames of MCP streams: keepalives are SSE comments (never a JSON-RPC ping, whose id could
// collide with the client's); nothing is sent on timeout or close (the client resumes or
// reconnects).
std::shared_ptr<const sse::Format> mcp_stream_format();

// A fresh connection id for the hub ("mcp_" and 24 hex digits).
std::string new_connection_id();
// Makes `head` (a stream's status, headers and first frames) hand its connection to the hub at
// take_over, as connection `conn` (for the log: `route`); `adopted` runs right after the hub took
// it. `on_close` runs when the hub closes it.
void hand_to_hub(http::Response& head, sse::StreamHub* hub, const std::string& conn,
                 const char* route, std::function<void(sse::CloseReason)> on_close,
                 std::function<void()> adopted = {});
// hand_to_hub for a session's stream: the connection carries logical stream `stream` of `session`: adopted under a fresh connection id (for the log:
// `route`), then attached, replaying the stream's events after `after_seq`. `on_close` runs when
// the hub closes the connection; empty = the session forgets the connection.
void hand_to_session(http::Response& head, sse::StreamHub* hub, std::shared_ptr<Session> session,
                     std::uint64_t stream, const char* route, std::uint64_t after_seq = 0,
                     std::function<void(sse::CloseReason)> on_close = {});

// {"jsonrpc":"2.0","method":method,"params":params}
rapidjson::Document notification(std::string_view method, rapidjson::Document params);

// A message inside `session` that is not a request: a response goes to the call waiting for it,
// notifications/cancelled reaches the call it names, and the dispatcher sees the rest. Returns
// the error answer for a bad envelope, else nullopt.
std::optional<rapidjson::Document> take_message(const rpc::Dispatcher& dispatcher,
                                                Session& session, const rapidjson::Value& msg,
                                                rpc::CallContext& ctx);

// A request running in a session, known by its id while it lives, so notifications/cancelled can
// reach it. Not thread-safe: the call's thread.
class RunningCall {
 public:
  RunningCall(Session& session, const rapidjson::Value& id);
  ~RunningCall();
  RunningCall(const RunningCall&) = delete;
  RunningCall& operator=(const RunningCall&) = delete;
  // Set once the client cancelled the call.
  const std::shared_ptr<std::atomic<bool>>& cancelled() const { return cancelled_; }

 private:
  Session& session_;
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
