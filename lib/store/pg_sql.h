// The SQL of the PostgreSQL store (private to store/): the shop's tables as the shop's Laravel
// application creates them, shop-mcp's own objects (its rollup, indexes and triggers, all named
// shopmcp_*), and the Store queries with $n parameters. Thread-safe (pure).
//
// Two sources for the aggregates: shopmcp_rollup (orders, quantity and integer cents per day,
// status, customer and product, kept exact by triggers on orders) when shop-mcp's objects are
// installed, else the orders themselves, shaped like the rollup's rows. Every aggregate is written
// once over that shape, so both give the same answers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/sql_queries.h"
#include "store/store.h"

namespace shopmcp::store::pgsql {

// The shop's products and orders, as the Laravel application's migrations make them.
extern const char* const kCreateShopTables;

// shopmcp_meta (key, value): "version" of shop-mcp's objects, "created_tables" ("yes" when
// shop-mcp created products and orders).
extern const char* const kCreateMeta;
// Which of products, orders and shopmcp_meta exist (3 boolean columns) in the search path.
extern const char* const kTablesPresent;
// shop-mcp's objects, version by version: migration i brings "version" from i to i + 1.
const std::vector<std::string>& migrations();
// Builds shopmcp_rollup from the orders (after a bulk load, or when the objects are installed).
extern const char* const kRebuildRollup;
// The trigram index on transaction ids; needs the pg_trgm extension (kCreateTrigram).
extern const char* const kCreateTrigram;
extern const char* const kTrigramIndex;
// The channel LISTEN/NOTIFY uses: a statement that changes products or orders notifies it.
inline constexpr const char* kChannel = "shopmcp_changes";

// COPY targets for seeding, in COPY's text format.
extern const char* const kCopyProducts;  // id, name, description, price, stock, category, at, at
extern const char* const
    kCopyOrders;  // transaction_id, name, amount, status, product_id, qty, at, at
extern const char* const kResetProductIds;  // the id sequence after explicit ids

// Where the aggregates read from.
enum class Source { kRollup, kOrders };

// Columns as the SQLite store's (sql_queries.h) for the same query.
sql::Query find_orders(const OrderFilter& f, int limit);
sql::Query find_order(const std::string& transaction_id);
sql::Query find_products(const ProductFilter& f, int limit);
sql::Query find_product(std::int64_t id);
sql::Query suggest(Suggestion what, const std::string& typed, int limit);
sql::Query customer_stats(Source s, const OrderFilter& f, int limit);
sql::Query overall_stats(Source s, const OrderFilter& f);
sql::Query order_analytics(Source s, Grouping g, const OrderFilter& f, int limit);

}  // namespace shopmcp::store::pgsql
