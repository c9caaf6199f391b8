// The tools the MCP conformance suite and the SDK-client tests call by name (test_simple_text,
// test_tool_with_progress, test_sampling, ...). Only the conformance-server program has them.
#pragma once

#include "mcp/tool_registry.h"

namespace shopmcp::app {

void add_fixture_tools(mcp::ToolRegistry& tools);

}  // namespace shopmcp::app
