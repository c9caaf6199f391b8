#include "transport/jsonrpc_http.h"

#include "core/text.h"
#include "http/router.h"
#include "json/json.h"
#include "log/log.h"
#include "mcp/server.h"
#include "rpc/errors.h"

namespace shopmcp::transport {

namespace {

// Calls `f` with each media range of an Accept header, lower-cased, without parameters.
template <typename F>
void for_each_media_range(const std::string& accept, F f) {
  std::size_t start = 0;
  while (start <= accept.size()) {
    const std::size_t comma = accept.find(',', start);
    std::string item =
        accept.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    item = item.substr(0, item.find(';'));
    const auto b = item.find_first_not_of(" \t");
    const auto e = item.find_last_not_of(" \t");
    f(core::ascii_lower(b == std::string::npos ? "" : item.substr(b, e - b + 1)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
}

}  // namespace

Accepts parse_accept(const std::optional<std::string>& accept) {
  if (!accept || accept->find_first_not_of(" \t") == std::string::npos) return {true, true};
  Accepts a;
  for_each_media_range(*accept, [&a](const std::string& item) {
    if (item == "*/*") a.json = a.sse = true;
    if (item == "application/json" || item == "application/*") a.json = true;
    if (item == "text/event-stream" || item == "text/*") a.sse = true;
  });
  return a;
}

bool names_media_type(const std::optional<std::string>& accept, std::string_view type) {
  bool named = false;
  if (accept)
    for_each_media_range(*accept, [&](const std::string& item) { named |= item == type; });
  return named;
}

http::Response json_answer(const rapidjson::Value& reply, const std::string& session_id) {
  http::Response r = http::json_response(status_for(reply), reply);
  if (!session_id.empty()) r.set_header("Mcp-Session-Id", session_id);
  return r;
}

http::Response accepted() {
  http::Response r;
  r.status = 202;
  return r;
}

http::Response unsupported_version(const std::string& requested) {
  rapidjson::Document data(rapidjson::kObjectType);
  auto& a = data.GetAllocator();
  data.AddMember("supported", mcp::supported_versions(a), a);
  data.AddMember("requested", json::str(core::utf8_clip(requested, 100), a), a);
  return http::error_response(kRpc, 400, rpc::kUnsupportedVersion,
                              "Bad Request: unsupported MCP-Protocol-Version '" +
                                  core::utf8_clip(requested, 100) +
                                  "'; supported: " + mcp::supported_versions_text(),
                              nullptr, &data);
}

std::optional<rapidjson::Document> take_message(const rpc::Dispatcher& dispatcher,
                                                session::Session& session,
                                                const rapidjson::Value& msg,
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

RunningCall::RunningCall(session::Session& session, const rapidjson::Value& id)
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
