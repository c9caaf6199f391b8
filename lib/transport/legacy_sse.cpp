// The 2024-11-05 HTTP+SSE transport: GET /mcp/sse opens a session whose stream first names the
// endpoint to POST to; POST /mcp/messages?sessionId=ID answers 202 at once, and the call's
// answer (and anything it sends before) goes out on the stream as "message" events.
#include "transport/legacy_sse.h"

#include <chrono>
#include <thread>

#include "core/check.h"
#include "json/json.h"
#include "log/log.h"
#include "rpc/errors.h"
#include "session/session_table.h"
#include "sse/frame.h"
#include "transport/jsonrpc_http.h"
#include "transport/stream_start.h"
#include "transport/streamable_http.h"

namespace shopmcp::transport {
namespace {

using rapidjson::Document;

// A call's way back to the client: the session's one stream.
class LegacyPeer final : public rpc::Peer {
 public:
  LegacyPeer(session::Session& session, std::shared_ptr<std::atomic<bool>> cancelled)
      : session_(session), cancelled_(std::move(cancelled)) {}

  bool notify(std::string_view method, Document params) override {
    if (cancelled()) return false;
    ++notified_;
    session_.send(session_.standalone(), rpc::notification(method, std::move(params)));
    return true;
  }
  core::Result<Document> request(std::string_view method, Document params,
                                 std::chrono::milliseconds timeout) override {
    return session_.request(session_.standalone(), method, std::move(params), timeout, *cancelled_);
  }
  bool cancelled() const override { return cancelled_->load(); }
  int notified() const { return notified_; }

 private:
  int notified_ = 0;
  session::Session& session_;
  std::shared_ptr<std::atomic<bool>> cancelled_;
};

void open_stream(const Services& s, const http::Request& req, http::Exchange& ex) {
  if (!parse_accept(req.header("accept")).sse) {
    return ex.respond(http::error_response(kRpc, 406, rpc::kInvalidRequest,
                                           "Not Acceptable: Accept must list text/event-stream"));
  }
  sse::StreamSlot slot = s.hub->reserve();
  if (!slot) {
    return ex.respond(http::refuse(kRpc, http::Refusal::kStreamCap));
  }
  auto created = s.sessions->create(session::SessionKind::kLegacy, "2024-11-05", req.remote_addr);
  if (!created) {
    return ex.respond(http::refuse(kRpc, http::Refusal::kSessionCap, created.error().message));
  }
  std::shared_ptr<session::Session> session = std::move(created).value();
  const std::uint64_t stream = session->open_stream();
  MCP_CHECK(session->claim_standalone(stream));
  spdlog::info(
      "MCP session created "
      "{{\"session_id\":\"{}\",\"transport\":\"HTTP+SSE\",\"client_ip\":\"{}\"}}",
      session->id(), req.remote_addr);

  http::Response head = sse_head("");
  head.body = sse::event("endpoint", "/mcp/messages?sessionId=" + session->id());
  // The session lives as long as its stream.
  session::SessionTable* sessions = s.sessions;
  ex.start_stream(session_stream(std::move(head), std::move(slot), session, stream, "GET /mcp/sse",
                                 0, [sessions, id = session->id()](sse::CloseReason reason) {
                                   sessions->remove(id, reason, "stream_closed");
                                 }));
}

void post_message(const Services& s, const http::Request& req, http::Exchange& ex) {
  const auto id = req.query_param("sessionId");
  if (!id || id->empty()) {
    return ex.respond(http::error_response(
        kRpc, 400, rpc::kInvalidRequest,
        "Bad Request: sessionId is required; use the endpoint URL that GET /mcp/sse "
        "sent"));
  }
  auto session = s.sessions->find(*id);
  if (!session || session->kind() != session::SessionKind::kLegacy) {
    return ex.respond(http::error_response(
        kRpc, 404, rpc::kSessionNotFound,
        "Session not found: its stream was closed or it expired; open GET /mcp/sse "
        "again"));
  }
  if (!http::is_json_content_type(req.content_type)) {
    return ex.respond(http::refuse(kRpc, http::Refusal::kNotJson, req.content_type));
  }
  auto doc = json::parse(req.body, json::kMaxBytes, s.limits.max_json_depth);
  if (!doc)
    return ex.respond(
        http::error_response(kRpc, 400, rpc::kParseError, "Parse error: " + doc.error().message));
  if (doc->IsArray()) {
    return ex.respond(http::error_response(
        kRpc, 400, rpc::kInvalidRequest,
        "Invalid Request: JSON-RPC batches are not supported; send one message"));
  }
  rpc::CallContext ctx;
  ctx.request_id = req.id;
  ctx.session_id = session->id();
  if (classify(*doc) != MessageKind::kRequest) {
    if (auto reply = take_message(*s.dispatcher, *session, *doc, ctx)) {
      return ex.respond(json_answer(*reply));
    }
    return ex.respond(accepted());
  }
  // Answered on the stream after the 202 has gone out.
  auto msg = std::make_shared<Document>(std::move(doc).value());
  ex.respond_then(accepted(), [s, session, msg, ctx]() mutable {
    const RunningCall call(*session, (*msg)["id"]);
    LegacyPeer peer(*session, call.cancelled());
    ctx.peer = &peer;
    const std::optional<Document> reply = s.dispatcher->handle(*msg, ctx);
    // The official TypeScript client drops progress notifications that reach it in the same
    // network read as the call's response on this transport; a short gap keeps them apart.
    if (peer.notified() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(25));
    if (reply && !call.cancelled()->load()) session->send(session->standalone(), *reply);
  });
}

}  // namespace

void add_legacy_sse_routes(http::Router& router, const Services& s) {
  router.add("GET", "/mcp/sse", [s](const http::Request& req, http::Exchange& ex) {
    // A Streamable HTTP session's GET stream, from a client that was given this URL.
    if (req.header("mcp-session-id")) return serve_streamable_get(s, req, ex);
    open_stream(s, req, ex);
  });
  router.add("POST", "/mcp/messages",
             [s](const http::Request& req, http::Exchange& ex) { post_message(s, req, ex); });
}

}  // namespace shopmcp::transport
