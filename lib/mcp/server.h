// mcp::Server: the MCP methods (initialize with version negotiation, ping, tools/*, resources/*,
// prompts/*, completion/complete, logging/setLevel, server/discover, notifications) on an
// rpc::Dispatcher, over the tool, resource and prompt registries, plus what each session asked for
// (its log level, the client's capabilities, its resource subscriptions). Also the plain answers
// the REST routes reuse. Thread-safe after install().
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <rapidjson/document.h>

#include "core/mutex.h"
#include "core/result.h"
#include "mcp/context.h"
#include "mcp/prompts.h"
#include "mcp/resources.h"
#include "mcp/tool_registry.h"
#include "rpc/dispatcher.h"

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

struct ServerInfo {
  std::string name;
  std::string title;
  std::string version;
  std::string description;
  std::string instructions;
};

class Server {
 public:
  // The registries must outlive the server; an empty (or null) resource or prompt registry means
  // the capability is not offered.
  Server(ServerInfo info, const ToolRegistry& tools, const ResourceRegistry* resources = nullptr,
         const PromptRegistry* prompts = nullptr);

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
  // server/discover (2026-07-28): supportedVersions, capabilities, serverInfo, instructions.
  rapidjson::Document discover_result() const;

  // Forgets what session `id` asked for (its log level, capabilities); the transport calls it when
  // the session ends.
  void end_session(const std::string& id) const;
  std::size_t sessions_known() const;
  // The session's log level (nullopt: none set, so no log messages are sent).
  std::optional<LogLevel> log_level(const std::string& session_id) const;

  // A subscribed resource whose contents changed since it was last seen.
  struct Changed {
    std::string session_id;
    std::string uri;
  };
  // Reads every subscribed resource once and returns the subscriptions whose contents differ
  // from what the subscriber last saw (remembering the new contents). A resource that is gone
  // counts as changed once. Called by the transport's watcher, on one thread.
  std::vector<Changed> poll_subscriptions() const;
  std::size_t subscription_count() const;

 private:
  struct SessionState {
    std::optional<LogLevel> level;
    bool sampling = false;
    bool elicitation = false;
    bool roots = false;
    std::map<std::string, std::size_t> subscriptions;  // uri -> hash of the contents last seen
  };
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
  SessionState state(const std::string& session_id) const;

  ServerInfo info_;
  const ToolRegistry& tools_;
  const ResourceRegistry* resources_;
  const PromptRegistry* prompts_;
  mutable core::Mutex mu_;
  mutable std::unordered_map<std::string, SessionState> sessions_ GUARDED_BY(mu_);
};

}  // namespace shopmcp::mcp
