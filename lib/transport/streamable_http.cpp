// Streamable HTTP at /mcp: POST, GET and DELETE with sessions (2025-03-26 .. 2025-11-25), and the
// stateless POST-only revision 2026-07-28. A request is answered as JSON, or as an SSE stream
// from the moment its call sends something before its result (progress, a log message, a
// request to the client).
#include "transport/streamable_http.h"

#include "core/text.h"
#include "json/json.h"
#include "log/log.h"
#include "rpc/errors.h"
#include "session/session_table.h"
#include "sse/frame.h"
#include "transport/jsonrpc_http.h"
#include "transport/stateless_http.h"
#include "transport/stream_start.h"

namespace shopmcp::transport {
namespace {

using rapidjson::Document;
using rapidjson::Value;

constexpr const char* kStateless = mcp::kStatelessProtocolVersion;

// The session a request names, or the answer to send: 400 without the header, 404 when unknown.
struct SessionOrResponse {
  std::shared_ptr<session::Session> session;
  std::optional<http::Response> response;
};
SessionOrResponse require_session(const Services& s, const http::Request& req) {
  auto id = req.header("mcp-session-id");
  if (!id || id->empty()) {
    return {nullptr,
            http::error_response(kRpc, 400, rpc::kInvalidRequest,
                                 "Bad Request: the Mcp-Session-Id header is required; send "
                                 "initialize first and repeat the id it returns")};
  }
  auto session = s.sessions->find(*id);
  if (!session || session->kind() != session::SessionKind::kStreamable) {
    return {nullptr,
            http::error_response(kRpc, 404, rpc::kSessionNotFound,
                                 "Session not found: it expired or was deleted; send initialize "
                                 "to start a new one")};
  }
  return {std::move(session), std::nullopt};
}

// The rpc::Peer of one request answered on POST /mcp within a session. Opens the SSE answer
// lazily; without it (the client accepts only JSON) messages go to the standalone GET stream.
class SessionPeer final : public rpc::Peer {
 public:
  SessionPeer(const Services& s, http::Exchange& ex, std::shared_ptr<session::Session> session,
              bool sse_ok, std::shared_ptr<std::atomic<bool>> cancelled)
      : s_(s),
        ex_(ex),
        session_(std::move(session)),
        sse_ok_(sse_ok),
        cancelled_(std::move(cancelled)) {}

  bool notify(std::string_view method, Document params) override {
    if (cancelled()) return false;
    const Document msg = rpc::notification(method, std::move(params));
    const std::uint64_t stream = target();
    if (stream == 0) return false;
    session_->send(stream, msg);
    return true;
  }

  core::Result<Document> request(std::string_view method, Document params,
                                 std::chrono::milliseconds timeout) override {
    const std::uint64_t stream = target();
    if (stream == 0) {
      return core::unavailable(std::string(method) +
                               " needs an SSE stream to the client: accept text/event-stream "
                               "or open GET /mcp");
    }
    return session_->request(stream, method, std::move(params), timeout, *cancelled_);
  }

  bool cancelled() const override { return cancelled_->load(); }

  void close_stream() override {
    if (open()) session_->drop_connection(stream_);
  }

  // The SSE answer's logical stream; 0 while the answer is still JSON.
  std::uint64_t stream() const { return stream_; }

 private:
  std::uint64_t target() {
    if (open()) return stream_;
    return session_->standalone();
  }

  bool open() {
    if (stream_ != 0) return true;
    if (!sse_ok_ || tried_) return false;
    tried_ = true;
    sse::StreamSlot slot = s_.hub->reserve();
    if (!slot) return false;
    const std::uint64_t stream = session_->open_stream();
    http::Response head = sse_head(session_->id());
    head.body = session_->priming_frame(stream);
    stream_ = stream;
    ex_.start_stream(
        session_stream(std::move(head), std::move(slot), session_, stream, "POST /mcp"));
    return true;
  }

  const Services& s_;
  http::Exchange& ex_;
  std::shared_ptr<session::Session> session_;
  const bool sse_ok_;
  std::shared_ptr<std::atomic<bool>> cancelled_;
  std::uint64_t stream_ = 0;
  bool tried_ = false;
};

http::Response initialize(const Services& s, const http::Request& req, const Document& msg) {
  std::string requested;
  if (auto p = msg.FindMember("params"); p != msg.MemberEnd() && p->value.IsObject()) {
    if (auto v = p->value.FindMember("protocolVersion");
        v != p->value.MemberEnd() && v->value.IsString()) {
      requested = v->value.GetString();
    }
  }
  auto session = s.sessions->create(session::SessionKind::kStreamable,
                                    mcp::negotiate_version(requested), req.remote_addr);
  if (!session) {
    return http::refuse(kRpc, http::Refusal::kSessionCap, session.error().message, &msg["id"]);
  }
  const std::string id = (*session)->id();
  rpc::CallContext ctx;
  ctx.request_id = req.id;
  ctx.session_id = id;
  auto reply = s.dispatcher->handle(msg, ctx);
  if (!reply || reply->HasMember("error")) {
    s.sessions->remove(id, sse::CloseReason::kSessionDeleted, "initialize_failed");
    return reply ? json_answer(*reply, "") : accepted();
  }
  spdlog::info(
      "MCP session created "
      "{{\"session_id\":\"{}\",\"protocol_version\":\"{}\",\"client_ip\":\"{}\"}}",
      id, (*session)->protocol_version(), req.remote_addr);
  return json_answer(*reply, id);
}

http::Response post_batch(const Services& s, const http::Request& req, session::Session& session,
                          const Document& batch) {
  if (session.protocol_version() != "2025-03-26") {
    return http::error_response(
        kRpc, 400, rpc::kInvalidRequest,
        "Invalid Request: JSON-RPC batches are accepted for protocol version "
        "2025-03-26 only; this session uses " +
            session.protocol_version());
  }
  if (batch.Empty())
    return http::error_response(kRpc, 400, rpc::kInvalidRequest, "Invalid Request: empty batch");
  const std::size_t max_messages = s.limits.max_batch_messages;
  if (batch.Size() > max_messages) {
    return http::error_response(kRpc, 400, rpc::kInvalidRequest,
                                "Invalid Request: a batch holds at most " +
                                    std::to_string(max_messages) + " messages (this one has " +
                                    std::to_string(batch.Size()) + "); send it in parts");
  }
  static const Value kNullId;
  Document out(rapidjson::kArrayType);
  std::size_t answer_bytes = 0;
  for (const auto& msg : batch.GetArray()) {
    rpc::CallContext ctx;
    ctx.request_id = req.id;
    ctx.session_id = session.id();
    const Value& id = msg.IsObject() && msg.HasMember("id") ? msg["id"] : kNullId;
    std::optional<Document> reply;
    if (msg.IsObject() && msg.HasMember("method") && msg["method"].IsString() &&
        std::string_view(msg["method"].GetString()) == "initialize") {
      reply = rpc::error_response(id, rpc::kInvalidRequest,
                                  "Invalid Request: initialize cannot be part of a batch");
    } else if (answer_bytes > s.limits.max_batch_answer_bytes &&
               classify(msg) == MessageKind::kRequest) {
      // Notifications and responses are still taken: they add nothing to the answer.
      reply = rpc::error_response(id, -32000,
                                  "Not run: this batch's answers passed " +
                                      std::to_string(s.limits.max_batch_answer_bytes) +
                                      " bytes before this request; send it again");
    } else {
      reply = take_message(*s.dispatcher, session, msg, ctx);
    }
    if (!reply) continue;
    answer_bytes += json::to_string(*reply).size();
    out.PushBack(Value(*reply, out.GetAllocator()), out.GetAllocator());
  }
  if (out.Empty()) return accepted();
  http::Response r = http::json_response(200, out);
  r.set_header("Mcp-Session-Id", session.id());
  return r;
}

void post_mcp(const Services& s, const http::Request& req, http::Exchange& ex) {
  if (!http::is_json_content_type(req.content_type)) {
    return ex.respond(http::refuse(kRpc, http::Refusal::kNotJson, req.content_type));
  }
  const Accepts acc = parse_accept(req.header("accept"));
  if (!acc.json && !acc.sse) {
    return ex.respond(http::error_response(
        kRpc, 406, rpc::kInvalidRequest,
        "Not Acceptable: Accept must list application/json and text/event-stream"));
  }
  auto doc = json::parse(req.body, json::kMaxBytes, s.limits.max_json_depth);
  if (!doc)
    return ex.respond(
        http::error_response(kRpc, 400, rpc::kParseError, "Parse error: " + doc.error().message));
  const auto version = req.header("mcp-protocol-version");
  if (version && !mcp::is_supported_version(*version))
    return ex.respond(unsupported_version(*version));
  if (version && *version == kStateless) return post_stateless(s, req, *doc, acc, ex);

  if (doc->IsObject() && classify(*doc) == MessageKind::kRequest && (*doc)["method"].IsString() &&
      std::string_view((*doc)["method"].GetString()) == "initialize") {
    return ex.respond(initialize(s, req, *doc));
  }
  auto found = require_session(s, req);
  if (found.response) return ex.respond(std::move(*found.response));
  session::Session& session = *found.session;
  if (doc->IsArray()) return ex.respond(post_batch(s, req, session, *doc));

  rpc::CallContext ctx;
  ctx.request_id = req.id;
  ctx.session_id = session.id();
  if (classify(*doc) != MessageKind::kRequest) {
    auto reply = take_message(*s.dispatcher, session, *doc, ctx);
    return ex.respond(reply ? json_answer(*reply, session.id()) : accepted());
  }
  const RunningCall call(session, (*doc)["id"]);
  SessionPeer peer(s, ex, found.session, acc.sse, call.cancelled());
  ctx.peer = &peer;
  std::optional<Document> reply;
  try {
    reply = s.dispatcher->handle(*doc, ctx);
  } catch (...) {
    if (peer.stream() != 0) session.end_stream(peer.stream());
    throw;
  }
  if (peer.stream() != 0) {
    if (reply && !call.cancelled()->load()) {
      session.send(peer.stream(), *reply, true);
    } else {
      session.end_stream(peer.stream());
    }
    return;  // answered on the stream
  }
  return ex.respond(reply ? json_answer(*reply, session.id()) : accepted());
}

void get_mcp(const Services& s, const http::Request& req, http::Exchange& ex) {
  const auto version = req.header("mcp-protocol-version");
  if (version && !mcp::is_supported_version(*version))
    return ex.respond(unsupported_version(*version));
  if (version && *version == kStateless) {
    http::Response r =
        http::error_response(kRpc, 405, rpc::kInvalidRequest,
                             std::string("Method Not Allowed: protocol version ") + kStateless +
                                 " has no GET stream; POST each request");
    r.set_header("Allow", "POST");
    return ex.respond(r);
  }
  if (!parse_accept(req.header("accept")).sse) {
    return ex.respond(http::error_response(kRpc, 406, rpc::kInvalidRequest,
                                           "Not Acceptable: Accept must list text/event-stream"));
  }
  auto found = require_session(s, req);
  if (found.response) return ex.respond(std::move(*found.response));
  auto session = found.session;

  std::uint64_t stream = 0, after = 0;
  std::string first;
  const auto last_event_id = req.header("last-event-id");
  if (last_event_id && !last_event_id->empty()) {
    const auto ev = session->find_event(*last_event_id);
    if (ev.status == session::Session::EventLookup::kUnknown) {
      return ex.respond(http::error_response(kRpc, 400, rpc::kInvalidRequest,
                                             "Bad Request: Last-Event-ID '" +
                                                 core::utf8_clip(*last_event_id, 100) +
                                                 "' is not an event of this session"));
    }
    if (ev.status == session::Session::EventLookup::kGone) {
      // The spec lets a server replay or not; a replay with a hole would lose messages silently.
      return ex.respond(http::error_response(
          kRpc, 400, rpc::kInvalidRequest,
          "Bad Request: the events after Last-Event-ID '" + core::utf8_clip(*last_event_id, 100) +
              "' are no longer kept (the server's replay log limit), so this stream cannot be "
              "resumed whole; send the request again"));
    }
    stream = ev.stream;
    after = ev.seq;
    first = sse::retry(s.sessions->options().retry_ms);
  } else {
    stream = session->open_stream();
    if (!session->claim_standalone(stream)) {
      session->end_stream(stream);
      return ex.respond(
          http::error_response(kRpc, 409, rpc::kInvalidRequest,
                               "Conflict: this session already has its GET stream open"));
    }
    first = session->priming_frame(stream);
  }
  sse::StreamSlot slot = s.hub->reserve();
  if (!slot) {
    if (after == 0) session->end_stream(stream);
    return ex.respond(http::refuse(kRpc, http::Refusal::kStreamCap));
  }
  http::Response head = sse_head(session->id());
  head.body = std::move(first);
  ex.start_stream(
      session_stream(std::move(head), std::move(slot), session, stream, "GET /mcp", after));
}

http::Response delete_mcp(const Services& s, const http::Request& req) {
  const auto version = req.header("mcp-protocol-version");
  if (version && !mcp::is_supported_version(*version)) return unsupported_version(*version);
  if (version && *version == kStateless) {
    http::Response r = http::error_response(kRpc, 405, rpc::kInvalidRequest,
                                            std::string("Method Not Allowed: protocol version ") +
                                                kStateless + " has no sessions to delete");
    r.set_header("Allow", "POST");
    return r;
  }
  auto found = require_session(s, req);
  if (found.response) return std::move(*found.response);
  s.sessions->remove(found.session->id(), sse::CloseReason::kSessionDeleted, "deleted");
  http::Response r;
  r.status = 204;
  return r;
}

}  // namespace

void add_streamable_http_routes(http::Router& router, const Services& s) {
  router.add("POST", "/mcp",
             [s](const http::Request& req, http::Exchange& ex) { post_mcp(s, req, ex); });
  router.add("GET", "/mcp",
             [s](const http::Request& req, http::Exchange& ex) { get_mcp(s, req, ex); });
  for (const char* path : {"/mcp", "/mcp/sse"}) {
    router.add("DELETE", path, [s](const http::Request& req, http::Exchange& ex) {
      ex.respond(delete_mcp(s, req));
    });
  }
}

bool speaks_streamable_http(const http::Request& req) {
  return req.header("mcp-session-id") || req.header("mcp-protocol-version") ||
         names_media_type(req.header("accept"), "application/json");
}

void serve_streamable_post(const Services& s, const http::Request& req, http::Exchange& ex) {
  post_mcp(s, req, ex);
}

void serve_streamable_get(const Services& s, const http::Request& req, http::Exchange& ex) {
  get_mcp(s, req, ex);
}

}  // namespace shopmcp::transport
