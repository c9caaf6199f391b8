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
#include "http/exchange.h"
#include "http/request.h"
#include "json/json.h"

namespace shopmcp::http {

class Router {
 public:
  // Answers through `ex`, exactly once (see http::Exchange).
  using Handler = std::function<void(const Request&, Exchange& ex)>;

  // Told of every answer: the route's path ("unmatched" for unknown paths) and the status.
  using Observer = std::function<void(const std::string& route, int status)>;
  // Runs before every handler (also for unknown paths); a returned Response is sent instead
  // (http::Guard's checks, in production).
  using Admission = std::function<std::optional<Response>(const Request&)>;

  void add(const std::string& method, const std::string& path, Handler h);
  void set_observer(Observer o) { observer_ = std::move(o); }
  void set_admission(Admission a) { admission_ = std::move(a); }
  // Admits, dispatches and observes one request; the handler answers through `ex`.
  void route(const Request& req, Exchange& ex) const;

 private:
  void dispatch(const Request& req, Exchange& ex) const;
  std::map<std::string, std::map<std::string, Handler>> routes_;  // path -> method -> handler
  Observer observer_;
  Admission admission_;
};

// A JSON response with Content-Type application/json.
Response json_response(int status, const rapidjson::Value& body);

// The body as a JSON object: 415 unless Content-Type is application/json, 400 when it does not
// parse or is not an object. An empty body with `empty_ok` yields an empty object.
// On failure the Response to send is returned as the error alternative.
struct BodyOrResponse {
  std::optional<rapidjson::Document> body;
  std::optional<Response> response;
};
BodyOrResponse json_object_body(const Request& req, bool empty_ok,
                                std::size_t max_depth = json::kMaxDepth);

// True when the Content-Type's media type is application/json (parameters ignored).
bool is_json_content_type(const std::string& content_type);

}  // namespace shopmcp::http
