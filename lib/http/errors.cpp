#include "http/errors.h"

#include <string>

#include "core/text.h"
#include "http/router.h"
#include "json/json.h"

namespace shopmcp::http {

Response error_response(ErrorShape shape, int status, int code, std::string_view message,
                        const rapidjson::Value* id, const rapidjson::Value* data) {
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  rapidjson::Value e(rapidjson::kObjectType);
  e.AddMember("code", code, a);
  e.AddMember("message", json::str(message, a), a);
  if (shape == ErrorShape::kJsonRpc) {
    d.AddMember("jsonrpc", "2.0", a);
    d.AddMember("id", id ? rapidjson::Value(*id, a) : rapidjson::Value(), a);
    if (data) e.AddMember("data", rapidjson::Value(*data, a), a);
  }
  d.AddMember("error", e, a);
  return json_response(status, d);
}

Response refuse(ErrorShape shape, Refusal refusal, std::string_view detail,
                const rapidjson::Value* id) {
  const bool rpc = shape == ErrorShape::kJsonRpc;
  switch (refusal) {
    case Refusal::kStreamCap:
    case Refusal::kSessionCap:
    case Refusal::kBusy: {
      const std::string message =
          refusal == Refusal::kStreamCap ? "Too many open streams; retry in a few seconds"
          : refusal == Refusal::kBusy ? "Busy: " + std::string(detail) + "; retry in a few seconds"
                                      : std::string(detail);
      Response r = error_response(shape, 503, rpc ? -32000 : 503, message, id);
      r.set_header("Retry-After", "5");
      return r;
    }
    case Refusal::kNotJson:
      return error_response(
          shape, 415, rpc ? -32600 : 415,
          "Content-Type must be application/json (got '" + core::utf8_clip(detail, 100) + "')", id);
    case Refusal::kBodyTooLarge:
      return error_response(
          shape, 413, rpc ? -32600 : 413,
          "The request body is larger than the limit of " + std::string(detail) + " bytes", id);
    case Refusal::kInternal:
      break;
  }
  return error_response(shape, 500, -32603, "Internal error", id);
}

}  // namespace shopmcp::http
