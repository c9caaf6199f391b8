#include "fcgi/request_io.h"

#include <algorithm>
#include <cstring>
#include <string_view>

#include "http/request.h"

namespace shopmcp::fcgi {

http::Request request_from_params(FCGX_ParamArray envp) {
  http::Request r;
  for (char** p = envp; p != nullptr && *p != nullptr; ++p) {
    const char* eq = std::strchr(*p, '=');
    if (eq == nullptr) continue;
    std::string_view name(*p, static_cast<std::size_t>(eq - *p));
    const char* value = eq + 1;
    if (name == "REQUEST_METHOD") {
      r.method = value;
    } else if (name == "DOCUMENT_URI") {
      r.path = value;
    } else if (name == "QUERY_STRING") {
      r.query = value;
    } else if (name == "CONTENT_TYPE") {
      r.content_type = value;
    } else if (name == "REMOTE_ADDR") {
      r.remote_addr = value;
    } else if (name.rfind("HTTP_", 0) == 0) {
      r.headers[http::header_name_from_cgi(name)] = value;
    }
  }
  if (r.path.empty()) {  // not behind nginx's fastcgi_params: fall back to REQUEST_URI
    const char* uri = FCGX_GetParam("REQUEST_URI", envp);
    std::string u = uri ? uri : "/";
    r.path = http::url_decode(u.substr(0, u.find('?')), false);
  }
  return r;
}

bool read_body(FCGX_Stream* in, std::int64_t content_length, std::int64_t limit, std::string* out) {
  if (content_length > limit) return false;
  const std::int64_t want = content_length >= 0 ? content_length : limit + 1;
  out->resize(static_cast<std::size_t>(want));
  std::size_t got = 0;
  while (got < out->size()) {
    const int chunk = static_cast<int>(std::min<std::size_t>(out->size() - got, 1 << 16));
    const int n = FCGX_GetStr(out->data() + got, chunk, in);
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  out->resize(got);
  return static_cast<std::int64_t>(got) <= limit;
}

bool write_response(FCGX_Stream* out, const http::Response& resp, bool stream, bool head_only) {
  std::string head_text =
      "Status: " + std::to_string(resp.status) + " " + http::reason_phrase(resp.status) + "\r\n";
  for (const auto& [k, v] : resp.headers) head_text += k + ": " + v + "\r\n";
  if (!stream && !resp.header("Content-Length") && resp.status != 204) {
    head_text += "Content-Length: " + std::to_string(resp.body.size()) + "\r\n";
  }
  head_text += "\r\n";
  if (FCGX_PutStr(head_text.data(), static_cast<int>(head_text.size()), out) < 0) return false;
  if (!head_only && !resp.body.empty() &&
      FCGX_PutStr(resp.body.data(), static_cast<int>(resp.body.size()), out) < 0) {
    return false;
  }
  return FCGX_FFlush(out) == 0;
}

}  // namespace shopmcp::fcgi
