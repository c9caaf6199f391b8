// Every JSON error body the server sends is built here, in one of two shapes, and the refusals
// several doors share are named here so each gets the same status, code, message and headers
// everywhere. Which shape a door uses (lib/README.md, "Error bodies"):
//   kPlain   {"error":{"code":C,"message":M}}: the REST routes, the seed route POST /mcp/sse, and
//            the router's own answers (404, 405, 413, 500)
//   kJsonRpc {"jsonrpc":"2.0","id":ID|null,"error":{"code":C,"message":M,"data"?:D}}: the MCP
//            doors (/mcp, /mcp/sse GET, /mcp/messages) and the Host/Origin/token checks
// Thread-safe (pure functions).
#pragma once

#include <string_view>

#include <rapidjson/document.h>

#include "http/request.h"

namespace shopmcp::http {

enum class ErrorShape { kPlain, kJsonRpc };

// An application/json error answer with HTTP `status`. `id` and `data` are used by kJsonRpc only
// (`id` null when not given; `data` left out when not given).
Response error_response(ErrorShape shape, int status, int code, std::string_view message,
                        const rapidjson::Value* id = nullptr,
                        const rapidjson::Value* data = nullptr);

enum class Refusal {
  kStreamCap,     // 503 + Retry-After: every stream slot is taken
  kSessionCap,    // 503 + Retry-After: every session is busy (detail: why)
  kBusy,          // 503 + Retry-After: no worker or descriptor is free (detail: which)
  kNotJson,       // 415: the Content-Type is not application/json (detail: what was sent)
  kBodyTooLarge,  // 413 (detail: the limit in bytes)
  kInternal,      // 500: a bug or an unexpected failure; details stay in the log
};

// The answer for `refusal` in `shape`. JSON-RPC codes: -32000 for the caps, -32600 for 415, and
// the plain shape's code is the HTTP status (-32603 for kInternal in both).
Response refuse(ErrorShape shape, Refusal refusal, std::string_view detail = {},
                const rapidjson::Value* id = nullptr);

}  // namespace shopmcp::http
