// get_orders: order lookup with filters, newest first.
#include "json/json.h"
#include "shop/args.h"
#include "shop/rows.h"
#include "shop/tools.h"

namespace shopmcp::shop {
namespace {

constexpr const char* kInput = R"json({
  "type": "object",
  "additionalProperties": false,
  "properties": {
    "transaction_id": {"type": "string", "maxLength": 100,
      "description": "Part of a transaction id such as TXN000123 (case-insensitive substring)."},
    "customer_name": {"type": "string", "maxLength": 200,
      "description": "Part of the customer's name (case-insensitive substring, e.g. 陳大明)."},
    "product_name": {"type": "string", "maxLength": 200,
      "description": "Part of the product's name (case-insensitive substring)."},
    "min_amount": {"type": "number", "minimum": 0, "default": 0,
      "description": "Smallest order amount in HKD, inclusive; 0 = no lower bound."},
    "max_amount": {"type": "number", "minimum": 0, "default": 0,
      "description": "Largest order amount in HKD, inclusive; 0 = no upper bound."},
    "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10,
      "description": "Most orders to return."}
  }
})json";  // plus date_from, date_to and status (order_filter_schema)

constexpr const char* kOutput = R"json({
  "type": "object",
  "required": ["success", "total", "orders"],
  "properties": {
    "success": {"type": "boolean"},
    "total": {"type": "integer", "description": "Number of orders returned."},
    "orders": {"type": "array", "items": {
      "type": "object",
      "required": ["transaction_id", "customer_name", "product_name", "quantity", "amount",
                   "status", "created_at", "updated_at"],
      "properties": {
        "transaction_id": {"type": "string"},
        "customer_name": {"type": "string"},
        "product_name": {"type": "string"},
        "quantity": {"type": "integer"},
        "amount": {"type": "number", "description": "HKD"},
        "status": {"type": "string"},
        "created_at": {"type": "string", "description": "UTC, YYYY-MM-DD HH:MM:SS"},
        "updated_at": {"type": "string", "description": "UTC, YYYY-MM-DD HH:MM:SS"}
      }
    }}
  }
})json";

mcp::ToolResult run(store::Store& store, const rapidjson::Value& args) {
  store::OrderFilter f;
  f.transaction_id = opt_string(args, "transaction_id");
  f.customer_name = opt_string(args, "customer_name");
  f.product_name = opt_string(args, "product_name");
  if (auto ok = read_dates_and_status(args, &f); !ok)
    return invalid_arguments("get_orders", ok.error());
  if (auto ok = read_bounds(args, "min_amount", "max_amount", &f.min_amount, &f.max_amount); !ok) {
    return invalid_arguments("get_orders", ok.error());
  }
  const int limit = static_cast<int>(int_or(args, "limit", 10));
  auto orders = store.find_orders(f, limit);
  if (!orders) return store_failure("get_orders", orders.error());

  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  rapidjson::Value list(rapidjson::kArrayType);
  for (const store::Order& o : *orders) list.PushBack(order_json(o, false, a), a);
  d.AddMember("success", true, a);
  d.AddMember("total", static_cast<std::int64_t>(orders->size()), a);
  d.AddMember("orders", list, a);
  return mcp::ToolResult::success(std::move(d));
}

}  // namespace

mcp::Tool get_orders_tool(store::Store& store) {
  return make_tool(
      "get_orders", "Find orders",
      "Look up the shop's orders, newest first. Filter by transaction id, customer name or product "
      "name (case-insensitive substrings), status, amount range (HKD) and date range (UTC days, "
      "inclusive). Returns the matching orders with customer, product, quantity, amount, status "
      "and timestamps; total is the number of orders returned (at most limit).",
      order_filter_schema(kInput), kOutput, run, store);
}

}  // namespace shopmcp::shop
