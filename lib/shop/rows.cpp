#include "shop/rows.h"

#include "json/json.h"
#include "shop/args.h"

namespace shopmcp::shop {

rapidjson::Value product_json(const store::Product& p, rapidjson::Document::AllocatorType& a) {
  rapidjson::Value row(rapidjson::kObjectType);
  row.AddMember("id", p.id, a);
  row.AddMember("name", json::str(p.name, a), a);
  row.AddMember("description", json::str(p.description, a), a);
  row.AddMember("price", round2(p.price), a);
  row.AddMember("stock_quantity", p.stock_quantity, a);
  row.AddMember("category", json::str(p.category, a), a);
  row.AddMember("created_at", json::str(p.created_at, a), a);
  row.AddMember("updated_at", json::str(p.updated_at, a), a);
  return row;
}

rapidjson::Value order_json(const store::Order& o, bool detailed,
                            rapidjson::Document::AllocatorType& a) {
  rapidjson::Value row(rapidjson::kObjectType);
  row.AddMember("transaction_id", json::str(o.transaction_id, a), a);
  row.AddMember("customer_name", json::str(o.customer_name, a), a);
  row.AddMember("product_name", json::str(o.product_name, a), a);
  if (detailed) {
    row.AddMember("product_category", json::str(o.product_category, a), a);
    row.AddMember("unit_price", round2(o.unit_price), a);
  }
  row.AddMember("quantity", o.quantity, a);
  row.AddMember("amount", round2(o.amount), a);
  row.AddMember("status", json::str(o.status, a), a);
  row.AddMember("created_at", json::str(o.created_at, a), a);
  row.AddMember("updated_at", json::str(o.updated_at, a), a);
  return row;
}

}  // namespace shopmcp::shop
