#include "http/request.h"

#include <strings.h>

#include <algorithm>

#include "core/text.h"

namespace shopmcp::http {

std::optional<std::string> Request::header(std::string_view name) const {
  auto it = headers.find(std::string(name));
  if (it == headers.end()) return std::nullopt;
  return it->second;
}

std::optional<std::string> Request::query_param(std::string_view name) const {
  std::string_view q = query;
  while (!q.empty()) {
    const auto amp = q.find('&');
    std::string_view part = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
    const auto eq = part.find('=');
    if (url_decode(part.substr(0, eq), true) == name) {
      return eq == std::string_view::npos ? std::string() : url_decode(part.substr(eq + 1), true);
    }
  }
  return std::nullopt;
}

Response& Response::set_header(std::string name, std::string value) {
  for (auto& h : headers) {
    if (strcasecmp(h.first.c_str(), name.c_str()) == 0) {
      h.second = std::move(value);
      return *this;
    }
  }
  headers.emplace_back(std::move(name), std::move(value));
  return *this;
}

std::optional<std::string> Response::header(std::string_view name) const {
  for (const auto& h : headers) {
    if (h.first.size() == name.size() &&
        strncasecmp(h.first.data(), name.data(), name.size()) == 0) {
      return h.second;
    }
  }
  return std::nullopt;
}

const char* reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 406:
      return "Not Acceptable";
    case 409:
      return "Conflict";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Unknown";
  }
}

std::string header_name_from_cgi(std::string_view cgi) {
  if (cgi.rfind("HTTP_", 0) == 0) cgi.remove_prefix(5);
  std::string out = core::ascii_lower(cgi);
  std::replace(out.begin(), out.end(), '_', '-');
  return out;
}

// Lenient: a '%' without two hex digits after it stays as it is.
std::string url_decode(std::string_view s, bool plus_is_space) {
  return core::percent_decode_lenient(s, plus_is_space);
}

}  // namespace shopmcp::http
