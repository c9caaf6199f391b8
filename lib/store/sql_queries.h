// The SQL of the SQLite store (private to store/): schema migrations, seeding statements, and the
// Store queries as SQL text plus values to bind. Thread-safe (pure).
// Query texts are assembled from fixed fragments only (user values are always bound), so each
// query has a small, fixed set of distinct texts that connections cache as prepared statements.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "store/store.h"

namespace shopmcp::store::sql {

// A value bound to the `?` at the same position (1-based in SQLite, 0-based here).
using Value = std::variant<std::int64_t, double, std::string>;

struct Query {
  std::string text;
  std::vector<Value> binds;
};

// Migration i (0-based) brings PRAGMA user_version from i to i + 1. Never edit a shipped one.
const std::vector<std::string>& migrations();

// Secondary indexes on orders. Seeding a new database drops them, bulk-inserts, and recreates
// them, which is much faster than maintaining them row by row.
extern const char* const kDropOrderIndexes;
extern const char* const kCreateOrderIndexes;

// The aggregates read order_rollup (orders, quantity and integer cents per day, status, customer
// and product) and transaction-id searches the trigram index orders_txn; triggers on orders keep
// both exact whoever writes the table. Seeding drops the triggers and the rollup index, bulk-
// inserts, rebuilds both tables and recreates them.
extern const char* const kDropRollupIndexes;
extern const char* const kCreateRollupIndexes;
extern const char* const kRebuildRollups;
extern const char* const kDropOrderTriggers;
const std::string& create_order_triggers();

// One row: 1 SELECT column, non-zero when the products table is empty.
extern const char* const kProductsEmpty;
// Binds: id, name, description, price, stock_quantity, category, created_at, updated_at.
extern const char* const kInsertProduct;
// An INSERT of `rows` orders in one statement (one step per batch is much faster than one per
// row). Binds per row, in order: transaction_id, name, amount, status, product_id, quantity,
// created_at, updated_at.
inline constexpr int kOrderInsertColumns = 8;
std::string insert_orders(int rows);

// Columns: transaction_id, customer name, product name, category, quantity, unit price, amount,
// status, created_at, updated_at.
Query find_orders(const OrderFilter& f, int limit);

// The same columns, for the order with exactly this transaction id.
Query find_order(const std::string& transaction_id);

// Columns: id, name, description, price, stock_quantity, category, created_at, updated_at.
Query find_products(const ProductFilter& f, int limit);
// The same columns, for one product.
Query find_product(std::int64_t id);

// One text column: the suggestions (see Store::suggest), ascending.
Query suggest(Suggestion what, const std::string& typed, int limit);

// Columns: customer name, order count, total spent, average amount, first and last created_at.
Query customer_stats(const OrderFilter& f, int limit);

// One row; columns: unique customers, order count, total revenue, average order value.
Query overall_stats(const OrderFilter& f);

// Columns (the same for every grouping; unused keys are '' or 0): date, year, month, status,
// product id, product name, order count, total quantity, total revenue, average order value,
// unique customers.
Query order_analytics(Grouping g, const OrderFilter& f, int limit);

}  // namespace shopmcp::store::sql
