// The resources and prompts the MCP conformance suite reads by name (test://static-text,
// test://template/{id}/data, test_simple_prompt, ...). Only the conformance-server program has
// them.
#pragma once

#include "mcp/prompts.h"
#include "mcp/resources.h"

namespace shopmcp::app {

void add_fixture_resources(mcp::ResourceRegistry& resources);
void add_fixture_prompts(mcp::PromptRegistry& prompts);

}  // namespace shopmcp::app
