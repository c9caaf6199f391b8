// shop-mcp: the shop's MCP server (see common/server_main.h for everything it shares).
#include "common/server_main.h"

int main(int argc, char** argv) {
  shopmcp::app::Program p;
  p.name = "shop-mcp";
  p.info.name = "shop-mcp";
  p.info.title = "Shop MCP";
  p.info.description =
      "MCP server for a shop's orders and products: order lookup, product catalogue, customer "
      "statistics and order analytics.";
  p.info.instructions =
      "Tools for a Hong Kong supermarket's data. get_orders finds orders, get_products lists the "
      "catalogue, get_customer_stats gives per-customer totals, get_order_analytics groups orders "
      "by day, month, status or product. Money is in HKD; dates are UTC days (YYYY-MM-DD); text "
      "filters are case-insensitive substrings.";
  return shopmcp::app::server_main(argc, argv, p);
}
