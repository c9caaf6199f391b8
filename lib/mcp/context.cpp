#include "mcp/context.h"

namespace shopmcp::mcp {
namespace {

constexpr const char* kLevelNames[] = {"debug", "info",     "notice", "warning",
                                       "error", "critical", "alert",  "emergency"};

}  // namespace

const char* to_string(LogLevel l) { return kLevelNames[static_cast<int>(l)]; }

std::optional<LogLevel> parse_log_level(std::string_view name) {
  for (int i = 0; i < 8; ++i) {
    if (name == kLevelNames[i]) return static_cast<LogLevel>(i);
  }
  return std::nullopt;
}

}  // namespace shopmcp::mcp
