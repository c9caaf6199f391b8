#include "json/json.h"
#include "transport/routes.h"

namespace shopmcp::transport {

void add_jsonrpc_route(http::Router& router, const Services& s) {
  router.add("POST", "/mcp", [s](const http::Request& req) {
    if (!http::is_json_content_type(req.content_type)) {
      static const rapidjson::Value kNullId;
      return http::json_response(
          415, rpc::error_response(kNullId, rpc::kInvalidRequest,
                                   "Content-Type must be application/json (got '" +
                                       req.content_type.substr(0, 100) + "')"));
    }
    rpc::CallContext ctx;
    ctx.request_id = req.id;
    auto reply = s.dispatcher->handle_text(req.body, ctx);
    if (!reply) {
      http::Response r;
      r.status = 202;
      return r;
    }
    // A message that is not valid JSON-RPC is an HTTP 400; method-level errors are 200.
    int status = 200;
    if (auto e = reply->FindMember("error"); e != reply->MemberEnd()) {
      const int code = e->value["code"].GetInt();
      if (code == rpc::kParseError || code == rpc::kInvalidRequest) status = 400;
    }
    return http::json_response(status, *reply);
  });
}

}  // namespace shopmcp::transport
