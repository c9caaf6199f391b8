// The MCP protocol revisions this server speaks, and version negotiation. Thread-safe (constants
// and pure functions).
#pragma once

#include <string>
#include <string_view>

#include <rapidjson/document.h>

namespace shopmcp::mcp {

// Protocol revisions this server speaks, newest first.
inline constexpr const char* kProtocolVersions[] = {"2025-11-25", "2025-06-18", "2025-03-26",
                                                    "2024-11-05"};
inline constexpr const char* kLatestProtocolVersion = kProtocolVersions[0];
// The stateless revision: no initialize, no sessions; each request names its version.
inline constexpr const char* kStatelessProtocolVersion = "2026-07-28";

// The client's version when supported (one of kProtocolVersions), else the newest.
std::string negotiate_version(std::string_view requested);
// One of kProtocolVersions or kStatelessProtocolVersion.
bool is_supported_version(std::string_view version);
// "2026-07-28, 2025-11-25, ..." for error messages.
std::string supported_versions_text();
// ["2026-07-28", "2025-11-25", ...] (server/discover, the unsupported-version error).
rapidjson::Value supported_versions(rapidjson::Document::AllocatorType& a);

}  // namespace shopmcp::mcp
