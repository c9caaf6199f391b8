// The shop's MCP tools, registered on a ToolRegistry over a Store. Thread-safe after registration.
#pragma once

#include <string>

#include "mail/mailer.h"
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

// How send_excel_email mails its exports. Without a mailer or a from address the tool answers
// that mail is not configured (and names the settings to set).
struct MailOptions {
  mail::Mailer* mailer = nullptr;  // not owned; must outlive the tool
  std::string from;                // the sender's address
  std::string tmp_dir;             // where the .xlsx is written and removed; "" = $TMPDIR, /tmp
};
mcp::Tool send_excel_email_tool(store::Store& store, MailOptions mail);

// Registers every shop tool.
void register_tools(mcp::ToolRegistry& registry, store::Store& store, MailOptions mail = {});

}  // namespace shopmcp::shop
