// The shop's prompts: sales_report (a date range), customer_summary (a customer), stock_check (a
// category), each carrying the figures it is about, gathered with the shop's tools, and
// completing its arguments from the store. Thread-safe after registration.
#pragma once

#include "mcp/prompts.h"
#include "mcp/tool_registry.h"
#include "store/store.h"

namespace shopmcp::shop {

// `store` and `tools` (which must hold the shop's tools) must outlive the registry.
void register_prompts(mcp::PromptRegistry& prompts, store::Store& store,
                      const mcp::ToolRegistry& tools);

}  // namespace shopmcp::shop
