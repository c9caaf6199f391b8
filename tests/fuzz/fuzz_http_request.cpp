// fuzz_http_request: the parts of an HTTP request the app parses itself. Properties: Accept
// (transport::parse_accept) ignores case and parameters and reads "a, b" as a and b together;
// percent-decoding (core::percent_decode, _lenient, http::url_decode) fails exactly on a '%'
// without two hex digits, agrees between its strict and lenient forms and undoes any encoding;
// Request::query_param finds the first parameter of a name in any encoded query;
// header_name_from_cgi gives lower-case names; the Host/Origin guard (http::Guard) accepts exactly
// the hosts and origins its options allow (an oracle over generated hosts and origins, with and
// without an allow-list) and the bearer token exactly; and a whole request with fuzzed method,
// path, query, headers and body, routed through every door behind the guard, is answered exactly
// once with a well-formed answer (fuzz_support.h, check_response).
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.h"
#include "fuzz_stack.h"
#include "fuzz_support.h"
#include "http/guard.h"
#include "http/request.h"
#include "transport/jsonrpc_http.h"

namespace {

namespace core = shopmcp::core;
namespace http = shopmcp::http;
namespace transport = shopmcp::transport;
using shopmcp::fuzz::printable;

std::string upper(std::string s) {
  for (char& c : s) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return s;
}

bool blank(std::string_view s) { return s.find_first_not_of(" \t") == std::string_view::npos; }

bool same(transport::Accepts a, transport::Accepts b) { return a.json == b.json && a.sse == b.sse; }

void check_accept(const std::string& accept, const std::string& other) {
  const transport::Accepts none = transport::parse_accept(std::nullopt);
  MCP_FUZZ_CHECK(none.json && none.sse);
  const transport::Accepts a = transport::parse_accept(accept);
  const std::string where = "Accept: " + printable(accept);
  if (blank(accept)) MCP_FUZZ_CHECK_MSG(a.json && a.sse, where);
  MCP_FUZZ_CHECK_MSG(same(a, transport::parse_accept(upper(accept))), where);
  const std::string lower = core::ascii_lower(accept);
  if (a.json) {
    MCP_FUZZ_CHECK_MSG(blank(accept) || lower.find("application/json") != std::string::npos ||
                           lower.find("application/*") != std::string::npos ||
                           lower.find("*/*") != std::string::npos,
                       where);
  }
  if (a.sse) {
    MCP_FUZZ_CHECK_MSG(blank(accept) || lower.find("text/event-stream") != std::string::npos ||
                           lower.find("text/*") != std::string::npos ||
                           lower.find("*/*") != std::string::npos,
                       where);
  }
  if (!blank(accept) && !blank(other)) {
    const transport::Accepts b = transport::parse_accept(other);
    const transport::Accepts both = transport::parse_accept(accept + "," + other);
    MCP_FUZZ_CHECK_MSG(both.json == (a.json || b.json) && both.sse == (a.sse || b.sse),
                       where + " and " + printable(other));
  }
  // Parameters (q=, charset=) do not change what a media range allows.
  if (accept.find_first_of(",;") == std::string::npos && !blank(accept)) {
    MCP_FUZZ_CHECK_MSG(same(a, transport::parse_accept(accept + ";q=0.5")), where);
    MCP_FUZZ_CHECK_MSG(same(a, transport::parse_accept(" \t" + accept + " ;charset=utf-8, ")),
                       where);
  }
}

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Every byte as %XX (upper or lower case hex, as `mix` says), or only the reserved ones.
std::string encode(std::string_view s, bool all, unsigned mix) {
  static constexpr char kUpper[] = "0123456789ABCDEF";
  static constexpr char kLower[] = "0123456789abcdef";
  std::string out;
  unsigned k = 0;
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (!all && unreserved) {
      out += ch;
      continue;
    }
    const char* hex = ((mix >> (k++ % 32)) & 1) ? kLower : kUpper;
    out += '%';
    out += hex[c >> 4];
    out += hex[c & 15];
  }
  return out;
}

void check_percent(const std::string& s, bool plus, unsigned mix) {
  const auto strict = core::percent_decode(s, plus);
  const std::string lenient = core::percent_decode_lenient(s, plus);
  const std::string where = "text: " + printable(s);
  MCP_FUZZ_CHECK_MSG(http::url_decode(s, plus) == lenient, where);
  if (strict) MCP_FUZZ_CHECK_MSG(*strict == lenient, where);
  bool well_formed = true;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') continue;
    if (i + 2 < s.size() && is_hex(s[i + 1]) && is_hex(s[i + 2])) {
      i += 2;
    } else {
      well_formed = false;
    }
  }
  MCP_FUZZ_CHECK_MSG(strict.has_value() == well_formed, where);
  MCP_FUZZ_CHECK_MSG(lenient.size() <= s.size(), where);
  if (s.find('%') == std::string::npos) {
    std::string expect = s;
    if (plus) {
      for (char& c : expect) c = c == '+' ? ' ' : c;
    }
    MCP_FUZZ_CHECK_MSG(lenient == expect, where);
  }
  for (bool all : {true, false}) {
    const auto back = core::percent_decode(encode(s, all, mix), plus);
    MCP_FUZZ_CHECK_MSG(back && *back == s, where);
  }
}

void check_query(FuzzedDataProvider& in, unsigned mix) {
  struct Pair {
    std::string name, value;
  };
  std::vector<Pair> pairs;
  const int n = in.ConsumeIntegralInRange(0, 4);
  for (int i = 0; i < n; ++i) {
    pairs.push_back({in.ConsumeRandomLengthString(24), in.ConsumeRandomLengthString(40)});
  }
  http::Request r;
  for (const Pair& p : pairs) {
    if (!r.query.empty()) r.query += '&';
    r.query += encode(p.name, (mix & 1) != 0, mix) + "=" + encode(p.value, (mix & 2) != 0, mix);
  }
  const std::string where = "query: " + printable(r.query);
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    std::size_t first = i;
    for (std::size_t j = 0; j < i; ++j) {
      if (pairs[j].name == pairs[i].name) {
        first = j;
        break;
      }
    }
    const auto got = r.query_param(pairs[i].name);
    MCP_FUZZ_CHECK_MSG(got && *got == pairs[first].value, where);
  }
  const std::string absent = in.ConsumeRandomLengthString(24);
  bool named = false;
  for (const Pair& p : pairs) named = named || p.name == absent;
  if (!named) MCP_FUZZ_CHECK_MSG(!r.query_param(absent), where + " name " + printable(absent));

  // Any query at all: a parameter found is a decoded piece of it.
  r.query = in.ConsumeRandomLengthString(120);
  if (auto v = r.query_param(absent)) MCP_FUZZ_CHECK(v->size() <= r.query.size());
}

void check_cgi_name(const std::string& cgi) {
  const std::string name = http::header_name_from_cgi(cgi);
  MCP_FUZZ_CHECK_MSG(name.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ_") == std::string::npos,
                     printable(cgi));
  if (cgi.rfind("HTTP_", 0) == 0) MCP_FUZZ_CHECK(name.size() + 5 == cgi.size());
}

// --- Host and Origin --------------------------------------------------------------------------

constexpr const char* kNames[] = {"localhost",          "127.0.0.1",       "[::1]",
                                  "example.com",        "api.example.com", "evil.com",
                                  "localhost.evil.com", "[fd00::1]",       "mixedcase.example",
                                  "127.0.0.2",          "[::2]",           "example.com.evil.com",
                                  "app.example.com",    "caps.example"};

bool loopback(const std::string& name) {
  return name == "localhost" || name == "127.0.0.1" || name == "[::1]";
}

// Random ASCII case.
std::string mixcase(std::string s, unsigned mix) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (((mix >> (i % 32)) & 1) && s[i] >= 'a' && s[i] <= 'z') s[i] = static_cast<char>(s[i] - 32);
  }
  return s;
}

// A host name as browsers send them: from the list above, or letters, digits, dots and hyphens.
std::string host_name(FuzzedDataProvider& in) {
  if (in.ConsumeBool()) {
    const auto i = in.ConsumeIntegralInRange<std::size_t>(0, std::size(kNames) - 1);
    return kNames[i];
  }
  static constexpr std::string_view kChars = "abcdefghijklmnopqrstuvwxyz0123456789.-";
  std::string out;
  for (char c : in.ConsumeRandomLengthString(30)) {
    out += kChars[static_cast<unsigned char>(c) % kChars.size()];
  }
  return out.empty() ? "x" : out;
}

// The guards, and what each accepts, said independently of http::Guard.
struct GuardCase {
  http::Guard guard;
  http::GuardOptions options;
};

http::GuardOptions listed() {
  http::GuardOptions o;
  o.allowed_hosts = {"example.com", "api.example.com:8443", "[fd00::1]", "MixedCase.Example"};
  o.allowed_origins = {"https://app.example.com", "HTTP://Caps.Example:8080"};
  o.auth_token = "s3cret-token";
  o.public_paths = {"/mcp/health"};
  return o;
}
http::GuardOptions anything() {
  http::GuardOptions o;
  o.allowed_hosts = {"*"};
  o.allowed_origins = {"*"};
  return o;
}

// `name` (lower case) and `port` ("" = none) as the Host header; which guard accepts it.
bool host_ok(int guard, const std::string& name, const std::string& port) {
  if (guard == 2 || loopback(name)) return true;
  if (guard == 0) return false;
  return name == "example.com" || name == "[fd00::1]" || name == "mixedcase.example" ||
         (name == "api.example.com" && port == "8443");
}
bool origin_ok(int guard, const std::string& scheme, const std::string& name,
               const std::string& port) {
  if (guard == 2) return true;
  if ((scheme == "http" || scheme == "https") && loopback(name)) return true;
  if (guard == 0) return false;
  return (scheme == "https" && name == "app.example.com" && port.empty()) ||
         (scheme == "http" && name == "caps.example" && port == "8080");
}
bool token_ok(int guard, const std::optional<std::string>& authorization, const std::string& path) {
  if (guard != 1 || path == "/mcp/health") return true;
  if (!authorization || authorization->size() < 7) return false;
  if (core::ascii_lower(authorization->substr(0, 7)) != "bearer ") return false;
  std::string given = authorization->substr(7);
  given.erase(0, given.find_first_not_of(' '));
  return given == "s3cret-token";
}

void check_guard(FuzzedDataProvider& in, unsigned mix) {
  static const http::Guard guards[] = {http::Guard(http::GuardOptions{}), http::Guard(listed()),
                                       http::Guard(anything())};
  http::Request r;
  r.method = "GET";
  r.path = in.ConsumeBool() ? "/mcp/health" : "/mcp";
  // Host: name[:port], or none.
  std::string name, port;
  const bool has_host = in.ConsumeBool();
  if (has_host) {
    name = host_name(in);
    if (in.ConsumeBool()) port = std::to_string(in.ConsumeIntegralInRange(0, 65535));
    r.headers["host"] = mixcase(name, mix) + (port.empty() ? "" : ":" + port);
  }
  // Origin: scheme://name[:port], or none.
  std::string scheme, oname, oport;
  const bool has_origin = in.ConsumeBool();
  if (has_origin) {
    static constexpr const char* kSchemes[] = {"http", "https", "ftp", "chrome-extension", ""};
    scheme = kSchemes[in.ConsumeIntegralInRange<std::size_t>(0, std::size(kSchemes) - 1)];
    oname = host_name(in);
    if (in.ConsumeBool()) oport = std::to_string(in.ConsumeIntegralInRange(0, 65535));
    r.headers["origin"] =
        mixcase(scheme + "://" + oname, mix >> 3) + (oport.empty() ? "" : ":") + oport;
  }
  // Authorization: the token, a near miss, or anything.
  std::optional<std::string> authorization;
  switch (in.ConsumeIntegralInRange(0, 3)) {
    case 0:
      break;
    case 1:
      authorization = mixcase("bearer ", mix) + std::string(in.ConsumeIntegralInRange(0, 3), ' ') +
                      "s3cret-token";
      break;
    case 2:
      authorization = "Bearer " + in.ConsumeRandomLengthString(20);
      break;
    default:
      authorization = in.ConsumeRandomLengthString(40);
  }
  if (authorization) r.headers["authorization"] = *authorization;
  for (int g = 0; g < 3; ++g) {
    const bool host = !has_host || host_ok(g, name, port);
    const bool origin = !has_origin || origin_ok(g, scheme, oname, oport);
    const bool token = token_ok(g, authorization, r.path);
    const auto refusal = guards[g].check(r);
    const std::string where = "guard " + std::to_string(g) + " host " +
                              printable(r.header("host").value_or("-")) + " origin " +
                              printable(r.header("origin").value_or("-")) + " authorization " +
                              printable(authorization.value_or("-")) + " path " + r.path;
    MCP_FUZZ_CHECK_MSG(refusal.has_value() == !(host && origin && token), where);
    if (!refusal) continue;
    shopmcp::fuzz::check_response(*refusal);
    MCP_FUZZ_CHECK_MSG(refusal->status == (host && origin ? 401 : 403), where);
    if (refusal->status == 401) MCP_FUZZ_CHECK(refusal->header("www-authenticate").has_value());
    if (refusal->status == 401) {  // never the token
      MCP_FUZZ_CHECK_MSG(refusal->body.find("s3cret") == std::string::npos, where);
    }
  }
  // Any Host and Origin at all: a refusal is a well-formed answer.
  r.headers["host"] = in.ConsumeRandomLengthString(300);
  r.headers["origin"] = in.ConsumeRandomLengthString(300);
  for (const auto& g : guards) {
    if (auto refusal = g.check(r)) shopmcp::fuzz::check_response(*refusal);
  }
}

// --- A whole request through the router --------------------------------------------------------

shopmcp::fuzz::Stack& stack() {
  static auto* s = new shopmcp::fuzz::Stack(shopmcp::fuzz::StackOptions{});
  return *s;
}

std::string pick_or_fuzz(FuzzedDataProvider& in, const std::vector<std::string>& list,
                         std::size_t max) {
  const auto i = in.ConsumeIntegralInRange<std::size_t>(0, list.size());
  return i < list.size() ? list[i] : in.ConsumeRandomLengthString(max);
}

void check_route(FuzzedDataProvider& in) {
  auto& s = stack();
  http::Request r;
  r.method = pick_or_fuzz(in, {"GET", "POST", "DELETE", "PUT", "HEAD", "OPTIONS"}, 10);
  r.path = pick_or_fuzz(in,
                        {"/mcp", "/mcp/sse", "/mcp/messages", "/mcp/initialize", "/mcp/tools",
                         "/mcp/tools/call", "/mcp/ping", "/mcp/info", "/mcp/stdio", "/mcp/health",
                         "/mcp/metrics", "/mcp/stats", "/", "/mcp/"},
                        40);
  r.query = in.ConsumeRandomLengthString(80);
  r.content_type = pick_or_fuzz(
      in,
      {"application/json", "application/json; charset=utf-8", "APPLICATION/JSON", "", "text/plain"},
      60);
  r.remote_addr = "127.0.0.1";
  r.id = "fuzz";
  if (in.ConsumeBool()) r.headers["host"] = in.ConsumeBool() ? "localhost:8080" : "127.0.0.1";
  const char* optional_headers[] = {
      "accept",   "mcp-protocol-version", "mcp-session-id", "last-event-id", "origin", "mcp-method",
      "mcp-name", "user-agent",           "authorization"};
  for (const char* h : optional_headers) {
    if (in.ConsumeBool()) r.headers[h] = in.ConsumeRandomLengthString(60);
  }
  r.body = in.ConsumeRemainingBytesAsString();

  shopmcp::fuzz::FuzzExchange ex;
  s.router.route(r, ex);
  const std::string where = r.method + " " + printable(r.path) + "?" + printable(r.query);
  MCP_FUZZ_CHECK_MSG(ex.answered(), where);
  MCP_FUZZ_CHECK_MSG(ex.sends + (ex.head ? 1 : 0) == 1, where);
  shopmcp::fuzz::check_response(ex.head ? *ex.head : ex.response);
  if (ex.head) {
    s.pump();
    const auto events = shopmcp::fuzz::parse_sse(ex.stream->bytes);
    MCP_FUZZ_CHECK_MSG(events.unknown_fields.empty(), printable(ex.stream->bytes));
    for (const auto& e : events.events) {
      if (e.data.empty() || e.type == "endpoint") continue;
      MCP_FUZZ_CHECK_MSG(shopmcp::json::parse(e.data).has_value(), printable(e.data));
    }
  }
  s.reset();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  shopmcp::fuzz::quiet_logging();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* bytes, std::size_t size) {
  FuzzedDataProvider in(bytes, size);
  const auto mix = in.ConsumeIntegral<unsigned>();
  const std::string accept = in.ConsumeRandomLengthString(120);
  const std::string other = in.ConsumeRandomLengthString(60);
  check_accept(accept, other);
  const std::string text = in.ConsumeRandomLengthString(120);
  check_percent(text, (mix & 4) != 0, mix);
  check_cgi_name(text);
  check_query(in, mix);
  check_guard(in, mix);
  check_route(in);
  return 0;
}
