#include "http/router.h"

#include <strings.h>

#include "core/check.h"
#include "json/json.h"

namespace shopmcp::http {

void Router::add(const std::string& method, const std::string& path, Handler h) {
  auto& by_method = routes_[path];
  MCP_CHECK(by_method.find(method) == by_method.end());
  by_method.emplace(method, std::move(h));
}

Response Router::route(const Request& req) const {
  std::optional<Response> refused;
  if (guard_) refused = guard_(req);
  Response r = refused ? std::move(*refused) : dispatch(req);
  if (observer_) observer_(routes_.count(req.path) ? req.path : "unmatched", r.status);
  return r;
}

Response Router::dispatch(const Request& req) const {
  auto p = routes_.find(req.path);
  if (p == routes_.end()) {
    return error_response(404, 404, "No such endpoint: " + req.path.substr(0, 200) +
                                        " (see GET /mcp/info for the endpoints)");
  }
  auto m = p->second.find(req.method);
  if (m == p->second.end() && req.method == "HEAD") m = p->second.find("GET");
  if (m == p->second.end()) {
    std::string allow;
    for (const auto& [method, h] : p->second) allow += (allow.empty() ? "" : ", ") + method;
    Response r = error_response(405, 405, "Method " + req.method.substr(0, 20) +
                                              " is not allowed on " + req.path + "; use " + allow);
    r.set_header("Allow", allow);
    return r;
  }
  return m->second(req);
}

Response json_response(int status, const rapidjson::Value& body) {
  Response r;
  r.status = status;
  r.set_header("Content-Type", "application/json; charset=utf-8");
  r.body = json::to_string(body);
  return r;
}

Response error_response(int status, int code, const std::string& message) {
  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  rapidjson::Value e(rapidjson::kObjectType);
  e.AddMember("code", code, a);
  e.AddMember("message", json::str(message, a), a);
  d.AddMember("error", e, a);
  return json_response(status, d);
}

bool is_json_content_type(const std::string& ct) {
  std::string media = ct.substr(0, ct.find(';'));
  while (!media.empty() && (media.back() == ' ' || media.back() == '\t')) media.pop_back();
  return strcasecmp(media.c_str(), "application/json") == 0;
}

BodyOrResponse json_object_body(const Request& req, bool empty_ok) {
  BodyOrResponse out;
  if (req.body.empty() && empty_ok) {
    out.body.emplace(rapidjson::kObjectType);
    return out;
  }
  if (!is_json_content_type(req.content_type)) {
    out.response = error_response(
        415, 415,
        "Content-Type must be application/json (got '" + req.content_type.substr(0, 100) + "')");
    return out;
  }
  auto doc = json::parse(req.body);
  if (!doc) {
    out.response = error_response(400, -32700, "Parse error: " + doc.error().message);
    return out;
  }
  if (!doc->IsObject()) {
    out.response = error_response(400, -32600,
                                  std::string("The request body must be a JSON object, not ") +
                                      json::type_name(*doc));
    return out;
  }
  out.body = std::move(doc).value();
  return out;
}

}  // namespace shopmcp::http
