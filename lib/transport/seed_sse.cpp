// POST /mcp/sse, the seed's route: one JSON-RPC request (or none) answered as an SSE frame, then
// keepalive pings until the client leaves or the lifetime ends; close last. Frames as the system we
// replace sent them (welcome, response, error, ping, timeout, close). A Streamable HTTP client
// that was given this URL is served Streamable HTTP instead (speaks_streamable_http).
#include "transport/seed_sse.h"

#include "core/clock.h"
#include "core/ids.h"
#include "http/errors.h"
#include "json/json.h"
#include "log/log.h"
#include "sse/frame.h"
#include "transport/streamable_http.h"

namespace shopmcp::transport {
namespace {

using rapidjson::Document;
using rapidjson::Value;

std::string data_event(const char* name, const Value& data, std::string_view id = {}) {
  return sse::event(name, json::to_string(data), id);
}

class SeedFormat final : public sse::Format {
 public:
  std::string ping(const sse::StreamView& s) const override {
    Document d(rapidjson::kObjectType);
    auto& a = d.GetAllocator();
    Value inner(rapidjson::kObjectType);
    inner.AddMember("timestamp", s.now_unix, a);
    inner.AddMember("ping_count", s.pings, a);
    inner.AddMember("connection_id", json::str(s.connection_id, a), a);
    inner.AddMember("uptime", s.uptime_seconds, a);
    inner.AddMember("server_time", json::str(core::format_utc(s.now_unix), a), a);
    inner.AddMember("memory_usage", s.memory_usage, a);
    inner.AddMember("memory_peak", s.memory_peak, a);
    d.AddMember("event", "ping", a);
    d.AddMember("data", inner, a);
    return data_event("ping", d);
  }
  std::string timeout(const sse::StreamView& s) const override {
    Document d(rapidjson::kObjectType);
    auto& a = d.GetAllocator();
    d.AddMember("reason", "max_connection_time", a);
    d.AddMember("connection_id", json::str(s.connection_id, a), a);
    d.AddMember("uptime", s.uptime_seconds, a);
    d.AddMember("timestamp", s.now_unix, a);
    return data_event("timeout", d);
  }
  std::string close(const sse::StreamView& s, sse::CloseReason reason) const override {
    Document d(rapidjson::kObjectType);
    auto& a = d.GetAllocator();
    d.AddMember("reason", rapidjson::StringRef(sse::to_string(reason)), a);
    d.AddMember("connection_id", json::str(s.connection_id, a), a);
    d.AddMember("timestamp", s.now_unix, a);
    return data_event("close", d);
  }
};

// The first frame: welcome for an empty body, else the answer to the one request in it.
std::string first_frame(const Services& s, const http::Request& req, const std::string& conn_id) {
  if (req.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    Document d(rapidjson::kObjectType);
    auto& a = d.GetAllocator();
    Value result(rapidjson::kObjectType);
    result.AddMember("status", "connected", a);
    result.AddMember("connection_id", json::str(conn_id, a), a);
    result.AddMember("server", json::str(s.server->info().name, a), a);
    result.AddMember("version", json::str(s.server->info().version, a), a);
    d.AddMember("jsonrpc", "2.0", a);
    d.AddMember("result", result, a);
    d.AddMember("id", "welcome", a);
    return data_event("welcome", d);
  }
  rpc::CallContext ctx;
  ctx.request_id = req.id;
  auto reply = s.dispatcher->handle_text(req.body, ctx, s.limits.max_json_depth);
  if (!reply) return {};  // a notification: nothing to answer, pings follow
  std::string id;
  if (auto it = reply->FindMember("id"); it != reply->MemberEnd()) {
    if (it->value.IsString()) id = it->value.GetString();
    if (it->value.IsNumber()) id = json::to_string(it->value);
  }
  return data_event(reply->HasMember("error") ? "error" : "response", *reply, id);
}

}  // namespace

void add_seed_sse_route(http::Router& router, const Services& s) {
  auto format = std::make_shared<const SeedFormat>();
  router.add("POST", "/mcp/sse", [s, format](const http::Request& req, http::Exchange& ex) {
    if (speaks_streamable_http(req)) return serve_streamable_post(s, req, ex);
    sse::StreamSlot slot = s.hub->reserve();
    if (!slot) {
      spdlog::warn("SSE connection refused: open-stream cap reached {{\"client_ip\":\"{}\"}}",
                   req.remote_addr);
      return ex.respond(http::refuse(http::ErrorShape::kPlain, http::Refusal::kStreamCap));
    }
    const std::string conn_id = "mcp_sse_" + core::random_hex(12);
    spdlog::info(
        "SSE Connection establishing "
        "{{\"connection_id\":\"{}\",\"client_ip\":\"{}\",\"user_agent\":\"{}\"}}",
        conn_id, req.remote_addr, req.header("user-agent").value_or("").substr(0, 200));
    http::StreamStart start;
    start.head.set_header("Content-Type", "text/event-stream; charset=utf-8");
    start.head.set_header("Cache-Control", "no-cache, no-store, must-revalidate");
    start.head.set_header("X-Accel-Buffering", "no");
    start.head.set_header("Access-Control-Allow-Origin", "*");
    start.head.set_header("Access-Control-Allow-Methods", "POST, GET, OPTIONS");
    start.head.set_header("Access-Control-Allow-Headers",
                          "Content-Type, Accept, Authorization, Cache-Control, Last-Event-ID");
    start.head.body = first_frame(s, req, conn_id);  // a throw gives the slot back
    start.slot = std::move(slot);
    start.init.connection_id = conn_id;
    start.init.route = "POST /mcp/sse";
    start.init.format = format;
    ex.start_stream(std::move(start));
  });
}

}  // namespace shopmcp::transport
