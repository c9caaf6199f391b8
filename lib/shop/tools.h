// The shop's MCP tools, registered on a ToolRegistry over a Store. Thread-safe after registration.
#pragma once

#include "mcp/tool.h"
#include "mcp/tool_registry.h"
#include "store/store.h"

namespace shopmcp::shop {

// Each tool's definition (name, description, schemas, handler bound to `store`). `store` must
// outlive the returned tool.
mcp::Tool get_orders_tool(store::Store& store);
mcp::Tool get_products_tool(store::Store& store);
mcp::Tool get_customer_stats_tool(store::Store& store);
mcp::Tool get_order_analytics_tool(store::Store& store);

// Registers every shop tool.
void register_tools(mcp::ToolRegistry& registry, store::Store& store);

}  // namespace shopmcp::shop
