// get_products: the catalogue with filters, ordered by name.
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
    "name": {"type": "string", "maxLength": 200,
      "description": "Part of the product name (case-insensitive substring, e.g. 可樂)."},
    "category": {"type": "string", "maxLength": 200,
      "description": "Part of the category (case-insensitive substring, e.g. 飲料, 零食, 雪糕)."},
    "min_price": {"type": "number", "minimum": 0, "default": 0,
      "description": "Lowest price in HKD, inclusive; 0 = no lower bound."},
    "max_price": {"type": "number", "minimum": 0, "default": 0,
      "description": "Highest price in HKD, inclusive; 0 = no upper bound."},
    "stock_quantity": {"type": "integer", "minimum": 0,
      "description": "Only products with at least this many units in stock."},
    "limit": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10,
      "description": "Most products to return."}
  }
})json";

constexpr const char* kOutput = R"json({
  "type": "object",
  "required": ["success", "total", "products"],
  "properties": {
    "success": {"type": "boolean"},
    "total": {"type": "integer", "description": "Number of products returned."},
    "products": {"type": "array", "items": {
      "type": "object",
      "required": ["id", "name", "description", "price", "stock_quantity", "category",
                   "created_at", "updated_at"],
      "properties": {
        "id": {"type": "integer"},
        "name": {"type": "string"},
        "description": {"type": "string"},
        "price": {"type": "number", "description": "HKD"},
        "stock_quantity": {"type": "integer"},
        "category": {"type": "string"},
        "created_at": {"type": "string"},
        "updated_at": {"type": "string"}
      }
    }}
  }
})json";

mcp::ToolResult run(store::Store& store, const rapidjson::Value& args) {
  store::ProductFilter f;
  f.name = opt_string(args, "name");
  f.category = opt_string(args, "category");
  if (auto ok = read_bounds(args, "min_price", "max_price", &f.min_price, &f.max_price); !ok) {
    return invalid_arguments("get_products", ok.error());
  }
  if (args.HasMember("stock_quantity")) f.min_stock = int_or(args, "stock_quantity", 0);
  const int limit = static_cast<int>(int_or(args, "limit", 10));
  auto products = store.find_products(f, limit);
  if (!products) return store_failure("get_products", products.error());

  rapidjson::Document d(rapidjson::kObjectType);
  auto& a = d.GetAllocator();
  rapidjson::Value list(rapidjson::kArrayType);
  for (const store::Product& p : *products) list.PushBack(product_json(p, a), a);
  d.AddMember("success", true, a);
  d.AddMember("total", static_cast<std::int64_t>(products->size()), a);
  d.AddMember("products", list, a);
  return mcp::ToolResult::success(std::move(d));
}

}  // namespace

mcp::Tool get_products_tool(store::Store& store) {
  return make_tool(
      "get_products", "Find products",
      "List the shop's products ordered by name. Filter by name or category (case-insensitive "
      "substrings), price range (HKD) and minimum stock. Returns id, name, description, price, "
      "stock quantity, category and timestamps.",
      schema_literal(kInput), kOutput, run, store);
}

}  // namespace shopmcp::shop
