// mcp::Server: the MCP methods (initialize with version negotiation, ping, tools/*, resources/*,
// prompts/*, completion/complete, logging/setLevel, server/discover, notifications) on an
// rpc::Dispatcher, over the tool, resource and prompt registries. What a session asked for (its
// log level, the client's capabilities, its subscriptions) is kept by the session's owner and
// reached through mcp::ClientDirectory; the server itself holds no session state. Also the plain
// answers the REST routes reuse. Thread-safe after install().
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/document.h>

#include "core/result.h"
#include "mcp/client_state.h"
#include "mcp/context.h"
#include "mcp/prompts.h"
#include "mcp/resources.h"
#include "mcp/tool_registry.h"
#include "mcp/versions.h"
#include "rpc/dispatcher.h"

namespace shopmcp::mcp {

// Bounds on every tool call. The time limit stays below nginx's fastcgi_read_timeout, so a call
// ends with a tool error the client can read rather than nginx's 504.
struct CallLimits {
  std::chrono::milliseconds tool_timeout{50'000};
  std::stop_token shutdown;  // once stop is requested, every call in flight is cancelled
};

struct ServerInfo {
  std::string name;
  std::string title;
  std::string version;
  std::string description;
  std::string instructions;
};

class Server {
 public:
  // The registries and `clients` must outlive the server; an empty (or null) resource or prompt
  // registry means the capability is not offered. Without `clients` no call has a session.
  Server(ServerInfo info, const ToolRegistry& tools, const ResourceRegistry* resources = nullptr,
         const PromptRegistry* prompts = nullptr, ClientDirectory* clients = nullptr);

  // Registers the MCP methods on `d`.
  void install(rpc::Dispatcher& d) const;

  const ServerInfo& info() const { return info_; }
  // {name, title?, version}: initialize's serverInfo, 2026-07-28's _meta serverInfo.
  rapidjson::Value implementation(rapidjson::Document::AllocatorType& a) const;
  const ToolRegistry& tools() const { return tools_; }

  // The initialize result for `params` (may be null): negotiated protocolVersion, capabilities,
  // serverInfo, instructions.
  rapidjson::Document initialize_result(const rapidjson::Value* params) const;
  rapidjson::Document capabilities() const;
  // {tools: [...]}
  rapidjson::Document tools_list() const;
  // server/discover (2026-07-28): supportedVersions, capabilities, serverInfo, instructions.
  // `in_session`: asked inside a session, where 2026-07-28 (stateless) is not among the versions.
  rapidjson::Document discover_result(bool in_session = false) const;

  // Told of every client's call of a known tool: its name, whether it was a tool error, and its
  // duration. Set before serving.
  using ToolObserver = std::function<void(const std::string& tool, bool is_error, double seconds)>;
  void set_tool_observer(ToolObserver o) { tool_observer_ = std::move(o); }

  void set_call_limits(CallLimits limits) { limits_ = std::move(limits); }

  // The one path a client's tool call takes, from every door (tools/call, the REST route): runs
  // it through the registry within the call limits, times it, tells the observer and logs it.
  // A call stopped by its time limit or by shutdown returns a tool error saying so. `request_id`
  // labels the log line. Unknown tool → not_found.
  core::Result<ToolResult> call_tool(const ToolCall& call, ToolContext& ctx,
                                     const std::string& request_id) const;

  // A fingerprint of what resources/read returns for `uri` now (a failed read counts as its
  // error), for noticing changes to subscribed resources.
  std::size_t resource_fingerprint(const std::string& uri) const;

 private:
  bool offers_resources() const { return resources_ != nullptr && !resources_->empty(); }
  bool offers_prompts() const { return prompts_ != nullptr && !prompts_->empty(); }
  rpc::Outcome on_initialize(const rapidjson::Value& params, rpc::CallContext& ctx) const;
  rpc::Outcome on_resources_read(const rapidjson::Value& params) const;
  rpc::Outcome on_subscribe(const rapidjson::Value& params, rpc::CallContext& ctx,
                            bool subscribe) const;
  rpc::Outcome on_prompts_get(const rapidjson::Value& params) const;
  rpc::Outcome on_complete(const rapidjson::Value& params) const;
  rpc::Outcome on_tools_call(const rapidjson::Value& params, rpc::CallContext& ctx) const;
  rpc::Outcome on_set_level(const rapidjson::Value& params, rpc::CallContext& ctx) const;
  std::shared_ptr<ClientState> client(const rpc::CallContext& ctx) const;

  ServerInfo info_;
  const ToolRegistry& tools_;
  const ResourceRegistry* resources_;
  const PromptRegistry* prompts_;
  ClientDirectory* const clients_;
  ToolObserver tool_observer_;
  CallLimits limits_;
};

}  // namespace shopmcp::mcp
