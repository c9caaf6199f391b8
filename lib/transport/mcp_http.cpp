#include "transport/mcp_http.h"

#include "core/ids.h"
#include "http/router.h"
#include "json/json.h"
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
  rapidjson::Value supported(rapidjson::kArrayType);
  supported.PushBack(rapidjson::StringRef(mcp::kStatelessProtocolVersion), a);
  for (const char* v : mcp::kProtocolVersions) supported.PushBack(rapidjson::StringRef(v), a);
  data.AddMember("supported", supported, a);
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

void hand_to_session(http::Response& head, sse::StreamHub* hub, std::shared_ptr<Session> session,
                     std::uint64_t stream, const char* route, std::uint64_t after_seq,
                     std::function<void(sse::CloseReason)> on_close) {
  const std::string conn = "mcp_" + core::random_hex(12);
  sse::StreamInit init;
  init.connection_id = conn;
  init.route = route;
  init.format = mcp_stream_format();
  init.frames = 1;
  init.bytes = static_cast<std::int64_t>(head.body.size());
  if (on_close) {
    init.on_close = std::move(on_close);
  } else {
    std::weak_ptr<Session> weak = session;
    init.on_close = [weak, stream, conn](sse::CloseReason) {
      if (auto s = weak.lock()) s->detach(stream, conn);
    };
  }
  head.take_over = [hub, init = std::move(init), session = std::move(session), stream, conn,
                    after_seq](std::unique_ptr<sse::Sink> sink) mutable {
    hub->adopt(std::move(sink), std::move(init));
    session->attach(stream, conn, after_seq);
  };
}

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
