// get_order_analytics: orders grouped by day, month, status or product.
#include <string_view>

#include "json/json.h"
#include "shop/args.h"
#include "shop/tools.h"

namespace shopmcp::shop {
namespace {

constexpr const char* kInput = R"json({
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "analytics_type": {"type": "string", "enum": ["daily", "monthly", "status", "product"],
      "default": "daily",
      "description": "Grouping: daily (newest day first), monthly (newest first), status (most orders first) or product (most units sold first)."},
    "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 30,
      "description": "Most rows to return (status rows are never cut)."}
  }
})json";  // plus date_from, date_to and status (order_filter_schema)

constexpr const char* kOutput = R"json({
  "type": "object",
  "required": ["success", "analytics_type", "data"],
  "properties": {
    "success": {"type": "boolean"},
    "analytics_type": {"type": "string", "enum": ["daily", "monthly", "status", "product"]},
    "data": {"type": "array", "items": {
      "type": "object",
      "required": ["order_count", "total_revenue", "average_order_value"],
      "properties": {
        "date": {"type": "string", "description": "daily: YYYY-MM-DD (UTC)"},
        "year": {"type": "integer"},
        "month": {"type": "integer"},
        "month_name": {"type": "string"},
        "status": {"type": "string"},
        "product_id": {"type": "integer"},
        "product_name": {"type": "string"},
        "order_count": {"type": "integer"},
        "total_quantity": {"type": "integer"},
        "total_revenue": {"type": "number", "description": "HKD"},
        "average_order_value": {"type": "number", "description": "HKD"},
        "unique_customers": {"type": "integer"}
      }
    }}
  }
})json";

constexpr const char* kMonthNames[] = {"January",   "February", "March",    "April",
                                       "May",       "June",     "July",     "August",
                                       "September", "October",  "November", "December"};

mcp::ToolResult run(store::Store& store, const rapidjson::Value& args) {
  store::OrderFilter f;
  if (auto ok = read_dates_and_status(args, &f); !ok) {
    return invalid_arguments("get_order_analytics", ok.error());
  }
  const std::string type = opt_string(args, "analytics_type").value_or("daily");
  store::Grouping g = store::Grouping::kDaily;
  if (type == "monthly") g = store::Grouping::kMonthly;
  if (type == "status") g = store::Grouping::kStatus;
  if (type == "product") g = store::Grouping::kProduct;
  const int limit = static_cast<int>(int_or(args, "limit", 30));
  auto rows = store.order_analytics(g, f, limit);
  if (!rows) return store_failure("get_order_analytics", rows.error());

  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  rapidjson::Value data(rapidjson::kArrayType);
  for (const store::AnalyticsRow& r : *rows) {
    rapidjson::Value row(rapidjson::kObjectType);
    switch (g) {
      case store::Grouping::kDaily:
        row.AddMember("date", json::str(r.date, a), a);
        break;
      case store::Grouping::kMonthly:
        row.AddMember("year", r.year, a);
        row.AddMember("month", r.month, a);
        row.AddMember(
            "month_name",
            rapidjson::StringRef(r.month >= 1 && r.month <= 12 ? kMonthNames[r.month - 1] : ""), a);
        break;
      case store::Grouping::kStatus:
        row.AddMember("status", json::str(r.status, a), a);
        break;
      case store::Grouping::kProduct:
        row.AddMember("product_id", r.product_id, a);
        row.AddMember("product_name", json::str(r.product_name, a), a);
        break;
    }
    row.AddMember("order_count", r.order_count, a);
    if (g == store::Grouping::kProduct) row.AddMember("total_quantity", r.total_quantity, a);
    row.AddMember("total_revenue", round2(r.total_revenue), a);
    row.AddMember("average_order_value", round2(r.average_order_value), a);
    if (g != store::Grouping::kProduct) row.AddMember("unique_customers", r.unique_customers, a);
    data.PushBack(row, a);
  }
  d.AddMember("success", true, a);
  d.AddMember("analytics_type", json::str(type, a), a);
  d.AddMember("data", data, a);
  return mcp::ToolResult::success(std::move(d));
}

}  // namespace

mcp::Tool get_order_analytics_tool(store::Store& store) {
  return make_tool(
      "get_order_analytics", "Order analytics",
      "Order analytics grouped by day (default), month, status or product: order count, revenue "
      "and average order value (HKD, 2 decimals), plus unique customers (day, month, status) or "
      "units sold (product). Filter by status and date range (UTC days, inclusive).",
      order_filter_schema(kInput), kOutput, run, store);
}

}  // namespace shopmcp::shop
