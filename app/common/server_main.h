// server_main: the whole life of an MCP server process (flags and environment, the database, the
// tools, nginx-facing FastCGI workers, the stream hub, sessions, orderly stop), shared by the
// programs in app/. Each program says only its name, its description and any tools, resources and
// prompts of its own.
#pragma once

#include <functional>

#include "mcp/prompts.h"
#include "mcp/resources.h"
#include "mcp/server.h"
#include "mcp/tool_registry.h"

namespace shopmcp::app {

inline constexpr const char* kVersion = SHOPMCP_VERSION;

struct Program {
  const char* name = "shop-mcp";
  mcp::ServerInfo info;  // the version is filled in
  // Tools added after the shop's own (the conformance fixtures); may be empty.
  std::function<void(mcp::ToolRegistry&)> add_tools;
  // Resources and prompts added after the shop's own; may be empty.
  std::function<void(mcp::ResourceRegistry&)> add_resources;
  std::function<void(mcp::PromptRegistry&)> add_prompts;
};

// Returns the process exit code: 0 after an orderly stop, 2 for bad options, 1 for a fatal error.
int server_main(int argc, char** argv, const Program& program);

}  // namespace shopmcp::app
