// Router: (method, path) -> handler, with 404 for unknown paths and 405 + Allow for known paths
// asked with another method; plus the JSON helpers and body checks every route shares.
// Routes are added before serving; route() is then thread-safe.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include <rapidjson/document.h>

#include "core/result.h"
#include "http/request.h"

namespace shopmcp::http {

class Router {
 public:
  using Handler = std::function<Response(const Request&)>;

  // Told of every answer: the route's path ("unmatched" for unknown paths) and the status.
  using Observer = std::function<void(const std::string& route, int status)>;

  void add(const std::string& method, const std::string& path, Handler h);
  // Runs before every handler (also for unknown paths); a returned Response is sent instead.
  using Guard = std::function<std::optional<Response>(const Request&)>;

  void set_observer(Observer o) { observer_ = std::move(o); }
  void set_guard(Guard g) { guard_ = std::move(g); }
  Response route(const Request& req) const;

 private:
  Response dispatch(const Request& req) const;
  std::map<std::string, std::map<std::string, Handler>> routes_;  // path -> method -> handler
  Observer observer_;
  Guard guard_;
};

// A JSON response with Content-Type application/json.
Response json_response(int status, const rapidjson::Value& body);
// {"error":{"code":code,"message":message}} with `status`.
Response error_response(int status, int code, const std::string& message);

// The body as a JSON object: 415 unless Content-Type is application/json, 400 when it does not
// parse or is not an object. An empty body with `empty_ok` yields an empty object.
// On failure the Response to send is returned as the error alternative.
struct BodyOrResponse {
  std::optional<rapidjson::Document> body;
  std::optional<Response> response;
};
BodyOrResponse json_object_body(const Request& req, bool empty_ok);

// True when the Content-Type's media type is application/json (parameters ignored).
bool is_json_content_type(const std::string& content_type);

}  // namespace shopmcp::http
