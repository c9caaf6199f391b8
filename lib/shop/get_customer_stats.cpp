// get_customer_stats: per-customer totals and the overall figures under the same filters.
#include "json/json.h"
#include "shop/args.h"
#include "shop/tools.h"

namespace shopmcp::shop {
namespace {

constexpr const char* kInput = R"json({
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "customer_name": {"type": "string", "maxLength": 200,
      "description": "Part of the customer's name (case-insensitive substring)."},
    "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20,
      "description": "Most customers to list."}
  }
})json";  // plus date_from, date_to and status (order_filter_schema)

constexpr const char* kOutput = R"json({
  "type": "object",
  "required": ["success", "overall_statistics", "customer_count", "customers"],
  "properties": {
    "success": {"type": "boolean"},
    "overall_statistics": {"type": "object",
      "required": ["unique_customers", "total_orders", "total_revenue", "average_order_value"],
      "properties": {
        "unique_customers": {"type": "integer"},
        "total_orders": {"type": "integer"},
        "total_revenue": {"type": "number", "description": "HKD"},
        "average_order_value": {"type": "number", "description": "HKD"}
      }},
    "customer_count": {"type": "integer", "description": "Number of customers listed."},
    "customers": {"type": "array", "items": {
      "type": "object",
      "required": ["customer_name", "total_orders", "total_spent", "average_order_amount",
                   "first_order_date", "last_order_date"],
      "properties": {
        "customer_name": {"type": "string"},
        "total_orders": {"type": "integer"},
        "total_spent": {"type": "number", "description": "HKD"},
        "average_order_amount": {"type": "number", "description": "HKD"},
        "first_order_date": {"type": "string", "description": "UTC, YYYY-MM-DD HH:MM:SS"},
        "last_order_date": {"type": "string", "description": "UTC, YYYY-MM-DD HH:MM:SS"}
      }
    }}
  }
})json";

mcp::ToolResult run(store::Store& store, const rapidjson::Value& args) {
  store::OrderFilter f;
  f.customer_name = opt_string(args, "customer_name");
  if (auto ok = read_dates_and_status(args, &f); !ok) {
    return invalid_arguments("get_customer_stats", ok.error());
  }
  const int limit = static_cast<int>(int_or(args, "limit", 20));
  auto customers = store.customer_stats(f, limit);
  if (!customers) return store_failure("get_customer_stats", customers.error());
  auto overall = store.overall_stats(f);
  if (!overall) return store_failure("get_customer_stats", overall.error());

  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  rapidjson::Value o(rapidjson::kObjectType);
  o.AddMember("unique_customers", overall->unique_customers, a);
  o.AddMember("total_orders", overall->total_orders, a);
  o.AddMember("total_revenue", round2(overall->total_revenue), a);
  o.AddMember("average_order_value", round2(overall->average_order_value), a);
  rapidjson::Value list(rapidjson::kArrayType);
  for (const store::CustomerStats& c : *customers) {
    rapidjson::Value row(rapidjson::kObjectType);
    row.AddMember("customer_name", json::str(c.customer_name, a), a);
    row.AddMember("total_orders", c.total_orders, a);
    row.AddMember("total_spent", round2(c.total_spent), a);
    row.AddMember("average_order_amount", round2(c.average_order_amount), a);
    row.AddMember("first_order_date", json::str(c.first_order_date, a), a);
    row.AddMember("last_order_date", json::str(c.last_order_date, a), a);
    list.PushBack(row, a);
  }
  d.AddMember("success", true, a);
  d.AddMember("overall_statistics", o, a);
  d.AddMember("customer_count", static_cast<std::int64_t>(customers->size()), a);
  d.AddMember("customers", list, a);
  return mcp::ToolResult::success(std::move(d));
}

}  // namespace

mcp::Tool get_customer_stats_tool(store::Store& store) {
  return make_tool(
      "get_customer_stats", "Customer statistics",
      "Per-customer order statistics, highest total spent first: number of orders, total spent, "
      "average order amount, first and last order time; plus overall figures (unique customers, "
      "orders, revenue, average order value) under the same filters. Filter by customer name "
      "(case-insensitive substring), status and date range (UTC days, inclusive). Money in HKD, "
      "rounded to 2 decimals.",
      order_filter_schema(kInput), kOutput, run, store);
}

}  // namespace shopmcp::shop
