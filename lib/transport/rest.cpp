#include "transport/rest.h"

#include "http/errors.h"
#include "json/json.h"

namespace shopmcp::transport {
namespace {

using rapidjson::Document;
using rapidjson::Value;

constexpr http::ErrorShape kShape = http::ErrorShape::kPlain;

// Every route the server answers (the README's endpoint table), for /mcp/info and /mcp/stdio.
constexpr std::pair<const char*, const char*> kEndpoints[] = {
    {"jsonrpc", "POST /mcp"},
    {"streamable_http_stream", "GET /mcp"},
    {"streamable_http_delete", "DELETE /mcp"},
    {"legacy_sse", "GET /mcp/sse"},
    {"legacy_messages", "POST /mcp/messages"},
    {"initialize", "POST /mcp/initialize"},
    {"tools", "GET /mcp/tools"},
    {"tools_call", "POST /mcp/tools/call"},
    {"ping", "GET /mcp/ping"},
    {"info", "GET /mcp/info"},
    {"stdio", "GET /mcp/stdio"},
    {"health", "GET /mcp/health"},
    {"sse", "POST /mcp/sse"},
    {"metrics", "GET /mcp/metrics"},
    {"stats", "GET /mcp/stats"},
};

Value endpoints(Document::AllocatorType& a) {
  Value e(rapidjson::kObjectType);
  for (const auto& [name, route] : kEndpoints) {
    e.AddMember(rapidjson::StringRef(name), rapidjson::StringRef(route), a);
  }
  return e;
}

http::Response initialize(const Services& s, const http::Request& req) {
  auto body = http::json_object_body(req, /*empty_ok=*/true, s.limits.max_json_depth);
  if (body.response) return *body.response;
  // Either the initialize params themselves or a whole JSON-RPC initialize request.
  const Value* params = &*body.body;
  if (auto p = body.body->FindMember("params");
      p != body.body->MemberEnd() && p->value.IsObject()) {
    params = &p->value;
  }
  return http::json_response(200, s.server->initialize_result(params));
}

http::Response tools_call(const Services& s, const http::Request& req) {
  auto body = http::json_object_body(req, /*empty_ok=*/false, s.limits.max_json_depth);
  if (body.response) return *body.response;
  auto call = mcp::read_tool_call(*body.body);
  if (!call) return http::error_response(kShape, 400, -32602, call.error().message);
  mcp::NullToolContext ctx;
  auto result = s.server->call_tool(*call, ctx, req.id);
  if (!result) return http::error_response(kShape, 404, -32602, result.error().message);
  return http::json_response(200, mcp::to_call_result(std::move(result).value()));
}

http::Response info(const Services& s) {
  Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  const mcp::ServerInfo& i = s.server->info();
  d.AddMember("name", json::str(i.name, a), a);
  d.AddMember("version", json::str(i.version, a), a);
  d.AddMember("description", json::str(i.description, a), a);
  Value tools(rapidjson::kArrayType);
  Value listed = s.server->tools().list(a);
  for (auto& t : listed.GetArray()) {
    Value o(rapidjson::kObjectType);
    o.AddMember("name", t["name"], a);
    o.AddMember("description", t["description"], a);
    tools.PushBack(o, a);
  }
  d.AddMember("tools", tools, a);
  d.AddMember("endpoints", endpoints(a), a);
  return http::json_response(200, d);
}

http::Response stdio(const Services& s) {
  Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  d.AddMember("protocol", "mcp", a);
  d.AddMember("version", rapidjson::StringRef(mcp::kLatestProtocolVersion), a);
  Value versions(rapidjson::kArrayType);
  for (const char* v : mcp::kProtocolVersions) versions.PushBack(rapidjson::StringRef(v), a);
  d.AddMember("protocolVersions", versions, a);
  d.AddMember("capabilities", Value(s.server->capabilities(), a), a);
  Value si(rapidjson::kObjectType);
  si.AddMember("name", json::str(s.server->info().name, a), a);
  si.AddMember("version", json::str(s.server->info().version, a), a);
  d.AddMember("serverInfo", si, a);
  d.AddMember("endpoints", endpoints(a), a);
  return http::json_response(200, d);
}

}  // namespace

void add_rest_routes(http::Router& router, const Services& s) {
  // Every REST answer is plain data.
  auto plain = [&router](const char* method, const char* path,
                         std::function<http::Response(const http::Request&)> answer) {
    router.add(method, path,
               [answer = std::move(answer)](const http::Request& req, http::Exchange& ex) {
                 ex.respond(answer(req));
               });
  };
  plain("POST", "/mcp/initialize", [s](const http::Request& r) { return initialize(s, r); });
  plain("GET", "/mcp/tools",
        [s](const http::Request&) { return http::json_response(200, s.server->tools_list()); });
  plain("POST", "/mcp/tools/call", [s](const http::Request& r) { return tools_call(s, r); });
  plain("GET", "/mcp/ping", [s](const http::Request&) {
    Document d(rapidjson::kObjectType);
    d.AddMember("status", "ok", d.GetAllocator());
    d.AddMember("timestamp", s.clock->unix_seconds(), d.GetAllocator());
    return http::json_response(200, d);
  });
  plain("GET", "/mcp/info", [s](const http::Request&) { return info(s); });
  plain("GET", "/mcp/stdio", [s](const http::Request&) { return stdio(s); });
}

}  // namespace shopmcp::transport
