#include "mcp/result_2026.h"

namespace shopmcp::mcp {

std::optional<CacheHint> cache_hint(std::string_view method) {
  constexpr std::int64_t kFixedMs = 600'000;
  if (method == "server/discover" || method == "tools/list" || method == "prompts/list" ||
      method == "resources/list" || method == "resources/templates/list") {
    return CacheHint{kFixedMs, "public"};
  }
  if (method == "resources/read") return CacheHint{0, "private"};
  return std::nullopt;
}

void complete_2026_result(std::string_view method, rapidjson::Value& result,
                          const rapidjson::Value& server_info,
                          rapidjson::Document::AllocatorType& a) {
  if (!result.IsObject()) return;
  if (!result.HasMember("resultType")) result.AddMember("resultType", "complete", a);
  if (const auto hint = cache_hint(method)) {
    if (!result.HasMember("ttlMs")) result.AddMember("ttlMs", hint->ttl_ms, a);
    if (!result.HasMember("cacheScope")) {
      result.AddMember("cacheScope", rapidjson::StringRef(hint->scope), a);
    }
  }
  auto meta = result.FindMember("_meta");
  if (meta == result.MemberEnd()) {
    result.AddMember("_meta", rapidjson::Value(rapidjson::kObjectType), a);
    meta = result.FindMember("_meta");
  }
  if (meta->value.IsObject() && !meta->value.HasMember("io.modelcontextprotocol/serverInfo")) {
    meta->value.AddMember("io.modelcontextprotocol/serverInfo", rapidjson::Value(server_info, a),
                          a);
  }
}

}  // namespace shopmcp::mcp
