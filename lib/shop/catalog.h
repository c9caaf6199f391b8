// The shop's resources, prompts and completions, next to its tools:
// - resources: the catalogue shop://products, each product shop://products/{id}, each order
//   shop://orders/{transaction_id} (JSON);
// - prompts: sales_report (a date range), customer_summary (a customer), stock_check (a
//   category), each carrying the figures it is about, gathered with the shop's tools;
// - completions of customer names, product names, categories, statuses, product ids and
//   transaction ids for prompt arguments and template variables.
// Thread-safe after registration.
#pragma once

#include "mcp/completion.h"
#include "mcp/prompts.h"
#include "mcp/resources.h"
#include "mcp/tool_registry.h"
#include "store/store.h"

namespace shopmcp::shop {

// `store` must outlive the registry.
void register_resources(mcp::ResourceRegistry& resources, store::Store& store);
// `store` and `tools` (which must hold the shop's tools) must outlive the registry.
void register_prompts(mcp::PromptRegistry& prompts, store::Store& store,
                      const mcp::ToolRegistry& tools);

// Suggestions from the store (store failures give none; they are logged).
mcp::Completer store_completer(store::Store& store, store::Suggestion what);
// The five statuses, and "all", that contain the typed text.
mcp::Completer status_completer(bool with_all);

}  // namespace shopmcp::shop
