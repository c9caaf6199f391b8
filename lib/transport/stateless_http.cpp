#include "transport/stateless_http.h"

#include "core/text.h"
#include "json/json.h"
#include "mcp/result_2026.h"
#include "rpc/errors.h"
#include "sse/frame.h"
#include "transport/stream_start.h"

namespace shopmcp::transport {
namespace {

using rapidjson::Document;
using rapidjson::Value;

constexpr const char* kStateless = mcp::kStatelessProtocolVersion;

// The rpc::Peer of one 2026-07-28 request: no session; its SSE answer (opened at the first
// notification) is the only way back, and closing it cancels the call.
class StatelessPeer final : public rpc::Peer {
 public:
  StatelessPeer(const Services& s, http::Exchange& ex, bool sse_ok)
      : s_(s), ex_(ex), sse_ok_(sse_ok), cancelled_(std::make_shared<std::atomic<bool>>(false)) {}

  bool notify(std::string_view method, Document params) override {
    if (cancelled() || !open()) return false;
    return s_.hub->enqueue(
        conn_, sse::event("", json::to_string(rpc::notification(method, std::move(params)))));
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
    if (!sse_ok_ || tried_) return false;
    tried_ = true;
    sse::StreamSlot slot = s_.hub->reserve();
    if (!slot) return false;
    conn_ = new_connection_id();
    ex_.start_stream(hub_stream(sse_head(""), std::move(slot), conn_, "POST /mcp",
                                [flag = cancelled_](sse::CloseReason reason) {
                                  if (reason != sse::CloseReason::kCompleted) flag->store(true);
                                }));
    return true;
  }

  const Services& s_;
  http::Exchange& ex_;
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
  return core::base64_decode(
      std::string_view(v).substr(pre.size(), v.size() - pre.size() - post.size()));
}

std::optional<http::Response> check_stateless_headers(const http::Request& req, const Value& msg) {
  auto mismatch = [&](const std::string& m) {
    const Value* id = msg.HasMember("id") ? &msg["id"] : nullptr;
    return http::error_response(kRpc, 400, rpc::kHeaderMismatch, "Header mismatch: " + m, id);
  };
  const auto m = msg.FindMember("method");
  const std::string method = m->value.GetString();
  auto header_method = req.header("mcp-method");
  if (!header_method) return mismatch("the Mcp-Method header is required");
  if (*header_method != method) {
    return mismatch("Mcp-Method header value '" + core::utf8_clip(*header_method, 100) +
                    "' does not match body value '" + core::utf8_clip(method, 100) + "'");
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
      return mismatch("Mcp-Name header value '" + core::utf8_clip(*decoded, 100) +
                      "' does not match body value '" + core::utf8_clip(body_name, 100) + "'");
    }
  }
  if (params) {
    if (auto meta = params->FindMember("_meta");
        meta != params->MemberEnd() && meta->value.IsObject()) {
      auto v = meta->value.FindMember("io.modelcontextprotocol/protocolVersion");
      if (v != meta->value.MemberEnd() &&
          !(v->value.IsString() && std::string_view(v->value.GetString()) == kStateless)) {
        return mismatch("MCP-Protocol-Version header does not match _meta's protocolVersion");
      }
    }
  }
  return std::nullopt;
}

}  // namespace

void post_stateless(const Services& s, const http::Request& req, const Document& msg,
                    const Accepts& acc, http::Exchange& ex) {
  if (msg.IsArray()) {
    return ex.respond(
        http::error_response(kRpc, 400, rpc::kInvalidRequest,
                             std::string("Invalid Request: JSON-RPC batches are not supported "
                                         "by protocol version ") +
                                 kStateless));
  }
  const MessageKind kind = classify(msg);
  if (kind == MessageKind::kResponse) {
    return ex.respond(http::error_response(kRpc, 400, rpc::kInvalidRequest,
                                           std::string("Invalid Request: protocol version ") +
                                               kStateless +
                                               " has no server-to-client requests to answer"));
  }
  rpc::CallContext ctx;
  ctx.request_id = req.id;
  if (kind == MessageKind::kOther || rpc::envelope_error(msg)) {
    auto reply = s.dispatcher->handle(msg, ctx);  // names what is wrong with the envelope
    return ex.respond(reply ? json_answer(*reply, "") : accepted());
  }
  if (auto bad = check_stateless_headers(req, msg)) return ex.respond(std::move(*bad));
  const std::string method = msg["method"].GetString();
  if (!s.dispatcher->has(method) || method == "initialize") {
    if (kind == MessageKind::kNotification) return ex.respond(accepted());
    return ex.respond(http::error_response(kRpc, 404, rpc::kMethodNotFound,
                                           "Method not found: " + core::utf8_clip(method, 100),
                                           &msg["id"]));
  }
  if (kind == MessageKind::kNotification) {
    auto reply = s.dispatcher->handle(msg, ctx);
    return ex.respond(reply ? json_answer(*reply, "") : accepted());
  }
  StatelessPeer peer(s, ex, acc.sse);
  ctx.peer = &peer;
  auto reply = s.dispatcher->handle(msg, ctx);
  if (reply && reply->HasMember("result")) {
    auto& a = reply->GetAllocator();
    mcp::complete_2026_result(method, (*reply)["result"], s.server->implementation(a), a);
  }
  if (peer.finish(reply)) return;  // answered on the stream
  ex.respond(reply ? json_answer(*reply, "") : accepted());
}

}  // namespace shopmcp::transport
