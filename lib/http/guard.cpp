#include "http/guard.h"

#include <algorithm>

#include "core/text.h"
#include "http/errors.h"
#include "http/router.h"
#include "json/json.h"

namespace shopmcp::http {
namespace {

// "name:port" / "[v6]:port" / "name" -> the name part (brackets kept for IPv6).
std::string host_name(const std::string& host) {
  if (!host.empty() && host[0] == '[') {
    const auto close = host.find(']');
    return close == std::string::npos ? host : host.substr(0, close + 1);
  }
  return host.substr(0, host.find(':'));
}

bool is_loopback_name(const std::string& name) {
  return name == "localhost" || name == "127.0.0.1" || name == "[::1]";
}

// Compares in time that depends only on the lengths, never on where the first difference is.
bool constant_time_equal(const std::string& a, const std::string& b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  const std::size_t n = std::max(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned char>(x ^ y);
  }
  return diff == 0;
}

}  // namespace

Guard::Guard(GuardOptions options) : options_(std::move(options)) {
  for (auto& h : options_.allowed_hosts) h = core::ascii_lower(h);
  for (auto& o : options_.allowed_origins) o = core::ascii_lower(o);
}

bool Guard::host_allowed(const std::string& raw) const {
  const std::string host = core::ascii_lower(raw);
  if (is_loopback_name(host_name(host))) return true;
  for (const auto& allowed : options_.allowed_hosts) {
    if (allowed == "*" || allowed == host) return true;
    if (allowed == host_name(host) && allowed.find(':') == std::string::npos) return true;
    if (allowed.front() == '[' && allowed.back() == ']' && allowed == host_name(host)) return true;
  }
  return false;
}

bool Guard::origin_allowed(const std::string& raw) const {
  const std::string origin = core::ascii_lower(raw);
  for (const auto& allowed : options_.allowed_origins) {
    if (allowed == "*" || allowed == origin) return true;
  }
  for (const char* scheme : {"http://", "https://"}) {
    const std::string s(scheme);
    if (origin.rfind(s, 0) == 0) return is_loopback_name(host_name(origin.substr(s.size())));
  }
  return false;
}

bool Guard::token_ok(const std::optional<std::string>& authorization) const {
  if (!authorization || authorization->size() < 7) return false;
  if (core::ascii_lower(authorization->substr(0, 7)) != "bearer ") return false;
  std::string given = authorization->substr(7);
  given.erase(0, given.find_first_not_of(' '));
  return constant_time_equal(given, options_.auth_token);
}

std::optional<Response> Guard::check(const Request& req) const {
  // A request without Host (HTTP/1.0) cannot come from a rebinding browser, which always sends it.
  if (auto host = req.header("host"); host && !host_allowed(*host)) {
    return error_response(ErrorShape::kJsonRpc, 403, -32000,
                          "Forbidden: Host '" + core::utf8_clip(*host, 200) +
                              "' is not allowed (see --allowed-hosts)");
  }
  if (auto origin = req.header("origin"); origin && !origin_allowed(*origin)) {
    return error_response(ErrorShape::kJsonRpc, 403, -32000,
                          "Forbidden: Origin '" + core::utf8_clip(*origin, 200) +
                              "' is not allowed (see --allowed-origins)");
  }
  if (options_.auth_token.empty()) return std::nullopt;
  for (const auto& p : options_.public_paths) {
    if (req.path == p) return std::nullopt;
  }
  const auto authorization = req.header("authorization");
  if (token_ok(authorization)) return std::nullopt;
  Response r = error_response(ErrorShape::kJsonRpc, 401, -32000,
                              authorization ? "Unauthorized: the bearer token is not valid"
                                            : "Unauthorized: send Authorization: Bearer <token>");
  r.set_header("WWW-Authenticate", authorization
                                       ? "Bearer realm=\"shop-mcp\", error=\"invalid_token\""
                                       : "Bearer realm=\"shop-mcp\"");
  return r;
}

}  // namespace shopmcp::http
