// Streamable HTTP at /mcp: POST, GET and DELETE with sessions (2025-03-26 .. 2025-11-25), and the
// stateless POST-only revision 2026-07-28. A request is answered as JSON, or as an SSE stream
// from the moment its call sends something before its result (progress, a log message, a
// request to the client).
#include "json/json.h"
#include "log/log.h"
#include "rpc/errors.h"
#include "sse/frame.h"
#include "transport/mcp_http.h"
#include "transport/routes.h"
#include "transport/session.h"

namespace shopmcp::transport {
namespace {

using rapidjson::Document;
using rapidjson::Value;

constexpr const char* kStateless = mcp::kStatelessProtocolVersion;

http::Response accepted() {
  http::Response r;
  r.status = 202;
  return r;
}

http::Response json_answer(const Value& reply, const std::string& session_id) {
  http::Response r = http::json_response(status_for(reply), reply);
  if (!session_id.empty()) r.set_header("Mcp-Session-Id", session_id);
  return r;
}

// The session a request names, or the answer to send: 400 without the header, 404 when unknown.
struct SessionOrResponse {
  std::shared_ptr<Session> session;
  std::optional<http::Response> response;
};
SessionOrResponse require_session(const Services& s, const http::Request& req) {
  auto id = req.header("mcp-session-id");
  if (!id || id->empty()) {
    return {nullptr, rpc_error(400, rpc::kInvalidRequest,
                               "Bad Request: the Mcp-Session-Id header is required; send "
                               "initialize first and repeat the id it returns")};
  }
  auto session = s.sessions->find(*id);
  if (!session || session->kind() != SessionKind::kStreamable) {
    return {nullptr, rpc_error(404, rpc::kSessionNotFound,
                               "Session not found: it expired or was deleted; send initialize "
                               "to start a new one")};
  }
  return {std::move(session), std::nullopt};
}

// The rpc::Peer of one request answered on POST /mcp within a session. Opens the SSE answer
// lazily; without it (the client accepts only JSON) messages go to the standalone GET stream.
class SessionPeer final : public rpc::Peer {
 public:
  SessionPeer(const Services& s, const http::Request& req, std::shared_ptr<Session> session,
              bool sse_ok, std::shared_ptr<std::atomic<bool>> cancelled)
      : s_(s), req_(req), session_(std::move(session)), sse_ok_(sse_ok),
        cancelled_(std::move(cancelled)) {}

  bool notify(std::string_view method, Document params) override {
    if (cancelled()) return false;
    const Document msg = notification(method, std::move(params));
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
    if (!sse_ok_ || tried_ || req_.upgrader == nullptr) return false;
    tried_ = true;
    if (!s_.hub->try_reserve()) return false;
    const std::uint64_t stream = session_->open_stream();
    http::Response head = sse_head(session_->id());
    head.body = session_->priming_frame(stream);
    hand_to_session(head, s_.hub, session_, stream, "POST /mcp");
    req_.upgrader->start_stream(std::move(head));
    stream_ = stream;
    return true;
  }

  const Services& s_;
  const http::Request& req_;
  std::shared_ptr<Session> session_;
  const bool sse_ok_;
  std::shared_ptr<std::atomic<bool>> cancelled_;
  std::uint64_t stream_ = 0;
  bool tried_ = false;
};

// The rpc::Peer of one 2026-07-28 request: no session; its SSE answer (opened at the first
// notification) is the only way back, and closing it cancels the call.
class StatelessPeer final : public rpc::Peer {
 public:
  StatelessPeer(const Services& s, const http::Request& req, bool sse_ok)
      : s_(s), req_(req), sse_ok_(sse_ok), cancelled_(std::make_shared<std::atomic<bool>>(false)) {}

  bool notify(std::string_view method, Document params) override {
    if (cancelled() || !open()) return false;
    return s_.hub->enqueue(conn_, sse::event("", json::to_string(notification(method, std::move(params)))));
  }
  core::Result<Document> request(std::string_view method, Document,
                                 std::chrono::milliseconds) override {
    return core::unavailable(std::string(method) + " cannot be sent: protocol version " +
                             kStateless + " has no server-to-client requests");
  }
  bool cancelled() const override { return cancelled_->load(); }

  // Ends the SSE answer with `reply` (or with nothing when cancelled). False when no stream was
  // opened, so the caller answers with JSON.
  bool finish(const std::optional<Document>& reply) {
    if (conn_.empty()) return false;
    if (reply && !cancelled()) {
      s_.hub->enqueue(conn_, sse::event("", json::to_string(*reply)), true);
    } else {
      s_.hub->enqueue(conn_, "", true);
    }
    return true;
  }

 private:
  bool open() {
    if (!conn_.empty()) return true;
    if (!sse_ok_ || tried_ || req_.upgrader == nullptr) return false;
    tried_ = true;
    if (!s_.hub->try_reserve()) return false;
    conn_ = new_connection_id();
    http::Response head = sse_head("");
    hand_to_hub(head, s_.hub, conn_, "POST /mcp", [flag = cancelled_](sse::CloseReason reason) {
      if (reason != sse::CloseReason::kCompleted) flag->store(true);
    });
    req_.upgrader->start_stream(std::move(head));
    return true;
  }

  const Services& s_;
  const http::Request& req_;
  const bool sse_ok_;
  std::shared_ptr<std::atomic<bool>> cancelled_;
  std::string conn_;
  bool tried_ = false;
};

// "=?base64?...?=" values of Mcp-Name decoded; others as they are. nullopt when malformed.
std::optional<std::string> header_value(const std::string& v) {
  const std::string pre = "=?base64?", post = "?=";
  if (v.size() < pre.size() + post.size() || v.rfind(pre, 0) != 0 ||
      v.compare(v.size() - post.size(), post.size(), post) != 0) {
    return v;
  }
  static const std::string kAlphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  int bits = 0, buffer = 0;
  for (char c : v.substr(pre.size(), v.size() - pre.size() - post.size())) {
    if (c == '=') break;
    const auto pos = kAlphabet.find(c);
    if (pos == std::string::npos) return std::nullopt;
    buffer = (buffer << 6) | static_cast<int>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  return out;
}

std::optional<http::Response> check_stateless_headers(const http::Request& req, const Value& msg) {
  auto mismatch = [&](const std::string& m) {
    const Value* id = msg.HasMember("id") ? &msg["id"] : nullptr;
    return rpc_error(400, rpc::kHeaderMismatch, "Header mismatch: " + m, id);
  };
  const auto m = msg.FindMember("method");
  const std::string method = m->value.GetString();
  auto header_method = req.header("mcp-method");
  if (!header_method) return mismatch("the Mcp-Method header is required");
  if (*header_method != method) {
    return mismatch("Mcp-Method header value '" + header_method->substr(0, 100) +
                    "' does not match body value '" + method.substr(0, 100) + "'");
  }
  const Value* params = nullptr;
  if (auto p = msg.FindMember("params"); p != msg.MemberEnd() && p->value.IsObject()) {
    params = &p->value;
  }
  if (method == "tools/call" || method == "prompts/get" || method == "resources/read") {
    const char* key = method == "resources/read" ? "uri" : "name";
    std::string body_name;
    if (params) {
      if (auto n = params->FindMember(key); n != params->MemberEnd() && n->value.IsString()) {
        body_name = n->value.GetString();
      }
    }
    auto header_name = req.header("mcp-name");
    if (!header_name) return mismatch(std::string("the Mcp-Name header is required for ") + method);
    auto decoded = header_value(*header_name);
    if (!decoded) return mismatch("the Mcp-Name header is not valid base64");
    if (*decoded != body_name) {
      return mismatch("Mcp-Name header value '" + decoded->substr(0, 100) +
                      "' does not match body value '" + body_name.substr(0, 100) + "'");
    }
  }
  if (params) {
    if (auto meta = params->FindMember("_meta"); meta != params->MemberEnd() && meta->value.IsObject()) {
      auto v = meta->value.FindMember("io.modelcontextprotocol/protocolVersion");
      if (v != meta->value.MemberEnd() &&
          !(v->value.IsString() && std::string_view(v->value.GetString()) == kStateless)) {
        return mismatch("MCP-Protocol-Version header does not match _meta's protocolVersion");
      }
    }
  }
  return std::nullopt;
}

// POST /mcp with MCP-Protocol-Version: 2026-07-28.
http::Response post_stateless(const Services& s, const http::Request& req, const Document& msg,
                              const Accepts& acc) {
  if (msg.IsArray()) {
    return rpc_error(400, rpc::kInvalidRequest,
                     std::string("Invalid Request: JSON-RPC batches are not supported by "
                                 "protocol version ") + kStateless);
  }
  const MessageKind kind = classify(msg);
  if (kind == MessageKind::kResponse) {
    return rpc_error(400, rpc::kInvalidRequest,
                     std::string("Invalid Request: protocol version ") + kStateless +
                         " has no server-to-client requests to answer");
  }
  rpc::CallContext ctx;
  ctx.request_id = req.id;
  if (kind == MessageKind::kOther || !msg["method"].IsString()) {
    auto reply = s.dispatcher->handle(msg, ctx);  // names what is wrong with the envelope
    return reply ? json_answer(*reply, "") : accepted();
  }
  if (auto bad = check_stateless_headers(req, msg)) return std::move(*bad);
  const std::string method = msg["method"].GetString();
  if (!s.dispatcher->has(method) || method == "initialize") {
    if (kind == MessageKind::kNotification) return accepted();
    return rpc_error(404, rpc::kMethodNotFound, "Method not found: " + method.substr(0, 100),
                     &msg["id"]);
  }
  if (kind == MessageKind::kNotification) {
    auto reply = s.dispatcher->handle(msg, ctx);
    return reply ? json_answer(*reply, "") : accepted();
  }
  StatelessPeer peer(s, req, acc.sse);
  ctx.peer = &peer;
  auto reply = s.dispatcher->handle(msg, ctx);
  if (peer.finish(reply)) {
    http::Response r;
    r.streamed = true;
    return r;
  }
  return reply ? json_answer(*reply, "") : accepted();
}

http::Response initialize(const Services& s, const http::Request& req, const Document& msg) {
  std::string requested;
  if (auto p = msg.FindMember("params"); p != msg.MemberEnd() && p->value.IsObject()) {
    if (auto v = p->value.FindMember("protocolVersion");
        v != p->value.MemberEnd() && v->value.IsString()) {
      requested = v->value.GetString();
    }
  }
  auto session = s.sessions->create(SessionKind::kStreamable, mcp::negotiate_version(requested));
  if (!session) {
    http::Response r = rpc_error(503, -32000, session.error().message, &msg["id"]);
    r.set_header("Retry-After", "5");
    return r;
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
  spdlog::info("MCP session created {{\"session_id\":\"{}\",\"protocol_version\":\"{}\",\"client_ip\":\"{}\"}}",
               id, (*session)->protocol_version(), req.remote_addr);
  return json_answer(*reply, id);
}

http::Response post_batch(const Services& s, const http::Request& req, Session& session,
                          const Document& batch) {
  if (session.protocol_version() != "2025-03-26") {
    return rpc_error(400, rpc::kInvalidRequest,
                     "Invalid Request: JSON-RPC batches are accepted for protocol version "
                     "2025-03-26 only; this session uses " + session.protocol_version());
  }
  if (batch.Empty()) return rpc_error(400, rpc::kInvalidRequest, "Invalid Request: empty batch");
  Document out(rapidjson::kArrayType);
  for (const auto& msg : batch.GetArray()) {
    rpc::CallContext ctx;
    ctx.request_id = req.id;
    ctx.session_id = session.id();
    std::optional<Document> reply;
    if (msg.IsObject() && msg.HasMember("method") && msg["method"].IsString() &&
        std::string_view(msg["method"].GetString()) == "initialize") {
      static const Value kNullId;
      reply = rpc::error_response(msg.HasMember("id") ? msg["id"] : kNullId, rpc::kInvalidRequest,
                                  "Invalid Request: initialize cannot be part of a batch");
    } else {
      reply = take_message(*s.dispatcher, session, msg, ctx);
    }
    if (reply) out.PushBack(Value(*reply, out.GetAllocator()), out.GetAllocator());
  }
  if (out.Empty()) return accepted();
  http::Response r = http::json_response(200, out);
  r.set_header("Mcp-Session-Id", session.id());
  return r;
}

http::Response post_mcp(const Services& s, const http::Request& req) {
  if (!http::is_json_content_type(req.content_type)) {
    return rpc_error(415, rpc::kInvalidRequest,
                     "Content-Type must be application/json (got '" +
                         req.content_type.substr(0, 100) + "')");
  }
  const Accepts acc = parse_accept(req.header("accept"));
  if (!acc.json && !acc.sse) {
    return rpc_error(406, rpc::kInvalidRequest,
                     "Not Acceptable: Accept must list application/json and text/event-stream");
  }
  auto doc = json::parse(req.body);
  if (!doc) return rpc_error(400, rpc::kParseError, "Parse error: " + doc.error().message);
  const auto version = req.header("mcp-protocol-version");
  if (version && !mcp::is_supported_version(*version)) return unsupported_version(*version);
  if (version && *version == kStateless) return post_stateless(s, req, *doc, acc);

  if (doc->IsObject() && classify(*doc) == MessageKind::kRequest && (*doc)["method"].IsString() &&
      std::string_view((*doc)["method"].GetString()) == "initialize") {
    return initialize(s, req, *doc);
  }
  auto found = require_session(s, req);
  if (found.response) return std::move(*found.response);
  Session& session = *found.session;
  if (doc->IsArray()) return post_batch(s, req, session, *doc);

  rpc::CallContext ctx;
  ctx.request_id = req.id;
  ctx.session_id = session.id();
  if (classify(*doc) != MessageKind::kRequest) {
    auto reply = take_message(*s.dispatcher, session, *doc, ctx);
    return reply ? json_answer(*reply, session.id()) : accepted();
  }
  const RunningCall call(session, (*doc)["id"]);
  SessionPeer peer(s, req, found.session, acc.sse, call.cancelled());
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
    http::Response r;
    r.streamed = true;
    return r;
  }
  return reply ? json_answer(*reply, session.id()) : accepted();
}

http::Response get_mcp(const Services& s, const http::Request& req) {
  const auto version = req.header("mcp-protocol-version");
  if (version && !mcp::is_supported_version(*version)) return unsupported_version(*version);
  if (version && *version == kStateless) {
    http::Response r = rpc_error(405, rpc::kInvalidRequest,
                                 std::string("Method Not Allowed: protocol version ") + kStateless +
                                     " has no GET stream; POST each request");
    r.set_header("Allow", "POST");
    return r;
  }
  if (!parse_accept(req.header("accept")).sse) {
    return rpc_error(406, rpc::kInvalidRequest, "Not Acceptable: Accept must list text/event-stream");
  }
  auto found = require_session(s, req);
  if (found.response) return std::move(*found.response);
  auto session = found.session;

  std::uint64_t stream = 0, after = 0;
  std::string first;
  const auto last_event_id = req.header("last-event-id");
  if (last_event_id && !last_event_id->empty()) {
    auto ev = session->find_event(*last_event_id);
    if (!ev) {
      return rpc_error(400, rpc::kInvalidRequest,
                       "Bad Request: Last-Event-ID '" + last_event_id->substr(0, 100) +
                           "' is not an event of this session");
    }
    stream = ev->first;
    after = ev->second;
    first = sse::priming(*last_event_id, s.sessions->options().retry_ms);
  } else {
    stream = session->open_stream();
    if (!session->claim_standalone(stream)) {
      session->end_stream(stream);
      return rpc_error(409, rpc::kInvalidRequest,
                       "Conflict: this session already has its GET stream open");
    }
    first = session->priming_frame(stream);
  }
  if (!s.hub->try_reserve()) {
    if (after == 0) session->end_stream(stream);
    http::Response r = rpc_error(503, -32000, "Too many open streams; retry in a few seconds");
    r.set_header("Retry-After", "5");
    return r;
  }
  http::Response head = sse_head(session->id());
  head.body = std::move(first);
  hand_to_session(head, s.hub, session, stream, "GET /mcp", after);
  return head;
}

http::Response delete_mcp(const Services& s, const http::Request& req) {
  const auto version = req.header("mcp-protocol-version");
  if (version && *version == kStateless) {
    http::Response r = rpc_error(405, rpc::kInvalidRequest,
                                 std::string("Method Not Allowed: protocol version ") + kStateless +
                                     " has no sessions to delete");
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
  router.add("POST", "/mcp", [s](const http::Request& req) { return post_mcp(s, req); });
  router.add("GET", "/mcp", [s](const http::Request& req) { return get_mcp(s, req); });
  router.add("DELETE", "/mcp", [s](const http::Request& req) { return delete_mcp(s, req); });
}

}  // namespace shopmcp::transport
