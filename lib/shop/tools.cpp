#include "shop/tools.h"

namespace shopmcp::shop {

void register_tools(mcp::ToolRegistry& registry, store::Store& store, MailOptions mail) {
  registry.add(get_orders_tool(store));
  registry.add(get_products_tool(store));
  registry.add(get_customer_stats_tool(store));
  registry.add(get_order_analytics_tool(store));
  registry.add(send_excel_email_tool(store, std::move(mail)));
}

}  // namespace shopmcp::shop
