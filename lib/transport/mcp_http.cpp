#include "transport/mcp_http.h"

#include "core/ids.h"
#include "http/router.h"
#include "json/json.h"
#include "log/log.h"
#include "mcp/server.h"
#include "rpc/errors.h"
#include "sse/frame.h"

namespace shopmcp::transport {
namespace {

class McpStreamFormat final : public sse::Format {
 public:
  std::string ping(const sse::StreamView&) const override { return sse::comment("keepalive"); }
  std::string timeout(const sse::StreamView&) const override { return {}; }
  std::string close(const sse::StreamView&, sse::CloseReason) const override { return {}; }
};

}  // namespace

Accepts parse_accept(const std::optional<std::string>& accept) {
  if (!accept || accept->find_first_not_of(" \t") == std::string::npos) return {true, true};
  Accepts a;
  std::size_t start = 0;
  while (start <= accept->size()) {
    const std::size_t comma = accept->find(',', start);
    std::string item = accept->substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    item = item.substr(0, item.find(';'));
    const auto b = item.find_first_not_of(" \t");
    const auto e = item.find_last_not_of(" \t");
    item = b == std::string::npos ? "" : item.substr(b, e - b + 1);
    for (auto& c : item) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (item == "*/*") a.json = a.sse = true;
    if (item == "application/json" || item == "application/*") a.json = true;
    if (item == "text/event-stream" || item == "text/*") a.sse = true;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return a;
}

http::Response rpc_error(int status, int code, std::string_view message, const rapidjson::Value* id,
                         const rapidjson::Value* data) {
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  d.AddMember("jsonrpc", "2.0", a);
  d.AddMember("id", id ? rapidjson::Value(*id, a) : rapidjson::Value(), a);
  rapidjson::Value e(rapidjson::kObjectType);
  e.AddMember("code", code, a);
  e.AddMember("message", json::str(message, a), a);
  if (data) e.AddMember("data", rapidjson::Value(*data, a), a);
  d.AddMember("error", e, a);
  return http::json_response(status, d);
}

http::Response unsupported_version(const std::string& requested) {
  rapidjson::Document data(rapidjson::kObjectType);
  auto& a = data.GetAllocator();
  data.AddMember("supported", mcp::supported_versions(a), a);
  data.AddMember("requested", json::str(requested.substr(0, 100), a), a);
  return rpc_error(400, rpc::kUnsupportedVersion,
                   "Bad Request: unsupported MCP-Protocol-Version '" + requested.substr(0, 100) +
                       "'; supported: " + mcp::supported_versions_text(),
                   nullptr, &data);
}

http::Response sse_head(const std::string& session_id) {
  http::Response r;
  r.set_header("Content-Type", "text/event-stream");
  r.set_header("Cache-Control", "no-cache, no-store");
  r.set_header("X-Accel-Buffering", "no");
  if (!session_id.empty()) r.set_header("Mcp-Session-Id", session_id);
  return r;
}

std::shared_ptr<const sse::Format> mcp_stream_format() {
  static const auto kFormat = std::make_shared<const McpStreamFormat>();
  return kFormat;
}

std::string new_connection_id() { return "mcp_" + core::random_hex(12); }

void hand_to_hub(http::Response& head, sse::StreamHub* hub, const std::string& conn,
                 const char* route, std::function<void(sse::CloseReason)> on_close,
                 std::function<void()> adopted) {
  sse::StreamInit init;
  init.connection_id = conn;
  init.route = route;
  init.format = mcp_stream_format();
  init.frames = head.body.empty() ? 0 : 1;
  init.bytes = static_cast<std::int64_t>(head.body.size());
  init.on_close = std::move(on_close);
  head.take_over = [hub, init = std::move(init),
                    adopted = std::move(adopted)](std::unique_ptr<sse::Sink> sink) mutable {
    hub->adopt(std::move(sink), std::move(init));
    if (adopted) adopted();
  };
}

void hand_to_session(http::Response& head, sse::StreamHub* hub, std::shared_ptr<Session> session,
                     std::uint64_t stream, const char* route, std::uint64_t after_seq,
                     std::function<void(sse::CloseReason)> on_close) {
  const std::string conn = new_connection_id();
  if (!on_close) {
    std::weak_ptr<Session> weak = session;
    on_close = [weak, stream, conn](sse::CloseReason) {
      if (auto s = weak.lock()) s->detach(stream, conn);
    };
  }
  hand_to_hub(head, hub, conn, route, std::move(on_close),
              [session = std::move(session), stream, conn, after_seq] {
                session->attach(stream, conn, after_seq);
              });
}

rapidjson::Document notification(std::string_view method, rapidjson::Document params) {
  rapidjson::Document msg(rapidjson::kObjectType);
  auto& a = msg.GetAllocator();
  msg.AddMember("jsonrpc", "2.0", a);
  msg.AddMember("method", json::str(method, a), a);
  msg.AddMember("params", rapidjson::Value(params, a), a);
  return msg;
}

std::optional<rapidjson::Document> take_message(const rpc::Dispatcher& dispatcher,
                                                Session& session, const rapidjson::Value& msg,
                                                rpc::CallContext& ctx) {
  const MessageKind kind = classify(msg);
  if (kind == MessageKind::kResponse) {
    if (!session.deliver(msg)) {
      spdlog::info("MCP response for no waiting request {{\"session_id\":\"{}\",\"id\":{}}}",
                   session.id(), id_text(msg["id"]).substr(0, 100));
    }
    return std::nullopt;
  }
  if (kind == MessageKind::kNotification && msg["method"].IsString() &&
      std::string_view(msg["method"].GetString()) == "notifications/cancelled") {
    if (auto p = msg.FindMember("params"); p != msg.MemberEnd() && p->value.IsObject()) {
      if (auto r = p->value.FindMember("requestId"); r != p->value.MemberEnd()) {
        session.cancel(id_text(r->value));
      }
    }
  }
  return dispatcher.handle(msg, ctx);
}

RunningCall::RunningCall(Session& session, const rapidjson::Value& id)
    : session_(session), id_(id_text(id)), cancelled_(session.begin_call(id_)) {}

RunningCall::~RunningCall() { session_.end_call(id_); }

MessageKind classify(const rapidjson::Value& msg) {
  if (!msg.IsObject()) return MessageKind::kOther;
  const bool has_id = msg.HasMember("id");
  if (msg.HasMember("method")) return has_id ? MessageKind::kRequest : MessageKind::kNotification;
  if (has_id && (msg.HasMember("result") || msg.HasMember("error"))) return MessageKind::kResponse;
  return MessageKind::kOther;
}

std::string id_text(const rapidjson::Value& id) { return json::to_string(id); }

int status_for(const rapidjson::Value& reply) {
  if (!reply.IsObject()) return 200;
  auto e = reply.FindMember("error");
  if (e == reply.MemberEnd() || !e->value.IsObject()) return 200;
  auto c = e->value.FindMember("code");
  if (c == e->value.MemberEnd() || !c->value.IsInt()) return 200;
  const int code = c->value.GetInt();
  return (code == rpc::kParseError || code == rpc::kInvalidRequest) ? 400 : 200;
}

}  // namespace shopmcp::transport
