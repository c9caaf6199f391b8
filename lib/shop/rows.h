// The JSON shapes of the shop's rows, shared by the tools and the resources. Thread-safe (pure).
#pragma once

#include <rapidjson/document.h>

#include "store/store.h"

namespace shopmcp::shop {

// {id, name, description, price, stock_quantity, category, created_at, updated_at}
rapidjson::Value product_json(const store::Product& p, rapidjson::Document::AllocatorType& a);

// {transaction_id, customer_name, product_name, quantity, amount, status, created_at,
// updated_at}; with `detailed`, also product_category and unit_price.
rapidjson::Value order_json(const store::Order& o, bool detailed,
                            rapidjson::Document::AllocatorType& a);

}  // namespace shopmcp::shop
