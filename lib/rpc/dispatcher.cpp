#include "rpc/dispatcher.h"

#include <exception>

#include "core/check.h"
#include "core/text.h"
#include "json/json.h"
#include "log/log.h"

namespace shopmcp::rpc {

void Dispatcher::add(std::string method, Handler handler) {
  MCP_CHECK(methods_.find(method) == methods_.end());
  methods_.emplace(std::move(method), std::move(handler));
}

bool Dispatcher::has(std::string_view method) const {
  return methods_.find(method) != methods_.end();
}

rapidjson::Document error_response(const rapidjson::Value& id, int code, std::string_view message) {
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  d.AddMember("jsonrpc", "2.0", a);
  d.AddMember("id", rapidjson::Value(id, a), a);
  rapidjson::Value err(rapidjson::kObjectType);
  err.AddMember("code", code, a);
  err.AddMember("message", json::str(message, a), a);
  d.AddMember("error", err, a);
  return d;
}

rapidjson::Document result_response(const rapidjson::Value& id, rapidjson::Document result) {
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  d.AddMember("jsonrpc", "2.0", a);
  d.AddMember("id", rapidjson::Value(id, a), a);
  d.AddMember("result", rapidjson::Value(result, a), a);
  return d;
}

std::optional<rapidjson::Document> envelope_error(const rapidjson::Value& msg) {
  static const rapidjson::Value kNullId;
  if (!msg.IsObject()) {
    return error_response(
        kNullId, kInvalidRequest,
        std::string("Invalid Request: a JSON-RPC message must be an object, not ") +
            json::type_name(msg));
  }
  auto id_it = msg.FindMember("id");
  const bool is_notification = id_it == msg.MemberEnd();
  const rapidjson::Value& id = is_notification ? kNullId : id_it->value;
  if (!is_notification && !id.IsString() && !id.IsInt64() && !id.IsUint64()) {
    return error_response(kNullId, kInvalidRequest,
                          "Invalid Request: \"id\" must be a string or an integer");
  }
  auto v = msg.FindMember("jsonrpc");
  if (v == msg.MemberEnd() || !v->value.IsString() ||
      std::string_view(v->value.GetString()) != "2.0") {
    return error_response(id, kInvalidRequest, "Invalid Request: \"jsonrpc\" must be \"2.0\"");
  }
  auto m = msg.FindMember("method");
  if (m == msg.MemberEnd()) {
    // A response to a server-to-client request is well-formed; anything else needs a method.
    if (!is_notification && (msg.HasMember("result") || msg.HasMember("error")))
      return std::nullopt;
    return error_response(id, kInvalidRequest, "Invalid Request: \"method\" is missing");
  }
  if (!m->value.IsString()) {
    return error_response(id, kInvalidRequest, "Invalid Request: \"method\" must be a string");
  }
  if (auto p = msg.FindMember("params");
      p != msg.MemberEnd() && !p->value.IsObject() && !p->value.IsArray()) {
    return error_response(id, kInvalidRequest,
                          "Invalid Request: \"params\" must be an object or an array");
  }
  return std::nullopt;
}

std::optional<rapidjson::Document> Dispatcher::handle(const rapidjson::Value& msg,
                                                      CallContext& ctx) const {
  static const rapidjson::Value kNullId;
  if (auto bad = envelope_error(msg)) return bad;
  auto m = msg.FindMember("method");
  if (m == msg.MemberEnd()) return std::nullopt;  // a response: nothing is owed back
  auto id_it = msg.FindMember("id");
  const bool is_notification = id_it == msg.MemberEnd();
  const rapidjson::Value& id = is_notification ? kNullId : id_it->value;
  const std::string_view method(m->value.GetString(), m->value.GetStringLength());
  static const rapidjson::Value kEmptyParams(rapidjson::kObjectType);
  const rapidjson::Value* params = &kEmptyParams;
  if (auto p = msg.FindMember("params"); p != msg.MemberEnd()) params = &p->value;
  auto h = methods_.find(method);
  if (h == methods_.end()) {
    if (is_notification) return std::nullopt;  // unknown notifications are ignored
    return error_response(id, kMethodNotFound, "Method not found: " + core::utf8_clip(method, 100));
  }
  Outcome out = Outcome::failure(kInternalError, "Internal error");
  try {
    out = h->second(*params, ctx);
  } catch (const std::exception& e) {
    spdlog::error("rpc method failed: request={} method={} error={}", ctx.request_id, method,
                  e.what());
  }
  if (is_notification) return std::nullopt;
  if (!out.ok()) return error_response(id, out.code(), out.message());
  return result_response(id, std::move(out.result()));
}

std::optional<rapidjson::Document> Dispatcher::handle_text(std::string_view body, CallContext& ctx,
                                                           std::size_t max_depth) const {
  static const rapidjson::Value kNullId;
  auto doc = json::parse(body, json::kMaxBytes, max_depth);
  if (!doc) return error_response(kNullId, kParseError, "Parse error: " + doc.error().message);
  if (doc->IsArray()) {
    return error_response(kNullId, kInvalidRequest,
                          "Invalid Request: JSON-RPC batches are not supported; send one message");
  }
  return handle(*doc, ctx);
}

rapidjson::Document notification(std::string_view method, rapidjson::Document params) {
  rapidjson::Document msg(rapidjson::kObjectType);
  auto& a = msg.GetAllocator();
  msg.AddMember("jsonrpc", "2.0", a);
  msg.AddMember("method", json::str(method, a), a);
  msg.AddMember("params", rapidjson::Value(params, a), a);
  return msg;
}

}  // namespace shopmcp::rpc
