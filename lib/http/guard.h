// http::Guard: the checks every route shares before its handler runs: Host and Origin against an
// allow-list (DNS-rebinding protection: 403) and the optional bearer token (401).
// Thread-safe (immutable after construction).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "http/request.h"

namespace shopmcp::http {

struct GuardOptions {
  // Accepted besides the loopback names localhost, 127.0.0.1 and [::1]. A host without a port
  // matches any port; "*" accepts any value.
  std::vector<std::string> allowed_hosts;
  std::vector<std::string> allowed_origins;  // "scheme://host[:port]", or "*"
  std::string auth_token;                    // "" = no token required
  std::vector<std::string> public_paths;     // exempt from the token (liveness probes)
};

class Guard {
 public:
  explicit Guard(GuardOptions options);
  // nullopt when the request may go on; else the answer to send (403 or 401, with a JSON-RPC
  // error body naming what was refused, never the token).
  std::optional<Response> check(const Request& req) const;

 private:
  bool host_allowed(const std::string& host) const;
  bool origin_allowed(const std::string& origin) const;
  bool token_ok(const std::optional<std::string>& authorization) const;

  GuardOptions options_;
};

}  // namespace shopmcp::http
