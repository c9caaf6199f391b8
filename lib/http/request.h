// http::Request and http::Response: one HTTP exchange as the app sees it through FastCGI params.
// Not thread-safe: one owner at a time.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shopmcp::http {

struct Request {
  std::string method;                          // "GET", "POST", ...
  std::string path;                            // decoded path without the query, e.g. "/mcp/tools"
  std::string query;                           // raw query string, without '?'
  std::map<std::string, std::string> headers;  // lower-case names, e.g. "user-agent"
  std::string content_type;                    // as sent, may carry parameters
  std::string body;
  std::string remote_addr;
  std::string id;  // this process's id for the request, for log lines

  // A header value, or nullopt. `name` is lower-case.
  std::optional<std::string> header(std::string_view name) const;
  // A query parameter, percent-decoded, or nullopt.
  std::optional<std::string> query_param(std::string_view name) const;
};

// Plain data: what to send. How it is sent (a plain answer, a stream's head) is the Exchange's.
struct Response {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

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
