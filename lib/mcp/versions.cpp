#include "mcp/versions.h"

namespace shopmcp::mcp {

bool is_supported_version(std::string_view version) {
  if (version == kStatelessProtocolVersion) return true;
  for (const char* v : kProtocolVersions) {
    if (version == v) return true;
  }
  return false;
}

std::string supported_versions_text() {
  std::string out = kStatelessProtocolVersion;
  for (const char* v : kProtocolVersions) out += std::string(", ") + v;
  return out;
}

rapidjson::Value supported_versions(rapidjson::Document::AllocatorType& a) {
  rapidjson::Value versions(rapidjson::kArrayType);
  versions.PushBack(rapidjson::StringRef(kStatelessProtocolVersion), a);
  for (const char* v : kProtocolVersions) versions.PushBack(rapidjson::StringRef(v), a);
  return versions;
}

std::string negotiate_version(std::string_view requested) {
  for (const char* v : kProtocolVersions) {
    if (requested == v) return v;
  }
  return kLatestProtocolVersion;
}

}  // namespace shopmcp::mcp
