// http::Request and http::Response: one HTTP exchange as the app sees it through FastCGI params.
// Not thread-safe: one owner at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sse/sink.h"

namespace shopmcp::http {

struct Response;

// Lets a handler turn its exchange into a stream before it returns: writes the head now and hands
// the connection on. Implemented by fcgi (and by tests). Not thread-safe: the request's worker.
class Upgrader {
 public:
  virtual ~Upgrader() = default;
  // Writes `head`'s status, headers and body (the first frames, no Content-Length), then calls
  // head.take_over with the connection, exactly once, also when the write failed (the new owner
  // then sees the peer gone). At most once per request; the handler then returns a Response
  // with `streamed` set, and nothing more is written for it.
  virtual void start_stream(Response head) = 0;
};

struct Request {
  std::string method;        // "GET", "POST", ...
  std::string path;          // decoded path without the query, e.g. "/mcp/tools"
  std::string query;         // raw query string, without '?'
  std::map<std::string, std::string> headers;  // lower-case names, e.g. "user-agent"
  std::string content_type;  // as sent, may carry parameters
  std::string body;
  std::string remote_addr;
  std::string id;            // this process's id for the request, for log lines
  Upgrader* upgrader = nullptr;  // null where the exchange cannot become a stream mid-handler

  // A header value, or nullopt. `name` is lower-case.
  std::optional<std::string> header(std::string_view name) const;
  // A query parameter, percent-decoded, or nullopt.
  std::optional<std::string> query_param(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Set for a stream: the worker writes the headers and `body` (the first frames, no
  // Content-Length), then hands the connection to `take_over` instead of finishing it. It is
  // called exactly once, also when the first write failed (the new owner then sees the peer gone).
  std::function<void(std::unique_ptr<sse::Sink>)> take_over;
  // The handler already streamed through Request::upgrader: nothing is left to write.
  bool streamed = false;
  // Run by the worker after the response was written and the request finished (work the client
  // does not wait for, e.g. a legacy HTTP+SSE call answered on its stream after the 202).
  std::function<void()> after;

  Response& set_header(std::string name, std::string value);
  std::optional<std::string> header(std::string_view name) const;  // case-insensitive
};

// The reason phrase of a status code ("Not Found").
const char* reason_phrase(int status);

// "HTTP_USER_AGENT" -> "user-agent".
std::string header_name_from_cgi(std::string_view cgi_name);

// Percent-decoding ('+' is a space in query strings).
std::string url_decode(std::string_view s, bool plus_is_space);

}  // namespace shopmcp::http
