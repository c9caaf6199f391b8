#include "http/router.h"

#include <strings.h>

#include "core/check.h"
#include "core/text.h"
#include "http/errors.h"
#include "json/json.h"

namespace shopmcp::http {

void Router::add(const std::string& method, const std::string& path, Handler h) {
  auto& by_method = routes_[path];
  MCP_CHECK(by_method.find(method) == by_method.end());
  by_method.emplace(method, std::move(h));
}

void Router::route(const Request& req, Exchange& ex) const {
  std::optional<Response> refused;
  if (admission_) refused = admission_(req);
  if (refused) {
    ex.respond(std::move(*refused));
  } else {
    dispatch(req, ex);
  }
  MCP_CHECK(ex.answered());  // every handler answers
  if (observer_) observer_(routes_.count(req.path) ? req.path : "unmatched", ex.status());
}

void Router::dispatch(const Request& req, Exchange& ex) const {
  auto p = routes_.find(req.path);
  if (p == routes_.end()) {
    return ex.respond(error_response(ErrorShape::kPlain, 404, 404,
                                     "No such endpoint: " + core::utf8_clip(req.path, 200) +
                                         " (see GET /mcp/info for the endpoints)"));
  }
  auto m = p->second.find(req.method);
  if (m == p->second.end() && req.method == "HEAD") m = p->second.find("GET");
  if (m == p->second.end()) {
    std::string allow;
    for (const auto& [method, h] : p->second) allow += (allow.empty() ? "" : ", ") + method;
    Response r =
        error_response(ErrorShape::kPlain, 405, 405,
                       "Method " + core::utf8_clip(req.method, 20) + " is not allowed on " +
                           core::utf8_clip(req.path, 200) + "; use " + allow);
    r.set_header("Allow", allow);
    return ex.respond(std::move(r));
  }
  m->second(req, ex);
}

Response json_response(int status, const rapidjson::Value& body) {
  Response r;
  r.status = status;
  r.set_header("Content-Type", "application/json; charset=utf-8");
  r.body = json::to_string(body);
  return r;
}

bool is_json_content_type(const std::string& ct) {
  std::string media = ct.substr(0, ct.find(';'));
  while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.pop_back();
  return strcasecmp(media.c_str(), "application/json") == 0;
}

BodyOrResponse json_object_body(const Request& req, bool empty_ok, std::size_t max_depth) {
  BodyOrResponse out;
  if (req.body.empty() && empty_ok) {
    out.body.emplace(rapidjson::kObjectType);
    return out;
  }
  if (!is_json_content_type(req.content_type)) {
    out.response = refuse(ErrorShape::kPlain, Refusal::kNotJson, req.content_type);
    return out;
  }
  auto doc = json::parse(req.body, json::kMaxBytes, max_depth);
  if (!doc) {
    out.response =
        error_response(ErrorShape::kPlain, 400, -32700, "Parse error: " + doc.error().message);
    return out;
  }
  if (!doc->IsObject()) {
    out.response = error_response(
        ErrorShape::kPlain, 400, -32600,
        std::string("The request body must be a JSON object, not ") + json::type_name(*doc));
    return out;
  }
  out.body = std::move(doc).value();
  return out;
}

}  // namespace shopmcp::http
