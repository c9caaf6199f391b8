// What protocol revision 2026-07-28 requires of every result, added on the way out of the
// stateless door: `resultType` on every result, and the cache hints (`ttlMs`, `cacheScope`) on
// the cacheable ones. Earlier revisions get neither. Thread-safe (pure functions).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include <rapidjson/document.h>

namespace shopmcp::mcp {

struct CacheHint {
  std::int64_t ttl_ms;
  const char* scope;  // "public": the same for every caller; "private": one caller's only
};

// The hint for a method's result, or nullopt when the revision defines none for it.
//   server/discover, tools/list, prompts/list, resources/list, resources/templates/list:
//     600,000 ms, public: fixed for a running server; ten minutes lets an upgrade show soon.
//   resources/read: 0 ms, private: the shop's live data, fresh on every read.
std::optional<CacheHint> cache_hint(std::string_view method);

// Adds to `result` (an object) what the revision requires and it lacks: resultType "complete",
// the cache hint of `method`, and _meta's "io.modelcontextprotocol/serverInfo".
void complete_2026_result(std::string_view method, rapidjson::Value& result,
                          const rapidjson::Value& server_info,
                          rapidjson::Document::AllocatorType& a);

}  // namespace shopmcp::mcp
