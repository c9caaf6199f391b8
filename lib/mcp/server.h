// mcp::Server: the MCP methods (initialize with version negotiation, ping, tools/list,
// tools/call, notifications) on an rpc::Dispatcher, over a ToolRegistry. Also the plain answers the
// REST routes reuse. Thread-safe after install().
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "core/result.h"
#include "mcp/tool_registry.h"
#include "rpc/dispatcher.h"

namespace shopmcp::mcp {

// Protocol revisions this server speaks, newest first.
inline constexpr const char* kProtocolVersions[] = {"2025-11-25", "2025-06-18", "2025-03-26",
                                                    "2024-11-05"};
inline constexpr const char* kLatestProtocolVersion = kProtocolVersions[0];

// The client's version when supported, else the newest.
std::string negotiate_version(std::string_view requested);
bool is_supported_version(std::string_view version);

struct ServerInfo {
  std::string name;
  std::string title;
  std::string version;
  std::string description;
  std::string instructions;
};

class Server {
 public:
  Server(ServerInfo info, const ToolRegistry& tools);

  // Registers the MCP methods on `d`.
  void install(rpc::Dispatcher& d) const;

  const ServerInfo& info() const { return info_; }
  const ToolRegistry& tools() const { return tools_; }

  // The initialize result for `params` (may be null): negotiated protocolVersion, capabilities,
  // serverInfo, instructions.
  rapidjson::Document initialize_result(const rapidjson::Value* params) const;
  rapidjson::Document capabilities() const;
  // {tools: [...]}
  rapidjson::Document tools_list() const;

 private:
  rpc::Outcome on_tools_call(const rapidjson::Value& params, rpc::CallContext& ctx) const;

  ServerInfo info_;
  const ToolRegistry& tools_;
};

}  // namespace shopmcp::mcp
