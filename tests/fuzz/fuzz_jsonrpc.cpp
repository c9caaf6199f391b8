// fuzz_jsonrpc: one JSON-RPC message (the input is the HTTP body) through rpc::Dispatcher and
// mcp::Server with the shop's tools, resources and prompts over an in-memory store: first as the
// dispatcher reads a body (Dispatcher::handle_text, no session), then through the Streamable HTTP
// door inside a session of protocol version 2025-03-26 (which takes batches), then through the
// stateless 2026-07-28 door with the Mcp-Method/Mcp-Name headers a client would send. Properties:
// a body that is not JSON gets -32700 and a batch on handle_text -32600, both with a null id; a
// valid notification gets no answer; every answer is a JSON-RPC 2.0 response (one of result or
// error, an integer code from the specification's ranges, a message) that echoes the request's
// id, serialises as valid UTF-8 and parses back; a batch is answered by a list whose ids are
// those of its requests; every HTTP answer is well formed (fuzz_support.h, check_response).
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "core/text.h"
#include "fuzz_stack.h"
#include "fuzz_support.h"
#include "json/json.h"
#include "mcp/versions.h"
#include "session/session_table.h"

namespace {

namespace core = shopmcp::core;
namespace json = shopmcp::json;
namespace http = shopmcp::http;
using shopmcp::fuzz::printable;

shopmcp::fuzz::Stack& stack() {
  static auto* s = new shopmcp::fuzz::Stack(shopmcp::fuzz::StackOptions{});
  return *s;
}

bool valid_id(const rapidjson::Value& id) { return id.IsString() || id.IsInt64() || id.IsUint64(); }

// One JSON-RPC response: {"jsonrpc":"2.0","id":...} and exactly one of result (an object) or
// error ({code, message, data?}).
void check_reply(const rapidjson::Value& reply, const std::string& where) {
  MCP_FUZZ_CHECK_MSG(reply.IsObject(), where);
  MCP_FUZZ_CHECK_MSG(reply.HasMember("jsonrpc") && reply["jsonrpc"] == "2.0", where);
  MCP_FUZZ_CHECK_MSG(reply.HasMember("id") && (reply["id"].IsNull() || valid_id(reply["id"])),
                     where);
  const bool result = reply.HasMember("result"), error = reply.HasMember("error");
  MCP_FUZZ_CHECK_MSG(result != error, where);
  if (result) {
    MCP_FUZZ_CHECK_MSG(reply["result"].IsObject(), where);
    return;
  }
  const auto& e = reply["error"];
  MCP_FUZZ_CHECK_MSG(e.IsObject() && e.HasMember("code") && e["code"].IsInt(), where);
  const int code = e["code"].GetInt();
  MCP_FUZZ_CHECK_MSG(
      code == -32700 || (code >= -32603 && code <= -32600) || (code >= -32099 && code <= -32000),
      where);
  MCP_FUZZ_CHECK_MSG(
      e.HasMember("message") && e["message"].IsString() && e["message"].GetStringLength() > 0,
      where);
}

// Is `msg` a notification the dispatcher must take silently?
bool valid_notification(const rapidjson::Value& msg) {
  if (!msg.IsObject() || msg.HasMember("id")) return false;
  if (!msg.HasMember("jsonrpc") || msg["jsonrpc"] != "2.0") return false;
  if (!msg.HasMember("method") || !msg["method"].IsString()) return false;
  if (auto p = msg.FindMember("params");
      p != msg.MemberEnd() && !p->value.IsObject() && !p->value.IsArray()) {
    return false;
  }
  return true;
}

void check_handle_text(const std::string& body, const core::Result<rapidjson::Document>& doc) {
  auto& s = stack();
  shopmcp::rpc::CallContext ctx;
  ctx.request_id = "fuzz";
  const auto reply = s.dispatcher.handle_text(body, ctx);
  const std::string text = reply ? json::to_string(*reply) : "(none)";
  const std::string where = "body " + printable(body) + "\n  reply " + printable(text);
  if (reply) {
    MCP_FUZZ_CHECK_MSG(core::is_valid_utf8(text) && json::parse(text).has_value(), where);
    check_reply(*reply, where);
  }
  if (!doc || doc->IsArray()) {
    MCP_FUZZ_CHECK_MSG(reply && (*reply)["id"].IsNull() &&
                           (*reply)["error"]["code"].GetInt() == (doc ? -32600 : -32700),
                       where);
    return;
  }
  if (valid_notification(*doc)) MCP_FUZZ_CHECK_MSG(!reply, where);
  if (doc->IsObject() && doc->HasMember("id") && valid_id((*doc)["id"]) && reply) {
    MCP_FUZZ_CHECK_MSG((*reply)["id"] == (*doc)["id"], where);
  }
  if (doc->IsObject() && doc->HasMember("id") && valid_id((*doc)["id"]) &&
      doc->HasMember("method")) {
    MCP_FUZZ_CHECK_MSG(reply.has_value(), where);  // a request is always answered
  }
}

// The answer of an HTTP door: a well-formed response whose JSON body holds JSON-RPC responses
// with the request's ids.
void check_door(const shopmcp::fuzz::FuzzExchange& ex, const core::Result<rapidjson::Document>& doc,
                const std::string& body) {
  MCP_FUZZ_CHECK(ex.answered() && ex.sends == 1 && !ex.head);
  const http::Response& r = ex.response;
  shopmcp::fuzz::check_response(r);
  const std::string where = "body " + printable(body) + "\n  answer " + std::to_string(r.status) +
                            " " + printable(r.body);
  if (r.status == 202) {
    MCP_FUZZ_CHECK_MSG(r.body.empty(), where);
    return;
  }
  auto answer = json::parse(r.body);
  MCP_FUZZ_CHECK_MSG(answer.has_value(), where);
  if (!answer->IsArray()) {
    check_reply(*answer, where);
    return;
  }
  std::set<std::string> ids;
  MCP_FUZZ_CHECK_MSG(doc && doc->IsArray(), where);
  for (const auto& m : doc->GetArray()) {
    if (m.IsObject() && m.HasMember("id")) ids.insert(json::to_string(m["id"]));
  }
  for (const auto& reply : answer->GetArray()) {
    check_reply(reply, where);
    if (!reply["id"].IsNull())
      MCP_FUZZ_CHECK_MSG(ids.count(json::to_string(reply["id"])) > 0, where);
  }
}

void check_streamable(const std::string& body, const core::Result<rapidjson::Document>& doc) {
  auto& s = stack();
  auto session = s.sessions->create(shopmcp::session::SessionKind::kStreamable, "2025-03-26");
  MCP_FUZZ_CHECK(session.has_value());
  http::Request req = shopmcp::fuzz::mcp_post(body);
  req.headers["mcp-session-id"] = (*session)->id();
  req.headers["accept"] = "application/json";  // answers as JSON: no stream to read
  shopmcp::fuzz::FuzzExchange ex;
  s.router.route(req, ex);
  check_door(ex, doc, body);
}

// As a 2026-07-28 client sends it: its method and name in headers.
void check_stateless(const std::string& body, const core::Result<rapidjson::Document>& doc) {
  auto& s = stack();
  http::Request req = shopmcp::fuzz::mcp_post(body);
  req.headers["accept"] = "application/json";
  req.headers["mcp-protocol-version"] = shopmcp::mcp::kStatelessProtocolVersion;
  if (doc && doc->IsObject()) {
    const auto& msg = *doc;
    if (auto m = msg.FindMember("method"); m != msg.MemberEnd() && m->value.IsString()) {
      req.headers["mcp-method"] = std::string(m->value.GetString(), m->value.GetStringLength());
    }
    if (auto p = msg.FindMember("params"); p != msg.MemberEnd() && p->value.IsObject()) {
      for (const char* key : {"name", "uri"}) {
        auto n = p->value.FindMember(key);
        if (n == p->value.MemberEnd() || !n->value.IsString()) continue;
        const std::string v(n->value.GetString(), n->value.GetStringLength());
        const bool ascii = v.find_first_of("\r\n") == std::string::npos && core::is_valid_utf8(v);
        req.headers["mcp-name"] =
            ascii && body.size() % 2 == 0 ? v : "=?base64?" + core::base64_encode(v, 0) + "?=";
      }
    }
  }
  shopmcp::fuzz::FuzzExchange ex;
  s.router.route(req, ex);
  check_door(ex, doc, body);
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  shopmcp::fuzz::quiet_logging();
  stack();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  const std::string body(reinterpret_cast<const char*>(bytes), size);
  const auto doc = json::parse(body);
  check_handle_text(body, doc);
  check_streamable(body, doc);
  check_stateless(body, doc);
  stack().reset();
  return 0;
}
