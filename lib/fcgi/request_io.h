// Reading one FastCGI request into an http::Request and writing a plain answer (private to fcgi/).
// Thread-safe for different requests.
#pragma once

#include <fcgiapp.h>

#include <cstdint>
#include <string>

#include "http/request.h"

namespace shopmcp::fcgi {

// Builds the request from the FastCGI params; the body is read by the caller.
http::Request request_from_params(FCGX_ParamArray envp);

// Reads at most `limit` bytes of body. Returns false if the body is larger than `limit`.
bool read_body(FCGX_Stream* in, std::int64_t content_length, std::int64_t limit, std::string* out);

// Writes the response; false if the peer is gone (the error is logged by the caller). A stream's
// head has no Content-Length: nginx chunks it.
bool write_response(FCGX_Stream* out, const http::Response& resp, bool stream, bool head_only);

}  // namespace shopmcp::fcgi
