// shop-mcp: the shop's MCP server (see common/server_main.h for everything it shares).
#include "common/server_main.h"

int main(int argc, char** argv) {
  shopmcp::app::Program p;
  p.name = "shop-mcp";
  p.info.name = "shop-mcp";
  p.info.title = "Shop MCP";
  p.info.description =
      "MCP server for a shop's orders and products: order lookup, product catalogue, customer "
      "statistics, order analytics and Excel exports by e-mail.";
  p.info.instructions =
      "Tools for a Hong Kong supermarket's data. get_orders finds orders, get_products lists the "
      "catalogue, get_customer_stats gives per-customer totals, get_order_analytics groups orders "
      "by day, month, status or product, send_excel_email mails orders or products as an .xlsx "
      "file. Resources shop://products, shop://products/{id} and shop://orders/{transaction_id} "
      "read data by URI; the prompts sales_report, customer_summary and stock_check bring the "
      "figures for a report. Money is in HKD; dates are UTC days (YYYY-MM-DD); text filters are "
      "case-insensitive substrings.";
  return shopmcp::app::server_main(argc, argv, p);
}
